from odoo import _, api, models
from odoo.exceptions import AccessError

from ..lib.hub_privilege import HUB_WRITE, granted, is_granted

OPERATIONS_GROUP = "integration_hub.group_hub_operations"


class IntegrationHubRecord(models.AbstractModel):
    """What the hub's records share: fields only the hub records, the hub's notes, who may post.

    - ``_hub_fields``: facts the hub records itself (a state reached on evidence, a decision, a
      receipt). ``write()`` and ``create()`` refuse them, whatever the context sent along; the hub
      writes them through ``_hub_write`` / ``_hub_create`` after checking the caller's role and the
      guard (see lib/hub_privilege.py for why a context key cannot do this).
    - ``_hub_note()``: the hub's chatter note about a step, authored by the person who acted, who
      needs neither write access nor an e-mail address for it.
    - ``_mail_post_access``: the hub's working roles (Operations and up) may post notes and
      schedule activities on what they can read; Finance and other users only read (README, Roles).
    """

    _name = "integration.hub.record"
    _description = "Integration Hub record"

    _hub_fields = frozenset()
    _hub_fields_hint = None  # what a person uses instead (a lazy translation: LazyTranslate(__name__))

    @property
    def _mail_post_access(self):
        # read by mail on a recordset (post from the web client, message_post over RPC, activities)
        return "read" if self.env.su or self.env.user.has_group(OPERATIONS_GROUP) else "write"

    # --- fields only the hub writes ------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if self._hub_fields and not is_granted(HUB_WRITE):
            for vals in vals_list:
                self._refuse_hub_fields(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        if self._hub_fields and not is_granted(HUB_WRITE):
            self._refuse_hub_fields(vals)
        return super().write(vals)

    def _refuse_hub_fields(self, vals, creating=False):
        touched = self._hub_fields.intersection(vals)
        if creating and touched:
            # a new record may carry a hub field at its starting value (e.g. the default state)
            defaults = self.default_get(list(touched))
            touched = {name for name in touched if vals[name] not in (False, None, defaults.get(name))}
        if touched:
            message = _(
                "%(model)s: '%(fields)s' is recorded by the Integration Hub itself, from its evidence or a "
                "manager's audited decision, and is never written by hand.",
                model=self._description,
                fields="', '".join(sorted(self._fields[name]._description_string(self.env) for name in touched)),
            )
            raise AccessError(" ".join(filter(None, [message, str(self._hub_fields_hint or "")])))

    def _hub_write(self, vals):
        """Write hub-recorded facts as the hub. Callers check the role and the guard first.

        The person acting must at least see the records (their company, their role): a record id
        of another company passed to a wizard is refused here, not written.
        """
        self._check_hub_reachable()
        with granted(HUB_WRITE):
            return self.sudo().write(vals)

    @api.model
    def _hub_create(self, vals_list):
        """Create records carrying hub-recorded facts (the hub's own intake, exceptions)."""
        with granted(HUB_WRITE):
            return self.sudo().create(vals_list)

    def _check_hub_reachable(self):
        if not self.env.su:
            self.check_access("read")

    # --- the hub's notes ----------------------------------------------------------------
    def _hub_note(self, body):
        """One internal note per record, authored by the current user (no notification sent)."""
        if self:
            self._message_log_batch(
                {record.id: body for record in self},
                author_id=self.env.user.partner_id.id,
                message_type="comment",
            )
