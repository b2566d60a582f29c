"""Carrier credentials survive a key rotation; uninstalling keeps the carrier exceptions."""

from unittest.mock import patch

from cryptography.fernet import Fernet

from odoo.tests import tagged
from odoo.tools import config

from ..models.integration_sync_exception import CARRIER_EXCEPTION_TYPES
from .common import SECRETS, CarrierCase

KEY = "integration_hub_encryption_key"


@tagged("post_install", "-at_install")
class TestCarrierSecrets(CarrierCase):
    def raw_ciphertexts(self, carrier):
        rows = (
            self.env["integration.secret"]
            .sudo()
            .search([("res_model", "=", "delivery.carrier"), ("res_id", "=", carrier.id)])
        )
        return {row.name: row.ciphertext for row in rows}

    def test_key_rotation_reencrypts_carrier_secrets_and_cached_tokens(self):
        Store = self.env["integration.secret"]  # one store: channels' and carriers' secrets, cached tokens
        old_key = config.get(KEY)
        Store._store(self.ups, "oauth_access_token", "cached-ups-token")
        before = self.raw_ciphertexts(self.ups)
        carrier_rows = Store.sudo().search_count([("res_model", "=", "delivery.carrier")])
        channel_rows = Store.sudo().search_count([("res_model", "=", "integration.channel")])
        new_key = Fernet.generate_key().decode()
        with patch.dict(config.options, {KEY: f"{new_key},{old_key}"}):
            count = self.env["integration.secret"]._rotate_all()
        self.assertEqual(count, carrier_rows + channel_rows)
        after = self.raw_ciphertexts(self.ups)
        self.assertNotEqual(before["oauth_access_token"], after["oauth_access_token"])
        # only the new key from now on: every carrier credential still reads
        with patch.dict(config.options, {KEY: new_key}):
            self.assertEqual(Store._reveal(self.ups, "oauth_access_token"), "cached-ups-token")
            for delivery_type, secrets in SECRETS.items():
                carrier = self.carriers[delivery_type]
                for name, plaintext in secrets.items():
                    self.assertEqual(carrier._get_secret(name), plaintext, f"{carrier.name} {name}")
            self.assertTrue(self.channel._get_secret("webhook_secret"))

    def test_uninstall_keeps_carrier_exceptions_as_other(self):
        field = self.env["integration.sync.exception"]._fields["exception_type"]
        for key, _label in CARRIER_EXCEPTION_TYPES:
            self.assertEqual(field.ondelete[key], "set other", key)
        _order, picking = self.packed_order("X-1", carrier=self.dhl)
        exception = picking._hub_open_exception("carrier_error", "DHL down", "It was down.", key="x")
        exception.with_user(self.user_manager)._decide("resolved", "DHL was back after an hour.")
        # what uninstalling the addon does with its selection values
        selection = self.env["ir.model.fields.selection"].search(
            [
                ("field_id.model", "=", "integration.sync.exception"),
                ("field_id.name", "=", "exception_type"),
                ("value", "=", "carrier_error"),
            ]
        )
        selection._process_ondelete()
        self.assertTrue(exception.exists(), "a decided exception is audit evidence")
        self.assertEqual(exception.exception_type, "other")
        self.assertEqual((exception.state, exception.decision), ("resolved", "DHL was back after an hour."))
