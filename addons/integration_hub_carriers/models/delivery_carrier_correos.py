from odoo import models

from odoo.addons.integration_hub.lib.http_client import raise_for_status

from ..lib import correos


class DeliveryCarrierCorreos(models.Model):
    """Correos Preregistro (SOAP over HTTPS with Basic auth); first-class for Spain."""

    _inherit = "delivery.carrier"

    def _hub_correos_post(self, body, operation, action):
        return self._hub_transport().request(
            "POST",
            correos.URL[self._hub_environment()],
            operation,
            data=body,
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": action},
            auth=(self._get_secret("hub_username") or "", self._get_secret("hub_password") or ""),
        )

    def _hub_correos_create_labels(self, shipment):
        labels = []
        # Preregistro takes one parcel per call: each parcel gets its own CodEnvio and label
        for index, parcel in enumerate(shipment.parcels, start=1):
            single = type(shipment)(**{**shipment.__dict__, "parcels": [parcel]})
            if len(shipment.parcels) > 1:
                single.reference = f"{shipment.reference}-{index}"
            response = self._hub_correos_post(
                correos.build_preregistro(single, shipment.account_number), "create label", "PreRegistro"
            )
            labels.append(correos.parse_preregistro(response))
        return labels, None

    def _hub_correos_cancel(self, number):
        response = self._hub_correos_post(correos.build_cancel(number, self.hub_account_number), "cancel", "AnularOp")
        return correos.parse_cancel(response)

    def _hub_correos_fetch_tracking(self, numbers):
        transport = self._hub_transport()
        events = []
        for number in numbers:
            response = transport.request(
                "GET",
                correos.TRACKING_URL.format(tracking=number),
                "tracking",
                auth=(self._get_secret("hub_username") or "", self._get_secret("hub_password") or ""),
                headers={"Accept": "application/json"},
            )
            if response.status_code == 404:
                continue
            raise_for_status(response, f"{correos.NAME} tracking")
            events += correos.parse_tracking(response.json())
        return events

    # Odoo's contract
    def hub_correos_rate_shipment(self, order):
        return self._hub_rates_not_available()

    def hub_correos_send_shipping(self, pickings):
        return self._hub_send_shipping(pickings)

    def hub_correos_get_tracking_link(self, picking):
        return self._hub_get_tracking_link(picking)

    def hub_correos_cancel_shipment(self, pickings):
        return self._hub_cancel_shipment(pickings)
