from odoo import fields, models


class IntegrationEventSetAside(models.TransientModel):
    """A manager takes inbox events out of the queue, with the reason kept in the audit log."""

    _name = "integration.event.set.aside"
    _description = "Set inbox events aside"

    event_ids = fields.Many2many("integration.event", string="Events", required=True)
    reason = fields.Text(required=True, help="Why these messages are not processed. Kept in the audit log.")

    def action_confirm(self):
        self.ensure_one()
        self.event_ids.action_set_aside(self.reason)
        return {"type": "ir.actions.act_window_close"}
