from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import HubFactoryMixin


@tagged("post_install", "-at_install")
class TestAuditLog(HubFactoryMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()

    def test_log_records_who_why_before_after(self):
        entry = (
            self.env["integration.audit.log"]
            .with_user(self.user_manager)
            ._log("forced_state", self.channel, reason="Carrier confirmed by phone", before={"a": 1}, after={"a": 2})
        )
        self.assertEqual(entry.user_id, self.user_manager)
        self.assertEqual(entry.channel_id, self.channel)
        self.assertEqual((entry.before, entry.after), ('{"a": 1}', '{"a": 2}'))

    def test_append_only_even_for_the_superuser(self):
        entry = self.env["integration.audit.log"]._log("config_change", self.channel, reason="x")
        with self.assertRaises(AccessError):
            entry.sudo().write({"reason": "rewritten"})
        with self.assertRaises(AccessError):
            entry.sudo().unlink()
        with self.assertRaises(AccessError):
            self.env["integration.audit.log"].sudo().create({"action": "config_change", "user_id": self.env.uid})

    def test_operations_cannot_read_the_audit_log_but_managers_and_finance_can(self):
        self.env["integration.audit.log"]._log("config_change", self.channel, reason="x")
        with self.assertRaises(AccessError):
            self.env["integration.audit.log"].with_user(self.user_operations).search([])
        for user in (self.user_manager, self.user_finance):
            self.assertTrue(self.env["integration.audit.log"].with_user(user).search([]))
