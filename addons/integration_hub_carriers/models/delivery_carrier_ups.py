from datetime import UTC, datetime

from odoo import models

from odoo.addons.integration_hub.lib.errors import HubError
from odoo.addons.integration_hub.lib.http_client import raise_for_status

from ..lib import shipment as shipment_lib
from ..lib import ups

TOKEN_SECRET = "oauth_access_token"


class DeliveryCarrierUps(models.Model):
    """UPS REST: OAuth client credentials (client id = API key, client secret = API secret).

    The access token is cached encrypted with its expiry; a 401 renews it once.
    """

    _inherit = "delivery.carrier"

    def _hub_ups_url(self, path):
        return ups.BASE_URL[self._hub_environment()] + path

    def _hub_ups_token(self, transport, renew=False):
        """The OAuth access token, cached encrypted with its expiry (the hub's token facility)."""

        def fetch():
            data, headers, auth = ups.token_request(
                self._get_secret("hub_api_key") or "", self._get_secret("hub_api_secret") or ""
            )
            response = transport.request(
                "POST", self._hub_ups_url(ups.TOKEN_PATH), "oauth token", data=data, headers=headers, auth=auth
            )
            token, expires_epoch = ups.parse_token(response)
            return token, datetime.fromtimestamp(expires_epoch, tz=UTC).replace(tzinfo=None)

        token = self._access_token(fetch, name=TOKEN_SECRET, renew=renew)
        transport.secrets.append(token)
        return token

    def _hub_ups_call(self, method, path, operation, **kwargs):
        """One authorised call; an expired or revoked token is renewed once, then the call is repeated."""
        transport = self._hub_transport()
        for renew in (False, True):
            token = self._hub_ups_token(transport, renew=renew)
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "transId": self.env.context.get("hub_trans_id") or operation.replace(" ", "-")[:32],
                "transactionSrc": "integration-hub",
            }
            response = transport.request(method, self._hub_ups_url(path), operation, headers=headers, **kwargs)
            if response.status_code != 401:
                return response
        return response

    def _hub_ups_create_labels(self, shipment):
        version = self.hub_api_version or ups.DEFAULT_VERSION
        response = self._hub_ups_call(
            "POST", f"/api/shipments/{version}/ship", "create label", json=ups.build_ship_request(shipment)
        )
        _shipment_id, labels, price = ups.parse_ship_response(response)
        return labels, price

    def _hub_ups_cancel(self, number):
        version = self.hub_api_version or ups.DEFAULT_VERSION
        response = self._hub_ups_call("DELETE", f"/api/shipments/{version}/void/cancel/{number}", "void")
        return ups.parse_void_response(response)

    def _hub_ups_fetch_tracking(self, numbers):
        events = []
        for number in numbers:
            response = self._hub_ups_call(
                "GET", f"/api/track/v1/details/{number}", "tracking", params={"locale": "en_US"}
            )
            if response.status_code == 404:
                continue
            raise_for_status(response, f"{ups.NAME} tracking")
            events += ups.parse_tracking(response.json())
        return events

    # Odoo's contract
    def hub_ups_rate_shipment(self, order):
        warehouse_partner = order.warehouse_id.partner_id or order.company_id.partner_id
        shipment = shipment_lib.Shipment(
            reference=order.name,
            shipper=self._hub_address(warehouse_partner),
            recipient=self._hub_address(order.partner_shipping_id),
            parcels=[shipment_lib.Parcel(weight_kg=self._hub_weight_kg(order._get_estimated_weight()))],
            service_code=self.hub_service_code or "",
            account_number=self.hub_account_number or "",
        )
        problems = self._hub_validation_problems(shipment)
        if problems:
            return {
                "success": False,
                "price": 0.0,
                "error_message": "Missing: " + ", ".join(problems),
                "warning_message": False,
            }
        version = self.hub_api_version or ups.DEFAULT_VERSION
        try:
            response = self._hub_ups_call(
                "POST", f"/api/rating/{version}/Rate", "rate", json=ups.build_rate_request(shipment)
            )
            price, _currency = ups.parse_rate_response(response)
        except HubError as error:
            return {"success": False, "price": 0.0, "error_message": str(error), "warning_message": False}
        return {"success": True, "price": price, "error_message": False, "warning_message": False}

    def hub_ups_send_shipping(self, pickings):
        return self._hub_send_shipping(pickings)

    def hub_ups_get_tracking_link(self, picking):
        return self._hub_get_tracking_link(picking)

    def hub_ups_cancel_shipment(self, pickings):
        return self._hub_cancel_shipment(pickings)
