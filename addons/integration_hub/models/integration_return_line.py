from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import LazyTranslate

from ..lib import return_states as R

_lt = LazyTranslate(__name__)


class IntegrationReturnLine(models.Model):
    """A returned product: what the returns system sent, what the bench saw, what was decided and done."""

    _name = "integration.return.line"
    _inherit = "integration.hub.record"
    _description = "Customer return line"
    # what comes back, the instruction, the decision and its execution are the hub's to record
    _hub_fields = frozenset(
        {"return_id", "order_line_id", "product_id", "quantity", "instructed_grade", "grade", "outcome"}
    )
    # what the operator records at the bench (Operations and up)
    _BENCH_FIELDS = frozenset({"inspected_grade", "note", "attachment_ids"})
    _hub_fields_hint = _lt("At the bench, record the inspection (Sellable, Rework, Nonconforming), notes and photos.")

    return_id = fields.Many2one("integration.return", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="return_id.company_id", store=True, index=True)
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
        if self._BENCH_FIELDS.intersection(vals) and not self.env.su:
            self.return_id._check_operations(_("record inspections at the returns bench"))
            if "inspected_grade" in vals and any(line.state != R.RECEIVED for line in self):
                raise UserError(_("A line is inspected while its return waits in quarantine (received)."))
        return super().write(vals)

    def _refuse_hub_fields(self, vals, creating=False):
        if any(vals.get(name) for name in ("grade", "outcome", "instructed_grade")):
            # the clearer message for the field people try to change
            raise AccessError(_("Grades are decided by the returns system or a manager's triage, not edited by hand."))
        return super()._refuse_hub_fields(vals, creating=creating)

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
