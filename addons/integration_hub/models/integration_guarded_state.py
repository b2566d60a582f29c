from odoo import _, api, models
from odoo.exceptions import AccessError, UserError


class IntegrationGuardedState(models.AbstractModel):
    """A state machine that reads like a table: one transition method for every hub lifecycle.

    The model names its table module (``_state_table``: ``is_allowed`` and ``required_evidence``);
    a guard per transition, ``_guard_<from>_<to>()``, returns the missing evidence ([] when satisfied).
    Every step is noted in the chatter (who, when, why); forced steps need a manager and a reason
    and are audited.
    """

    _name = "integration.guarded.state"
    _inherit = "integration.hub.record"
    _description = "Guarded lifecycle"
    _hub_fields = frozenset({"state"})

    _state_table = None  # the lib module holding the transitions table
    _not_forceable = frozenset()  # states only the hub itself may reach

    def _transition(self, target, reason=None, forced=False):
        """Move to ``target`` if the table allows it and its guard finds the evidence.

        Raises AccessError when the caller may not act on the record (role, company) and UserError
        naming the missing evidence when the guard refuses.
        """
        self._check_hub_reachable()
        for record in self:
            current = record.state
            if current == target:
                continue
            if forced:
                record._check_forced(target, reason)
            else:
                record._check_allowed(current, target)
            record._before_transition(current, target, forced)
            # the caller's right was checked above: the hub records the step. The note below says
            # from/to/who/why, so Odoo's own tracking message would only say it twice.
            record.with_context(tracking_disable=True)._hub_write({"state": target})
            labels = {"from": record._state_label(current), "to": record._state_label(target)}
            body = _("%(from)s → %(to)s", **labels) + (" — " + reason if reason else "")
            if forced:
                body = _("Forced by a manager: ") + body
                self.env["integration.audit.log"]._log(
                    "forced_state", record, reason=reason, before={"state": current}, after={"state": target}
                )
            record._note_transition(body, forced)
        return True

    def _check_forced(self, target, reason):
        self._check_manager(_("force a state change"))
        if not (reason or "").strip():
            raise UserError(_("A forced state change needs a reason."))
        if target in self._not_forceable:
            raise UserError(
                _(
                    "%(state)s cannot be forced: the hub reaches it itself, on its own evidence.",
                    state=self._state_label(target),
                )
            )

    def _check_allowed(self, current, target):
        labels = {"record": self.display_name, "from": self._state_label(current), "to": self._state_label(target)}
        if not self._state_table.is_allowed(current, target):
            raise UserError(_("%(record)s cannot go from %(from)s to %(to)s.", **labels))
        missing = getattr(self, f"_guard_{current}_{target}", lambda: [])()
        if missing:
            raise UserError(
                _(
                    "%(record)s stays %(from)s: %(to)s needs %(evidence)s. Missing: %(missing)s.",
                    evidence=self._state_table.required_evidence(current, target),
                    missing="; ".join(missing),
                    **labels,
                )
            )

    def _before_transition(self, current, target, forced):
        """Hook: side effects a step needs before it is recorded."""

    def _note_transition(self, body, forced):
        self._hub_note(body)

    @api.model
    def _group_expand_states(self, states, domain):
        """Kanban columns for every state, even empty ones (the lifecycle at a glance)."""
        return [key for key, _label in self._fields["state"]._description_selection(self.env)]

    def _state_label(self, state):
        return dict(self._fields["state"]._description_selection(self.env))[state]

    def _check_manager(self, what):
        if not self.env.su and not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can %s.", what))

    def _check_operations(self, what):
        if not self.env.su and not self.env.user.has_group("integration_hub.group_hub_operations"):
            raise AccessError(_("Only Integration Hub operations users and managers can %s.", what))
