from odoo import fields, models

from ..lib import order_states as S


class IntegrationOrderForceState(models.TransientModel):
    """A manager moves an order outside its guards: reason required, audited."""

    _name = "integration.order.force.state"
    _description = "Force a channel order's state"

    order_id = fields.Many2one("integration.channel.order", required=True)
    current_state = fields.Selection(related="order_id.state")
    target_state = fields.Selection(S.STATE_SELECTION, required=True)
    reason = fields.Text(required=True, help="Why the evidence is not needed. Kept in the audit log.")

    def action_confirm(self):
        self.order_id._transition(self.target_state, self.reason, forced=True)
        return {"type": "ir.actions.act_window_close"}
