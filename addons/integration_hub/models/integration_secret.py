from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import config

from ..lib import crypto
from ..lib.errors import ConfigurationError
from ..lib.hub_privilege import HUB_WRITE, granted, is_granted


class IntegrationSecret(models.Model):
    """Encrypted credentials of a channel, one row per (channel, secret name).

    Kept apart from the channel so that no view, export or ``read()`` of the
    channel can ever reach them: administrators may only list which are set (in
    their own companies), the value column holds a Fernet token, never the
    plaintext, and nobody writes or deletes a row by hand: a secret is set,
    replaced or cleared through its channel, and that is audited.
    """

    _name = "integration.secret"
    _inherit = "integration.hub.record"
    _description = "Integration Hub encrypted secret"
    _log_access = True
    _hub_fields = frozenset({"channel_id", "name", "ciphertext"})

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    name = fields.Char(required=True, help="Technical name of the secret field, e.g. webhook_secret")
    ciphertext = fields.Text(required=True, groups="base.group_system")

    _sql_constraints = [
        ("channel_name_unique", "unique(channel_id, name)", "A channel stores each secret once."),
    ]

    def unlink(self):
        if not is_granted(HUB_WRITE):
            raise AccessError(_("A secret is cleared or replaced on its channel (audited), never deleted by hand."))
        return super().unlink()

    @api.model
    def _cipher(self):
        try:
            return crypto.load_cipher(config.get(crypto.CONFIG_OPTION))
        except ConfigurationError as error:
            raise UserError(str(error)) from None

    @api.model
    def _store(self, channel, name, plaintext):
        """Encrypt and store ``plaintext`` (empty = delete the secret)."""
        record = self.sudo().search([("channel_id", "=", channel.id), ("name", "=", name)])
        with granted(HUB_WRITE):
            if not plaintext:
                record.unlink()
                return
            token = crypto.encrypt(self._cipher(), plaintext)
            if record:
                record.ciphertext = token
            else:
                self.sudo().create({"channel_id": channel.id, "name": name, "ciphertext": token})

    @api.model
    def _reveal(self, channel, name):
        """The plaintext, for server-side use only (signing, API calls)."""
        record = self.sudo().search([("channel_id", "=", channel.id), ("name", "=", name)], limit=1)
        if not record:
            return False
        try:
            return crypto.decrypt(self._cipher(), record.ciphertext)
        except ConfigurationError as error:
            raise UserError(str(error)) from None

    @api.model
    def _rotate_all(self):
        """Re-encrypt every stored secret with the newest configured key (addons add their stores)."""
        records = self.sudo().search([])
        self._reencrypt(records, lambda record: record.channel_id.display_name)
        self.env["integration.audit.log"]._log(
            "key_rotation",
            reason="Re-encrypted every stored secret with the newest key",
            after={"secrets": len(records)},
        )
        return len(records)

    @api.model
    def _reencrypt(self, records, owner_name):
        """Rotate the ``ciphertext`` of ``records`` (any secret store); the error names the secret, never its value."""
        cipher = self._cipher()
        for record in records:
            try:
                with granted(HUB_WRITE):
                    record.ciphertext = crypto.rotate(cipher, record.ciphertext)
            except ConfigurationError as error:
                raise UserError(
                    _(
                        "Secret '%(secret)s' of '%(owner)s': %(error)s",
                        secret=record.name,
                        owner=owner_name(record),
                        error=error,
                    )
                ) from None
