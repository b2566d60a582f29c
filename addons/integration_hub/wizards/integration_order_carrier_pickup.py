from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class IntegrationOrderCarrierPickup(models.TransientModel):
    """Manual fallback when the carrier API is unavailable: a manager records the carrier's proof.

    Logged as an exception for later review, as the seed's fallback rules say.
    """

    _name = "integration.order.carrier.pickup"
    _description = "Record a carrier pickup manually"

    order_id = fields.Many2one("integration.channel.order", required=True)
    carrier_receipt_ref = fields.Char(string="Carrier receipt reference", required=True)
    tracking_number = fields.Char(required=True)
    picked_up_at = fields.Datetime(string="Picked up at", required=True, default=fields.Datetime.now)
    reason = fields.Text(required=True, help="Why the carrier's own confirmation is not available.")

    def action_confirm(self):
        order = self.order_id
        order._check_manager(_("confirm a carrier pickup manually"))
        if not ((self.carrier_receipt_ref or "").strip() and (self.tracking_number or "").strip()):
            raise UserError(_("A carrier pickup needs the receipt reference and the tracking number."))
        order._record_carrier_pickup(
            self.carrier_receipt_ref.strip(),
            self.tracking_number.strip(),
            self.picked_up_at,
            _("carrier pickup entered manually by %(user)s: %(reason)s", user=self.env.user.name, reason=self.reason),
        )
        self.env["integration.audit.log"]._log(
            "forced_state",
            order,
            reason=self.reason,
            before={"state": "packed"},
            after={
                "state": order.state,
                "carrier_receipt_ref": self.carrier_receipt_ref,
                "tracking_number": self.tracking_number,
                "picked_up_at": self.picked_up_at,
            },
        )
        self.env["integration.sync.exception"]._open(
            "manual_entry",
            _lt("Order %s: carrier pickup entered by hand", order.name),
            _lt(
                "%(user)s recorded receipt %(ref)s / tracking %(tracking)s at %(at)s without the carrier's own "
                "confirmation. Check it against the carrier once its system is back.",
                user=self.env.user.name,
                ref=self.carrier_receipt_ref,
                tracking=self.tracking_number,
                at=self.picked_up_at,
            ),
            record=order,
            severity="info",
        )
        return {"type": "ir.actions.act_window_close"}
