from odoo import _, fields, models
from odoo.exceptions import AccessError

from ..lib import return_states as R


class IntegrationReturnLine(models.Model):
    _name = "integration.return.line"
    _description = "Customer return line"

    return_id = fields.Many2one("integration.return", required=True, ondelete="cascade", index=True)
    state = fields.Selection(related="return_id.state")
    order_line_id = fields.Many2one("integration.channel.order.line", string="Original order line")
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Float(required=True, default=1.0)
    instructed_grade = fields.Selection(R.GRADES, string="Returns system instruction", readonly=True)
    inspected_grade = fields.Selection(
        R.GRADES,
        string="Inspection at the bench",
        help="What the operator saw; becomes the grade on a manager's triage.",
    )
    grade = fields.Selection(R.GRADES, readonly=True, help="The triage decision.")
    outcome = fields.Selection(
        [("restocked", "Restocked"), ("reworked", "Reworked"), ("disposed", "Disposed")], readonly=True
    )
    note = fields.Text(string="Inspection notes")
    attachment_ids = fields.Many2many("ir.attachment", string="Photos")

    def write(self, vals):
        # the triage decision and its execution come from the returns system or a manager's audited triage
        if {"grade", "outcome", "instructed_grade"} & set(vals) and not self.env.su:
            raise AccessError(_("Grades are decided by the returns system or a manager's triage, not edited by hand."))
        # what is returned is fixed once authorized: the receipt and the credit depend on it
        if {"product_id", "quantity", "return_id"} & set(vals) and not self.env.su:
            if any(line.return_id.state != R.INITIATED for line in self):
                raise AccessError(_("The returned products and quantities cannot change after authorization."))
        return super().write(vals)

    def action_grade_sellable(self):
        return self._inspect("sellable")

    def action_grade_rework(self):
        return self._inspect("rework")

    def action_grade_nonconforming(self):
        return self._inspect("nonconforming")

    def _inspect(self, grade):
        """The bench buttons: record what the operator saw (the triage itself is the manager's or the channel's)."""
        self.filtered(lambda line: line.state == R.RECEIVED).write({"inspected_grade": grade})
        return True
