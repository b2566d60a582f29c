from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.integration_hub.lib import crypto
from odoo.addons.integration_hub.lib.hub_privilege import HUB_WRITE, granted, is_granted


class IntegrationCarrierSecret(models.Model):
    """Encrypted carrier credentials and cached access tokens, one row per (carrier, name).

    Like the channels' secrets: kept apart from delivery.carrier so no view,
    export or read() of a carrier reaches them, and even then the column holds
    a Fernet token, never the plaintext. Nobody writes or deletes a row by hand:
    credentials are set or cleared on the delivery method (audited).
    """

    _name = "integration.carrier.secret"
    _inherit = "integration.hub.record"
    _description = "Integration Hub encrypted carrier secret"
    _hub_fields = frozenset({"carrier_id", "name", "ciphertext", "expires_at"})

    carrier_id = fields.Many2one("delivery.carrier", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="carrier_id.company_id", store=True, index=True)
    name = fields.Char(required=True, help="Technical name of the secret, e.g. hub_password or oauth_token")
    ciphertext = fields.Text(required=True, groups="base.group_system")
    expires_at = fields.Datetime(help="For cached access tokens: renewed after this moment.")

    _sql_constraints = [
        ("carrier_name_unique", "unique(carrier_id, name)", "A carrier stores each secret once."),
    ]

    def unlink(self):
        if not is_granted(HUB_WRITE):
            raise AccessError(_("Carrier credentials are cleared on the delivery method (audited), not deleted."))
        return super().unlink()

    @api.model
    def _store(self, carrier, name, plaintext, expires_at=None):
        """Encrypt and store ``plaintext`` (empty = delete the secret)."""
        record = self.sudo().search([("carrier_id", "=", carrier.id), ("name", "=", name)])
        with granted(HUB_WRITE):
            if not plaintext:
                record.unlink()
                return
            token = crypto.encrypt(self.env["integration.secret"]._cipher(), plaintext)
            if record:
                record.write({"ciphertext": token, "expires_at": expires_at})
            else:
                self.sudo().create(
                    {"carrier_id": carrier.id, "name": name, "ciphertext": token, "expires_at": expires_at}
                )

    @api.model
    def _reveal(self, carrier, name, valid_at=None):
        """The plaintext for server-side use (False when absent, or expired at ``valid_at``)."""
        record = self.sudo().search([("carrier_id", "=", carrier.id), ("name", "=", name)], limit=1)
        if not record or (valid_at and record.expires_at and record.expires_at <= valid_at):
            return False
        return crypto.decrypt(self.env["integration.secret"]._cipher(), record.ciphertext)


class IntegrationSecret(models.Model):
    _inherit = "integration.secret"

    @api.model
    def _rotate_all(self):
        """Key rotation covers the carriers' credentials and cached tokens too, not only the channels'."""
        records = self.env["integration.carrier.secret"].sudo().search([])
        self._reencrypt(records, lambda record: record.carrier_id.display_name)
        if records:
            self.env["integration.audit.log"]._log(
                "key_rotation",
                reason="Re-encrypted every stored carrier secret with the newest key",
                after={"carrier_secrets": len(records)},
            )
        return super()._rotate_all() + len(records)
