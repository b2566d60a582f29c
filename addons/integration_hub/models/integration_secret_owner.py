from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

ADMIN_GROUP = "integration_hub.group_hub_admin"
# a cached access token is renewed this long before it expires, so no call goes out with a dying token
TOKEN_MARGIN = timedelta(seconds=60)


def secret_field(string, help=None):
    """A write-only credential on any model inheriting ``integration.secret.owner``.

    Declared per field, e.g. ``woocommerce_consumer_secret = secret_field("Consumer secret")``: the
    owner finds its secrets by this marker, never through a shared dict that each addon would
    overwrite, so any number of addons add theirs to the same model safely. The value is encrypted
    into ``integration.secret`` when written, reads back empty for everyone, and is audited.
    """
    return fields.Char(
        string=string,
        help=help,
        compute="_compute_hub_secret_values",
        inverse="_inverse_hub_secret_values",
        groups=ADMIN_GROUP,
        copy=False,
        hub_secret=True,
    )


class IntegrationSecretOwner(models.AbstractModel):
    """What a record holding credentials shares: write-only secret fields, their store, token renewal."""

    _name = "integration.secret.owner"
    _description = "Integration Hub record with credentials"

    secrets_set = fields.Char(
        compute="_compute_secrets_set",
        string="Secrets stored",
        help="Names of the secrets that are set (their values are never shown).",
    )

    def _valid_field_parameter(self, field, name):
        return name == "hub_secret" or super()._valid_field_parameter(field, name)

    def _hub_secret_fields(self):
        """{field name: label} of the secret fields of this model (every addon's)."""
        return {
            name: field._description_string(self.env)
            for name, field in self._fields.items()
            if getattr(field, "hub_secret", False)
        }

    def _compute_hub_secret_values(self):
        # write-only: the value is never read back, whoever asks
        for record in self:
            for name in self._hub_secret_fields():
                record[name] = False

    def _inverse_hub_secret_values(self):
        # one call for every secret written together; a field left empty keeps its secret
        labels = self._hub_secret_fields()
        for record in self:
            for name, label in labels.items():
                value = record[name]
                if value:
                    record._set_secret(name, value)
                    record._secret_changed(name, _("%s was set or replaced.", label))
        self.invalidate_recordset(list(labels))  # the typed value never stays readable, not even in this request

    def _compute_secrets_set(self):
        labels = self._hub_secret_fields()
        rows = (
            self.env["integration.secret"]
            .sudo()
            .search_read(
                [("res_model", "=", self._name), ("res_id", "in", self.ids), ("name", "in", list(labels))],
                ["res_id", "name"],
            )
        )
        names = {}
        for row in rows:
            names.setdefault(row["res_id"], []).append(labels[row["name"]])
        for record in self:
            record.secrets_set = ", ".join(sorted(names.get(record.id, []))) or _("none")

    def _secret_changed(self, name, note):
        """Audit (who, when, which secret; never its value) and tell the record's followers."""
        self.env["integration.audit.log"]._log(
            "credential_change", self, reason=f"{self.display_name}: {note}", after={"secret": name}
        )
        if hasattr(self, "_hub_note"):
            self._hub_note(note)
        elif "message_ids" in self._fields:
            self._message_log(body=note)

    # --- server side only: never log or display these values -------------------------
    def _get_secret(self, name, valid_at=None):
        """The plaintext of a secret (False when not set, or expired at ``valid_at``)."""
        self.ensure_one()
        if not self._origin.id:
            return False  # a record being created in a form has no secret yet
        return self.env["integration.secret"]._reveal(self._origin, name, valid_at=valid_at)

    def _set_secret(self, name, value, expires_at=None):
        self.ensure_one()
        self.env["integration.secret"]._store(self, name, value, expires_at=expires_at)

    def _access_token(self, refresh, name="access_token", renew=False):
        """A short-lived access token (OAuth and the like), kept encrypted with its expiry.

        ``refresh()`` returns ``(token, expires_at)`` (naive UTC): it is called when no token is
        stored, when it expires within a minute, or when ``renew`` (the remote refused the token).
        """
        self.ensure_one()
        if not renew:
            token = self._get_secret(name, valid_at=fields.Datetime.now() + TOKEN_MARGIN)
            if token:
                return token
        token, expires_at = refresh()
        self._set_secret(name, token, expires_at=expires_at)
        return token

    # --- the Clear button (administrators, audited) ---------------------------------
    def action_clear_secret(self):
        if not self.env.su and not self.env.user.has_group(ADMIN_GROUP):
            raise AccessError(_("Only Integration Hub administrators can clear secrets."))
        if not self.env.su:
            self.check_access("read")
        name = self.env.context.get("secret_name")
        labels = self._hub_secret_fields()
        if name not in labels:
            raise UserError(_("Unknown secret."))
        for record in self:
            record._set_secret(name, False)
            record._secret_changed(name, _("%s was cleared.", labels[name]))
        return True
