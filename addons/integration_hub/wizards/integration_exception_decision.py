from odoo import api, fields, models


class IntegrationExceptionDecision(models.TransientModel):
    """Close exceptions with a written decision: what was done, and why."""

    _name = "integration.exception.decision"
    _description = "Decide on integration exceptions"

    exception_ids = fields.Many2many("integration.sync.exception", string="Exceptions", required=True)
    outcome = fields.Selection(
        [("resolved", "Resolved"), ("cancelled", "Cancelled (no action needed)")], default="resolved", required=True
    )
    decision = fields.Text(required=True, help="Who did what, and why. Kept in the audit log.")
    mode = fields.Selection(
        [("decide", "Decide"), ("apply_edit", "Apply the edit"), ("reject_edit", "Reject the edit")],
        default="decide",
        required=True,
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "integration.sync.exception":
            values["exception_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "apply_edit":
            self.exception_ids._apply_pending_edit(self.decision)
        elif self.mode == "reject_edit":
            self.exception_ids._reject_pending_edit(self.decision)
        else:
            self.exception_ids._decide(self.outcome, self.decision)
        return {"type": "ir.actions.act_window_close"}
