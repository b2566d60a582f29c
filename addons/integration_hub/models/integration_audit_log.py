import json

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..lib.hub_privilege import HUB_WRITE, granted, is_granted

AUDIT_ACTIONS = [
    ("forced_state", "Forced state change"),
    ("credential_change", "Credential change"),
    ("token_rotation", "Webhook token rotation"),
    ("key_rotation", "Encryption key rotation"),
    ("sku_change", "SKU master / equivalence change"),
    ("inventory_correction", "Inventory correction"),
    ("exception_decision", "Exception decision"),
    ("job_retry", "Outbox job retried"),
    ("job_cancel", "Outbox job cancelled"),
    ("event_retry", "Inbox event retried"),
    ("event_set_aside", "Inbox event set aside"),
    ("config_change", "Configuration change"),
    ("pii_access", "Personal data access"),
    ("pii_export", "Personal data exported or printed"),
    ("pii_retention", "Personal data retention"),
    ("pii_erasure", "Personal data erasure"),
    ("inbox_archive", "Settled inbox messages removed"),
]


class IntegrationAuditLog(models.Model):
    """Append-only trail of critical actions: who, when, why, before and after.

    Rows are written only through ``_log`` and can never be changed or deleted
    through the ORM, not even by an administrator.
    """

    _name = "integration.audit.log"
    _description = "Integration Hub audit log"
    _order = "id desc"
    _rec_name = "action"

    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Who", required=True, readonly=True, ondelete="restrict")
    action = fields.Selection(AUDIT_ACTIONS, required=True, readonly=True, index=True)
    channel_id = fields.Many2one("integration.channel", readonly=True, ondelete="set null", index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    res_model = fields.Char(string="Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", readonly=True)
    record_name = fields.Char(readonly=True)
    reason = fields.Text(string="Why", readonly=True)
    before = fields.Text(readonly=True)
    after = fields.Text(readonly=True)

    @api.model
    def _log(self, action, record=None, reason=None, before=None, after=None):
        """Append one entry; the author is the real user even when called under sudo()."""
        values = self._entry_values(action, (record or self.env["integration.channel"])[:1], reason, before, after)
        with granted(HUB_WRITE):
            return self.sudo().create(values)

    @api.model
    def _log_personal_data_access(self, records, reason):
        """'Personal data access' of ``records`` by the current user: once a day per record, in two queries."""
        since = fields.Datetime.to_datetime(fields.Date.context_today(self))
        seen = set(
            self.sudo()
            .search(
                [
                    ("action", "=", "pii_access"),
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("user_id", "=", self.env.uid),
                    ("date", ">=", since),
                ]
            )
            .mapped("res_id")
        )
        values = [
            self._entry_values("pii_access", record.sudo(), reason) for record in records if record.id not in seen
        ]
        if values:
            with granted(HUB_WRITE):
                self.sudo().create(values)

    @api.model
    def _entry_values(self, action, record, reason=None, before=None, after=None):
        channel = False
        if record._name == "integration.channel":
            channel = record
        elif "channel_id" in record._fields:
            channel = record.channel_id
        company = (
            (channel and channel.company_id)
            or ("company_id" in record._fields and record.company_id)
            or self.env.company
        )
        values = {
            "user_id": self.env.uid,
            "action": action,
            "channel_id": channel.id if channel else False,
            "company_id": company.id,
            "res_model": record._name if record else False,
            "res_id": record.id if record else False,
            "record_name": record.display_name if record else False,
            "reason": reason,
            "before": json.dumps(before, default=str, sort_keys=True) if before is not None else False,
            "after": json.dumps(after, default=str, sort_keys=True) if after is not None else False,
        }
        return values

    @api.model_create_multi
    def create(self, vals_list):
        # only the hub's own path appends (see lib/hub_privilege.py): no context key opens this door
        if not is_granted(HUB_WRITE):
            raise AccessError(self.env._("Audit entries are written by the hub itself, not by hand."))
        return super().create(vals_list)

    def write(self, vals):
        raise AccessError(self.env._("The audit log is append-only: entries cannot be changed."))

    def unlink(self):
        raise AccessError(self.env._("The audit log is append-only: entries cannot be deleted."))
