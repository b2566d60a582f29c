from unittest.mock import patch

from cryptography.fernet import Fernet
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import config, mute_logger

from .common import TEST_SECRET, HubFactoryMixin


@tagged("post_install", "-at_install")
class TestChannel(HubFactoryMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()

    def _raw_secret_rows(self, channel):
        self.env.flush_all()
        self.env.cr.execute("SELECT name, ciphertext FROM integration_secret WHERE channel_id = %s", [channel.id])
        return dict(self.env.cr.fetchall())

    # --- ownership ----------------------------------------------------
    def test_inventory_defaults_to_the_warehouse(self):
        self.assertEqual(self.channel.inventory_owner, "warehouse")

    def test_second_inventory_owner_in_the_same_warehouse_is_refused(self):
        self.make_channel("ERP", "ERP", inventory_owner="channel")
        with self.assertRaisesRegex(ValidationError, "two owners.*ERP"):
            self.make_channel("Shop B", "SHOPB", inventory_owner="channel")

    def test_second_catalog_owner_in_the_company_is_refused(self):
        self.make_channel("PIM", "PIM", catalog_owner="channel")
        with self.assertRaisesRegex(ValidationError, "Catalog would have two owners"):
            self.channel.catalog_owner = "channel"

    def test_object_without_owner_is_refused(self):
        with self.assertRaises(ValidationError):
            self.channel.write({"return_owner": False})

    def test_orders_are_owned_per_channel_so_many_channels_may_own_theirs(self):
        other = self.make_channel("Shop C", "SHOPC", order_owner="channel")
        self.assertEqual((self.channel | other).mapped("order_owner"), ["channel", "channel"])

    # --- webhook token --------------------------------------------------
    def test_token_is_random_unguessable_and_rotation_is_audited(self):
        other = self.make_channel("Shop D", "SHOPD")
        self.assertNotEqual(self.channel.webhook_token, other.webhook_token)
        self.assertGreaterEqual(len(self.channel.webhook_token), 40)
        old = self.channel.webhook_token
        self.channel.with_user(self.user_admin).action_rotate_webhook_token()
        self.assertNotEqual(self.channel.webhook_token, old)
        log = self.env["integration.audit.log"].search(
            [("action", "=", "token_rotation"), ("res_id", "=", self.channel.id)]
        )
        self.assertEqual(log.user_id, self.user_admin)
        self.assertNotIn(old, log.before + log.after, "the audit keeps only a suffix, never the token")
        self.assertIn(self.channel.webhook_token, self.channel.webhook_url)

    def test_publish_interval_between_15_and_60(self):
        with self.assertRaises(ValidationError):
            self.channel.publish_interval_minutes = 5
        with self.assertRaises(ValidationError):
            self.channel.publish_interval_minutes = 90

    def test_bad_allowlist_entry_is_refused_with_its_value(self):
        with self.assertRaisesRegex(ValidationError, "999.1.1.1"):
            self.channel.allowed_ips = "10.0.0.0/8, 999.1.1.1"

    # --- secrets ------------------------------------------------------
    def test_secret_is_encrypted_at_rest(self):
        self.channel.api_key = "shpat_plaintext_token_123"
        rows = self._raw_secret_rows(self.channel)
        self.assertEqual(set(rows), {"webhook_secret", "api_key"})
        for ciphertext in rows.values():
            self.assertNotIn("shpat_plaintext_token_123", ciphertext)
            self.assertNotIn(TEST_SECRET, ciphertext)
            self.assertNotIn(TEST_SECRET[6:], ciphertext)
        self.assertEqual(self.channel._get_secret("api_key"), "shpat_plaintext_token_123")

    def test_secret_is_write_only_for_everyone(self):
        self.assertFalse(self.channel.with_user(self.user_admin).read(["webhook_secret"])[0]["webhook_secret"])
        exported = self.channel.export_data(["webhook_secret", "api_key"])["datas"]
        self.assertEqual(exported, [["", ""]])
        self.assertIn("Webhook signing secret", self.channel.secrets_set)

    def test_operations_and_finance_cannot_read_secrets(self):
        for user in (self.user_operations, self.user_finance, self.user_manager):
            with self.assertRaises(AccessError):
                self.channel.with_user(user).read(["webhook_secret"])
            with self.assertRaises(AccessError):
                self.env["integration.secret"].with_user(user).search([])

    def test_empty_value_keeps_the_current_secret(self):
        self.channel.webhook_secret = ""
        self.assertEqual(self.channel._get_secret("webhook_secret"), TEST_SECRET)

    def test_secret_change_is_audited_without_its_value(self):
        self.channel.with_user(self.user_admin).api_secret = "pa55word-xyz"
        log = self.env["integration.audit.log"].search(
            [("action", "=", "credential_change"), ("res_id", "=", self.channel.id)], limit=1
        )
        self.assertEqual(log.user_id, self.user_admin)
        self.assertNotIn("pa55word-xyz", (log.reason or "") + (log.after or "") + (log.before or ""))
        messages = self.channel.message_ids.mapped("body")
        self.assertFalse([m for m in messages if "pa55word-xyz" in m])

    def test_secret_never_reaches_the_log(self):
        with self.assertLogs("odoo", level="DEBUG") as logs:
            self.channel.api_secret = "never-log-me-42"
            self.channel._get_secret("api_secret")
            import logging

            logging.getLogger("odoo.addons.integration_hub").debug("marker")
        self.assertFalse([line for line in logs.output if "never-log-me-42" in line])

    def test_missing_key_is_a_clear_error(self):
        with (
            patch.dict(config.options, {"integration_hub_encryption_key": ""}),
            patch.dict("os.environ", {}, clear=True),
        ):
            with self.assertRaisesRegex(UserError, "No encryption key is configured"):
                self.channel.api_key = "x"

    def test_key_rotation_reencrypts_and_keeps_secrets_readable(self):
        old_key = config.get("integration_hub_encryption_key")
        self.channel.api_key = "rotate-me"
        before = self._raw_secret_rows(self.channel)
        new_key = Fernet.generate_key().decode()
        with patch.dict(config.options, {"integration_hub_encryption_key": f"{new_key},{old_key}"}):
            count = self.env["integration.secret"]._rotate_all()
        self.assertGreaterEqual(count, 2)
        after = self._raw_secret_rows(self.channel)
        self.assertNotEqual(before["api_key"], after["api_key"])
        # Only the new key is needed from now on.
        with patch.dict(config.options, {"integration_hub_encryption_key": new_key}):
            self.assertEqual(self.channel._get_secret("api_key"), "rotate-me")
            self.assertEqual(self.channel._get_secret("webhook_secret"), TEST_SECRET)
        self.assertTrue(self.env["integration.audit.log"].search([("action", "=", "key_rotation")]))

    @mute_logger("odoo.sql_db")
    def test_code_unique_per_company(self):
        with self.assertRaises(IntegrityError):
            self.make_channel("Dup", "TEST")
            self.env.flush_all()

    def test_settings_show_the_key_status_and_only_admins_reencrypt(self):
        settings = self.env["res.config.settings"].create({})  # Settings belong to Odoo's administrators
        self.assertIn("Configured (1 key(s)", settings.integration_hub_key_status)
        self.assertNotIn(config.get("integration_hub_encryption_key"), settings.integration_hub_key_status)
        with (
            patch.dict(config.options, {"integration_hub_encryption_key": ""}),
            patch.dict("os.environ", {}, clear=True),
        ):
            self.assertIn("MISSING", self.env["res.config.settings"].create({}).integration_hub_key_status)
        with self.assertRaises(UserError):
            self.env["res.config.settings"].with_user(self.user_manager).create(
                {}
            ).action_integration_hub_rotate_secrets()
        result = settings.action_integration_hub_rotate_secrets()
        self.assertEqual(result["params"]["type"], "success")
