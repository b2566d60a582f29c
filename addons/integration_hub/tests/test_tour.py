from odoo.tests import HttpCase, tagged

from .common import CatalogMixin, HubFactoryMixin


@tagged("post_install", "-at_install")
class TestTours(HubFactoryMixin, CatalogMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        cls.stock(cls.mug, 5)

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

    def test_manager_releases_an_order_once_the_data_is_complete(self):
        Event = self.env["integration.event"]
        held = self.order_payload("T-HOLD")
        held["data"]["name"] = "#T-HOLD"
        held["data"]["shipping_address"]["zip"] = ""
        Event.browse(Event._receive(self.channel, "t-hold-1", "order.created", held["data"])[0])._process()
        fixed = self.order_payload("T-HOLD")["data"]
        fixed.update(name="#T-HOLD", updated_at="2026-11-20T12:00:00+01:00")
        Event.browse(Event._receive(self.channel, "t-hold-2", "order.updated", fixed)[0])._process()
        order = self.env["integration.channel.order"].search([("external_id", "=", "T-HOLD")])
        self.assertEqual((order.state, order.ready_to_release), ("on_hold", True))
        self.start_tour(
            "/odoo/action-integration_hub.action_integration_channel_order",
            "integration_hub_order_release_tour",
            login="hub_manager",
        )
        self.assertEqual(order.state, "accepted")

    def test_operator_grades_a_return_at_the_bench(self):
        Event = self.env["integration.event"]
        order_data = self.order_payload("T-RET")["data"]
        Event.browse(Event._receive(self.channel, "t-ret-1", "order.created", order_data)[0])._process()
        order = self.env["integration.channel.order"].search([("external_id", "=", "T-RET")])
        picking = order._first_step_pickings()
        picking.move_ids.picked = True
        picking.button_validate()
        return_data = {
            "id": "RMA-BENCH",
            "order_id": "T-RET",
            "reason": "wrong colour",
            "status": "authorized",
            "lines": [{"sku": "MUG-001", "quantity": 1}],
        }
        Event.browse(Event._receive(self.channel, "t-ret-2", "return.created", return_data)[0])._process()
        ret = self.env["integration.return"].search([("external_id", "=", "RMA-BENCH")])
        ret.action_create_receipt()
        ret.receipt_id.move_ids.quantity = 1
        ret.receipt_id.move_ids.picked = True
        ret.receipt_id.button_validate()
        self.assertEqual(ret.state, "received")
        self.start_tour(
            "/odoo/action-integration_hub.action_integration_return",
            "integration_hub_return_bench_tour",
            login="hub_ops",
        )
        self.assertEqual(ret.line_ids.inspected_grade, "sellable")
        self.assertEqual(ret.state, "received", "the operator records the inspection; triage is a manager's")
