from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import order_states as S


class IntegrationOrderForceState(models.TransientModel):
    """A manager moves an order outside its guards: reason required, audited.

    Only the states the lifecycle table (lib/order_states.py TRANSITIONS) allows from the order's
    current state are offered, less the hub's own work (NOT_FORCEABLE: validation, allocation); each
    is labelled with the evidence its guard would have required and that forcing bypasses.
    """

    _name = "integration.order.force.state"
    _description = "Force a channel order's state"

    order_id = fields.Many2one("integration.channel.order", required=True)
    current_state = fields.Selection(related="order_id.state")
    target_state = fields.Selection(selection="_selection_target_state", required=True)
    bypassed_evidence = fields.Text(string="Evidence bypassed", compute="_compute_bypassed_evidence")
    reason = fields.Text(required=True, help="Why the evidence is not needed. Kept in the audit log.")

    @api.model
    def _allowed_targets(self, current):
        """[(state, evidence)] a manager may force from ``current``, in the lifecycle's order."""
        order = [state for state, _label in S.STATE_SELECTION]
        return sorted(
            (
                (target, evidence)
                for (source, target), evidence in S.TRANSITIONS.items()
                if source == current and target not in S.NOT_FORCEABLE
            ),
            key=lambda pair: order.index(pair[0]),
        )

    @api.model
    def _selection_target_state(self):
        """The allowed targets when the wizard is opened on an order (its context), else every state."""
        labels = dict(self.env["integration.channel.order"]._fields["state"]._description_selection(self.env))
        order = self.env["integration.channel.order"].browse(self.env.context.get("default_order_id"))
        if not order or not order.exists():
            return [(state, labels.get(state, label)) for state, label in S.STATE_SELECTION]
        return [(state, labels.get(state, state)) for state, _evidence in self._allowed_targets(order.state)]

    @api.depends("order_id.state", "target_state")
    def _compute_bypassed_evidence(self):
        labels = dict(self.env["integration.channel.order"]._fields["state"]._description_selection(self.env))
        for wizard in self:
            allowed = self._allowed_targets(wizard.order_id.state) if wizard.order_id else []
            wizard.bypassed_evidence = "\n".join(
                f"{labels.get(state, state)}: {evidence}" for state, evidence in allowed
            ) or _("No state can be forced from here.")

    def action_confirm(self):
        self.ensure_one()
        current = self.order_id.state
        if self.target_state not in dict(self._allowed_targets(current)):
            raise UserError(
                _(
                    "The lifecycle does not allow %(target)s from %(current)s; a forced change only skips the "
                    "evidence of an allowed transition.",
                    target=self.target_state,
                    current=current,
                )
            )
        self.order_id._transition(self.target_state, self.reason, forced=True)
        return {"type": "ir.actions.act_window_close"}
