from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import config

from ..lib import crypto
from ..lib.errors import ConfigurationError
from ..lib.hub_privilege import HUB_WRITE, granted, is_granted


class IntegrationSecret(models.Model):
    """The one store of encrypted credentials: channels', carriers', any addon's, one row per (owner, name).

    Kept apart from its owner so that no view, export or ``read()`` of a channel or a delivery method
    can ever reach them: administrators may only list which are set (in their own companies), the
    value column holds a Fernet token, never the plaintext, and nobody writes or deletes a row by
    hand: a secret is set, replaced or cleared through its owner (``integration.secret.owner``), and
    that is audited. Short-lived access tokens live here too, with their ``expires_at``.
    """

    _name = "integration.secret"
    _inherit = "integration.hub.record"
    _description = "Integration Hub encrypted secret"
    _log_access = True
    _hub_fields = frozenset({"res_model", "res_id", "channel_id", "name", "ciphertext", "expires_at"})

    res_model = fields.Char(string="Owner model", required=True, index=True)
    res_id = fields.Many2oneReference(string="Owner", model_field="res_model", required=True, index=True)
    channel_id = fields.Many2one(
        "integration.channel", ondelete="cascade", index=True, help="Set when the owner is a channel."
    )
    company_id = fields.Many2one("res.company", index=True)
    name = fields.Char(required=True, help="Technical name of the secret field, e.g. webhook_secret")
    ciphertext = fields.Text(required=True, groups="base.group_system")
    expires_at = fields.Datetime(help="For short-lived access tokens: renewed after this moment.")

    _sql_constraints = [
        ("owner_name_unique", "unique(res_model, res_id, name)", "An owner stores each secret once."),
    ]

    def unlink(self):
        if not is_granted(HUB_WRITE):
            raise AccessError(_("A secret is cleared or replaced on its channel (audited), never deleted by hand."))
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _cipher(self):
        try:
            return crypto.load_cipher(config.get(crypto.CONFIG_OPTION))
        except ConfigurationError as error:
            raise UserError(str(error)) from None

    @api.model
    def _rows(self, owner, name):
        return self.sudo().search([("res_model", "=", owner._name), ("res_id", "=", owner.id), ("name", "=", name)])

    @api.model
    def _store(self, owner, name, plaintext, expires_at=None):
        """Encrypt and store ``plaintext`` for ``owner`` (a channel, a delivery method...); empty deletes it."""
        record = self._rows(owner, name)
        with granted(HUB_WRITE):
            if not plaintext:
                record.unlink()
                return
            values = {"ciphertext": crypto.encrypt(self._cipher(), plaintext), "expires_at": expires_at}
            if record:
                record.write(values)
                return
            # the owner's company; a record shared by every company (a delivery method without one) is kept
            # apart under the company of the administrator who set it
            company = (owner.company_id if "company_id" in owner._fields else None) or self.env.company
            self.sudo().create(
                {
                    "res_model": owner._name,
                    "res_id": owner.id,
                    "channel_id": owner.id if owner._name == "integration.channel" else False,
                    "company_id": company.id,
                    "name": name,
                    **values,
                }
            )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # the webhook intake's per-worker ciphertexts (see _reveal)
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    @api.model
    def _reveal(self, owner, name, valid_at=None):
        """The plaintext, server side only (signing, API calls); False when absent or expired at ``valid_at``.

        With ``hub_webhook_intake`` in the context (the webhook controller, which never writes a secret) a
        secret without expiry comes from the worker's copy of its *ciphertext* (``_sealed_row``: no query
        per webhook); it is decrypted on every use, so no plaintext is kept, and the copy is dropped in
        every worker when any secret is written.
        """
        if valid_at is None and self.env.context.get("hub_webhook_intake"):
            ciphertext, expires_at = self._sealed_row(owner._name, owner.id, name)
        else:
            record = self.sudo().search_fetch(
                [("res_model", "=", owner._name), ("res_id", "=", owner.id), ("name", "=", name)],
                ["ciphertext", "expires_at"],
                limit=1,
            )
            ciphertext, expires_at = record.ciphertext, record.expires_at
        if not ciphertext or (valid_at and expires_at and expires_at <= valid_at):
            return False
        try:
            return crypto.decrypt(self._cipher(), ciphertext)
        except ConfigurationError as error:
            raise UserError(str(error)) from None

    @api.model
    @tools.ormcache("res_model", "res_id", "name")
    def _sealed_row(self, res_model, res_id, name):
        row = self.sudo().search_fetch(
            [("res_model", "=", res_model), ("res_id", "=", res_id), ("name", "=", name)],
            ["ciphertext", "expires_at"],
            limit=1,
        )
        return row.ciphertext or False, row.expires_at or False

    @api.model
    def _rotate_all(self):
        """Re-encrypt every stored secret (channels, carriers, any addon's) with the newest configured key."""
        records = self.sudo().search([])
        self._reencrypt(records)
        # the same key protects the customers' personal data (README "Personal data"): one command for both
        personal = self.env["integration.personal.data"].sudo()._rotate_personal_data()
        self.env["integration.audit.log"]._log(
            "key_rotation",
            reason="Re-encrypted every stored secret and every stored personal data value with the newest key",
            after={"secrets": len(records), "personal_data_rows": personal},
        )
        return len(records)

    @api.model
    def _reencrypt(self, records):
        """Rotate the ``ciphertext`` of ``records``; the error names the secret and its owner, never its value."""
        cipher = self._cipher()
        for record in records:
            try:
                with granted(HUB_WRITE):
                    record.ciphertext = crypto.rotate(cipher, record.ciphertext)
            except ConfigurationError as error:
                owner = self.env[record.res_model].browse(record.res_id) if record.res_model in self.env else None
                raise UserError(
                    _(
                        "Secret '%(secret)s' of '%(owner)s': %(error)s",
                        secret=record.name,
                        owner=owner.display_name if owner else record.res_model,
                        error=error,
                    )
                ) from None
