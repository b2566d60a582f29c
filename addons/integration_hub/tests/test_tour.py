from odoo.tests import HttpCase, tagged

from .common import HubFactoryMixin


@tagged("post_install", "-at_install")
class TestTours(HubFactoryMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()

    def test_admin_creates_a_channel_and_sees_its_webhook_url(self):
        self.start_tour(
            "/odoo/action-integration_hub.action_integration_channel", "integration_hub_channel_tour", login="hub_admin"
        )
        channel = self.env["integration.channel"].search([("code", "=", "TOUR-SHOP")])
        self.assertEqual(channel.name, "Tour shop")
        self.assertTrue(channel.webhook_token)

    def test_manager_resolves_an_exception_with_a_decision(self):
        exception = self.env["integration.sync.exception"]._open(
            "invalid_order", "Order #T-1 has no phone", "Ask the shop for the phone, then release.", record=self.channel
        )
        self.start_tour(
            "/odoo/action-integration_hub.action_integration_sync_exception",
            "integration_hub_exception_tour",
            login="hub_manager",
        )
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(exception.decision, "Phone confirmed with the customer by email")
        self.assertEqual(exception.decided_by_id, self.user_manager)
