import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

_logger = logging.getLogger(__name__)


class EbayAccountDeletionController(http.Controller):
    """eBay's endpoint validation for marketplace account deletion notices, on the channel's webhook URL.

    eBay sends ``GET <endpoint>?challenge_code=…`` when the endpoint is saved in the developer portal (and
    now and then after): the answer is 200, JSON ``{"challengeResponse": hex SHA-256(challenge code +
    verification token + endpoint URL)}``. The notices themselves are POSTed to the same URL: the hub's
    webhook endpoint stores them (signature checked by the eBay adapter) and answers at once.
    The channel may still be a draft: the portal validates the endpoint before the channel goes live.
    """

    @http.route(
        "/integration_hub/v1/webhooks/<string:token>",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def ebay_challenge(self, token, challenge_code=None, **_params):
        env = request.env(user=SUPERUSER_ID)
        channel = env["integration.channel"]._find_by_webhook_token(token)
        answer = None
        if channel and channel.platform == "ebay" and channel.state in ("draft", "live"):
            answer = env["integration.adapter.ebay"]._ebay_challenge(channel, challenge_code)
        if not answer:
            return request.make_json_response({"status": 404, "message": "unknown channel"}, status=404)
        _logger.info("eBay endpoint validation answered for channel %s", channel.code)
        return request.make_json_response({"challengeResponse": answer})
