import logging

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.integration_hub.lib.errors import HubError

from ..models.integration_channel import OAUTH_ROUTE

_logger = logging.getLogger(__name__)


class EtsyOAuthController(http.Controller):
    """Where Etsy sends the administrator back after the consent page (OAuth 2.0 code + PKCE).

    ``state`` is ``<channel id>.<random>`` as 'Authorise on Etsy' stored it (15 minutes); only an Integration
    Hub administrator, logged in, completes it. Answers: a redirect to the channel, or a plain-text page
    naming what is wrong (400 / 403 / 502), never a token.
    """

    @http.route(OAUTH_ROUTE, type="http", auth="user", methods=["GET"], csrf=False)
    def etsy_oauth_callback(self, state="", code="", error="", error_description="", **_ignored):
        channel_id = state.partition(".")[0]
        channel = request.env["integration.channel"].browse(int(channel_id)) if channel_id.isdigit() else None
        if not channel or not channel.sudo().exists() or channel.sudo().platform != "etsy":
            return _page(400, "This Etsy answer names no Etsy channel. Start again from the channel's form.")
        try:
            user_id = channel._etsy_finish_authorization(state, code, error_description or error)
        except AccessError as refused:
            return _page(403, str(refused))
        except UserError as wrong:
            return _page(400, str(wrong))
        except HubError as failed:  # Etsy refused the code or could not be reached
            _logger.warning("Etsy authorisation of channel %s failed: %s", channel_id, failed)
            return _page(502, str(failed))
        _logger.info("Etsy channel %s authorised by Etsy user %s", channel_id, user_id)
        return request.redirect(f"/odoo/integration.channel/{channel.id}")


def _page(status, text):
    return request.make_response(text, headers=[("Content-Type", "text/plain; charset=utf-8")], status=status)
