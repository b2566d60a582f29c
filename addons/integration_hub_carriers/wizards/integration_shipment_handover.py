from odoo import fields, models


class IntegrationShipmentHandover(models.TransientModel):
    """Manual fallback when the carrier's scan is unavailable: a manager records the carrier's proof.

    Audited, and logged as an exception for later review, as the seed's fallback rules say.
    """

    _name = "integration.shipment.handover"
    _description = "Record a handover to the carrier by hand"

    picking_id = fields.Many2one("stock.picking", required=True)
    carrier_receipt_ref = fields.Char(string="Carrier receipt reference", required=True)
    tracking_number = fields.Char(required=True)
    handed_at = fields.Datetime(string="Handed over at", required=True, default=fields.Datetime.now)
    reason = fields.Text(required=True, help="Why the carrier's own confirmation is not available.")

    def action_confirm(self):
        self.ensure_one()
        self.picking_id._hub_manual_handover(
            self.carrier_receipt_ref, self.tracking_number, self.handed_at, self.reason
        )
        return {"type": "ir.actions.act_window_close"}
