from odoo import models

from odoo.addons.integration_hub.lib.errors import PayloadError

from ..lib.shipment import utc_naive
from .delivery_carrier import HUB_TYPES


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    def _handle_shipment_tracking(self, data):
        """A carrier tracking event (polled or pushed): mapped by the carrier's own table, applied forward only."""
        picking = self.env["stock.picking"].sudo().browse(data.get("picking_id") or 0).exists()
        if not picking and data.get("tracking"):
            # the exact tracking number, on a shipment of this event's channel: never a substring match
            domain = [("hub_channel_id", "=", self.channel_id.id)] if self.channel_id else []
            picking = self.env["stock.picking"].sudo()._hub_find_by_tracking(data["tracking"], domain)
        if not picking:
            raise PayloadError(f"no outgoing transfer with tracking number {data.get('tracking')!r}")
        module = HUB_TYPES.get(data.get("carrier") or picking.carrier_id.delivery_type)
        if module is None:
            raise PayloadError(f"no status table for carrier {data.get('carrier')!r}")
        code = (data.get("code") or "").strip()
        picking._hub_apply_tracking(
            {
                "code": code,
                "status": module.STATUS_TABLE.get(code),
                "at": utc_naive(data.get("at")),
                "description": data.get("description"),
                "tracking": data.get("tracking"),
                "key": self.idempotency_key,
            }
        )
        return picking
