from odoo import models

from odoo.addons.integration_hub.lib.http_client import raise_for_status

from ..lib import dhl_parcel_de as dhl


class DeliveryCarrierDhl(models.Model):
    """DHL Parcel DE Shipping API v2: Basic auth (business customer user) plus the dhl-api-key header."""

    _inherit = "delivery.carrier"

    def _hub_dhl_headers(self):
        return {"dhl-api-key": self._get_secret("hub_api_key") or "", "Accept": "application/json"}

    def _hub_dhl_url(self, path):
        return dhl.SHIPPING_URL[self._hub_environment()] + path

    def _hub_dhl_create_labels(self, shipment):
        response = self._hub_transport().request(
            "POST",
            self._hub_dhl_url("/orders"),
            "create label",
            json=dhl.build_order_request(shipment),
            params={"docFormat": "PDF"},
            headers=self._hub_dhl_headers(),
            auth=(self._get_secret("hub_username") or "", self._get_secret("hub_password") or ""),
        )
        return dhl.parse_order_response(response), None

    def _hub_dhl_cancel(self, number):
        response = self._hub_transport().request(
            "DELETE",
            self._hub_dhl_url("/orders"),
            "cancel",
            params=dhl.cancel_params(number),
            headers=self._hub_dhl_headers(),
            auth=(self._get_secret("hub_username") or "", self._get_secret("hub_password") or ""),
        )
        return dhl.parse_cancel_response(response)

    def _hub_dhl_fetch_tracking(self, numbers):
        transport = self._hub_transport()
        events = []
        for number in numbers:
            response = transport.request(
                "GET",
                dhl.TRACKING_URL,
                "tracking",
                params={"trackingNumber": number, "service": "parcel-de"},
                headers=self._hub_dhl_headers(),
            )
            if response.status_code == 404:
                continue  # not scanned yet
            raise_for_status(response, f"{dhl.NAME} tracking")
            events += dhl.parse_tracking(response.json())
        return events

    # Odoo's contract
    def hub_dhl_rate_shipment(self, order):
        return self._hub_rates_not_available()

    def hub_dhl_send_shipping(self, pickings):
        return self._hub_send_shipping(pickings)

    def hub_dhl_get_tracking_link(self, picking):
        return self._hub_get_tracking_link(picking)

    def hub_dhl_cancel_shipment(self, pickings):
        return self._hub_cancel_shipment(pickings)
