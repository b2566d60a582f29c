from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import HubFactoryMixin


@tagged("post_install", "-at_install")
class TestRoles(HubFactoryMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.exception = cls.env["integration.sync.exception"]._open("other", "Check me", "Details", record=cls.channel)
        cls.other_company = cls.env["res.company"].create({"name": "Other 3PL client"})
        cls.other_warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.other_company.id)])
        cls.other_channel = cls.env["integration.channel"].create(
            {
                "name": "Other company shop",
                "code": "OTHER",
                "platform": "generic",
                "company_id": cls.other_company.id,
                "warehouse_id": cls.other_warehouse.id,
            }
        )

    def test_ladder_of_groups(self):
        self.assertTrue(self.user_admin.has_group("integration_hub.group_hub_manager"))
        self.assertTrue(self.user_admin.has_group("integration_hub.group_hub_operations"))
        self.assertTrue(self.user_manager.has_group("integration_hub.group_hub_operations"))
        self.assertFalse(self.user_manager.has_group("integration_hub.group_hub_admin"))
        self.assertFalse(self.user_finance.has_group("integration_hub.group_hub_operations"))

    def test_operations_view_but_cannot_change_channels_or_resolve(self):
        channel = self.channel.with_user(self.user_operations)
        self.assertEqual(channel.read(["name"])[0]["name"], "Test shop")
        with self.assertRaises(AccessError):
            channel.write({"name": "changed"})
        with self.assertRaises(AccessError):
            self.env["integration.channel"].with_user(self.user_operations).create({"name": "x", "code": "x"})
        with self.assertRaises(AccessError):
            self.exception.with_user(self.user_operations)._decide("resolved", "done")
        with self.assertRaises(AccessError):
            self.exception.with_user(self.user_operations).write({"user_id": self.user_operations.id})

    def test_finance_reads_everything_and_writes_nothing(self):
        for model in (
            "integration.channel",
            "integration.event",
            "integration.job",
            "integration.sync.exception",
            "integration.audit.log",
        ):
            records = self.env[model].with_user(self.user_finance)
            records.search([])  # read allowed
            self.assertFalse(records.has_access("write"), model)
            self.assertFalse(records.has_access("create"), model)
            self.assertFalse(records.has_access("unlink"), model)
        with self.assertRaises(AccessError):
            self.channel.with_user(self.user_finance).write({"name": "changed"})
        with self.assertRaises(AccessError):
            self.exception.with_user(self.user_finance)._decide("resolved", "done")

    def test_manager_resolves_but_cannot_configure_channels(self):
        self.exception.with_user(self.user_manager)._decide("resolved", "Data corrected with the client")
        self.assertEqual(self.exception.state, "resolved")
        with self.assertRaises(AccessError):
            self.channel.with_user(self.user_manager).write({"name": "changed"})
        with self.assertRaises(AccessError):
            self.channel.with_user(self.user_manager).read(["webhook_token"])

    def test_admin_configures_channels(self):
        channel = (
            self.env["integration.channel"]
            .with_user(self.user_admin)
            .create(
                {
                    "name": "New shop",
                    "code": "NEW",
                    "platform": "generic",
                    "warehouse_id": self.warehouse.id,
                }
            )
        )
        channel.write({"allowed_ips": "10.0.0.0/8", "webhook_secret": "whsec_QUJD"})
        self.assertTrue(channel.webhook_url)
        self.assertEqual(channel.sudo()._get_secret("webhook_secret"), "whsec_QUJD")

    def test_other_companies_channels_are_invisible(self):
        for user in (self.user_operations, self.user_manager, self.user_admin, self.user_finance):
            visible = self.env["integration.channel"].with_user(user).search([])
            self.assertIn(self.channel, visible)
            self.assertNotIn(self.other_channel, visible, user.login)
        self.env["integration.event"]._receive(self.other_channel, "other-1", "order.created", {})
        events = self.env["integration.event"].with_user(self.user_manager).search([])
        self.assertFalse(events.filtered(lambda e: e.channel_id == self.other_channel))

    def test_rpc_actions_refuse_lower_roles(self):
        """Public methods are reachable over RPC: each one checks the role itself."""
        for user in (self.user_operations, self.user_finance, self.user_manager):
            channel = self.channel.with_user(user)
            with self.assertRaises(AccessError):
                channel.with_context(secret_name="webhook_secret").action_clear_secret()
            with self.assertRaises(AccessError):
                channel.action_rotate_webhook_token()
            with self.assertRaises(AccessError):
                channel.action_pause()
        self.assertTrue(self.channel._get_secret("webhook_secret"), "the secret survived")
        self.assertEqual(self.channel.state, "live")
