from odoo import _, models

from ..lib import dpd


class DeliveryCarrierDpd(models.Model):
    """DPD Web Connect: getAuth (DelisID + password) gives the token the shipment service needs."""

    _inherit = "delivery.carrier"

    def _hub_dpd_login(self, transport):
        delis_id = self._get_secret("hub_username") or ""
        response = transport.request(
            "POST",
            dpd.BASE_URL[self._hub_environment()] + dpd.LOGIN_PATH,
            "login",
            data=dpd.login_request(delis_id, self._get_secret("hub_password") or ""),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        )
        token = dpd.parse_login(response)
        transport.secrets.append(token)
        return delis_id, token

    def _hub_dpd_create_labels(self, shipment):
        transport = self._hub_transport()
        delis_id, token = self._hub_dpd_login(transport)
        response = transport.request(
            "POST",
            dpd.BASE_URL[self._hub_environment()] + dpd.SHIPMENT_PATH,
            "create label",
            data=dpd.build_store_orders(shipment, delis_id, token),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        )
        numbers, pdf = dpd.parse_store_orders(response)
        # DPD answers one PDF holding every parcel's label: attach it once, under the first number
        return [(numbers[0], pdf)] + [(number, None) for number in numbers[1:]], None

    def _hub_dpd_cancel(self, number):
        # DPD's shipment service has no cancel operation: an unused label is simply never handed over.
        return True

    def _hub_dpd_fetch_tracking(self, numbers):
        transport = self._hub_transport()
        delis_id, token = self._hub_dpd_login(transport)
        events = []
        for number in numbers:
            response = transport.request(
                "POST",
                dpd.BASE_URL[self._hub_environment()] + dpd.TRACKING_PATH,
                "tracking",
                data=dpd.build_tracking_request(number, delis_id, token),
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            )
            events += dpd.parse_tracking(response.content, number)
        return events

    # Odoo's contract
    def hub_dpd_rate_shipment(self, order):
        return self._hub_rates_not_available()

    def hub_dpd_send_shipping(self, pickings):
        return self._hub_send_shipping(pickings)

    def hub_dpd_get_tracking_link(self, picking):
        return self._hub_get_tracking_link(picking)

    def hub_dpd_cancel_shipment(self, pickings):
        for picking in pickings:
            picking.message_post(
                body=_(
                    "DPD has no cancellation call: the label %s is void once it is not handed over.",
                    picking.carrier_tracking_ref,
                )
            )
        return self._hub_cancel_shipment(pickings)
