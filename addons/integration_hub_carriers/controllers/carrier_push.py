import logging
import secrets

from odoo import SUPERUSER_ID, http
from odoo.http import request

from odoo.addons.integration_hub.controllers.webhook import store_in_own_transaction
from odoo.addons.integration_hub.lib import json_document
from odoo.addons.integration_hub.lib.errors import PayloadError

_logger = logging.getLogger(__name__)
MAX_BODY = 512 * 1024


def _reply(status, message):
    return request.make_json_response({"status": status, "message": message}, status=status)


class CarrierPushController(http.Controller):
    """Tracking events a carrier pushes (UPS Track Alert): stored in the inbox, processed by the cron.

    The URL carries the carrier's unguessable push token; UPS also echoes it in
    its ``credential`` header when the subscription was made with it.
    """

    @http.route(
        "/integration_hub/v1/carriers/<string:token>/tracking",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def receive_tracking(self, token, **_params):
        env = request.env(user=SUPERUSER_ID)
        carrier = env["delivery.carrier"].search([("hub_push_token", "=", token)], limit=1) if token else None
        if not carrier or not carrier.hub_connector:
            return _reply(404, "unknown carrier")
        credential = request.httprequest.headers.get("credential")
        if credential is not None and not secrets.compare_digest(credential, token):
            return _reply(401, "bad credential")
        body = request.httprequest.get_data()  # cached: a request Odoo retries reads the same body again
        if len(body) > MAX_BODY:
            return _reply(413, "body too large")
        try:
            events = carrier._hub_lib().parse_push(json_document.loads(body or b"null"))
        except (PayloadError, ValueError, AttributeError, KeyError, TypeError) as error:
            return _reply(400, f"unreadable tracking push: {error}")

        def store():
            stored = 0
            for event in events:
                picking = env["stock.picking"]._hub_find_by_tracking(
                    event["tracking"], [("carrier_id", "=", carrier.id)]
                )
                if not picking or not picking.hub_channel_id:
                    _logger.info("Tracking push for unknown shipment %s ignored", event["tracking"])
                    continue
                stored += int(picking._hub_store_tracking_event(carrier, event, "webhook"))
            if stored:
                env["integration.event"]._queue_wake()
            return stored

        try:
            # the same scan pushed twice at once must be stored once and answered 200 twice
            stored = store_in_own_transaction(env, store)
        except Exception as error:
            env.cr.rollback()
            _logger.error("Tracking push for %s could not be stored: %s", carrier.name, type(error).__name__)
            response = _reply(503, "could not be stored: send it again later")
            response.headers["Retry-After"] = "30"
            return response
        return _reply(200, f"{stored} event(s) stored")
