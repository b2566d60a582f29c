import json

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CatalogMixin, HubFactoryMixin


@tagged("post_install", "-at_install")
class TestTours(HubFactoryMixin, CatalogMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        cls.stock(cls.mug, 5)
        cls.list_products(cls.channel, cls.mug)

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

    # --- each role through the screens it uses (issue: nobody past their role) -----------------------
    def returned_order(self, external_id, return_id):
        Event = self.env["integration.event"]
        Event.browse(
            Event._receive(self.channel, f"{external_id}-1", "order.created", self.order_payload(external_id)["data"])[
                0
            ]
        )._process()
        order = self.env["integration.channel.order"].search([("external_id", "=", external_id)])
        picking = order._first_step_pickings()
        picking.move_ids.picked = True
        picking.button_validate()
        data = {
            "id": return_id,
            "order_id": external_id,
            "reason": "scratched",
            "status": "authorized",
            "lines": [{"sku": "MUG-001", "quantity": 1}],
        }
        Event.browse(Event._receive(self.channel, f"{return_id}-1", "return.created", data)[0])._process()
        return self.env["integration.return"].search([("external_id", "=", return_id)])

    def test_returns_bench_operations_receive_and_grade_a_manager_triages_and_disposes(self):
        ret = self.returned_order("T-BENCH", "RMA-TOUR")
        action = "/odoo/action-integration_hub.action_integration_return"
        self.start_tour(action, "integration_hub_return_receipt_tour", login="hub_ops")
        self.assertEqual(ret.receipt_id.location_dest_id, self.warehouse.hub_quarantine_location_id)
        receipt = ret.receipt_id.with_user(self.user_operations)  # validated in Inventory by the warehouse
        receipt.move_ids.quantity = 1
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(ret.state, "received")
        self.start_tour(action, "integration_hub_return_grade_tour", login="hub_ops")
        self.assertEqual((ret.state, ret.line_ids.inspected_grade), ("received", "rework"))
        self.start_tour(action, "integration_hub_return_triage_tour", login="hub_manager")
        self.assertEqual((ret.state, ret.triage_source, ret.line_ids.outcome), ("completed", "manager", "reworked"))
        rework = self.warehouse.hub_rework_location_id
        self.assertEqual(self.mug.with_context(location=rework.id).qty_available, 1)

    def test_a_manager_without_an_email_address_publishes_now(self):
        manager = new_test_user(self.env, "hub_mgr_nomail", groups="integration_hub.group_hub_manager", name="Nora")
        manager.partner_id.email = False
        self.start_tour(
            "/odoo/action-integration_hub.action_integration_channel",
            "integration_hub_publish_now_tour",
            login="hub_mgr_nomail",
        )
        job = self.env["integration.job"].search([("channel_id", "=", self.channel.id), ("job_type", "=", "inventory")])
        self.assertEqual(json.loads(job.payload)["MUG-001"], 5)
        note = self.channel.message_ids.filtered(lambda m: "Inventory republished" in str(m.body))
        self.assertEqual(note.author_id, manager.partner_id)

    def test_the_smart_buttons_each_role_sees_open(self):
        Event = self.env["integration.event"]
        data = self.order_payload("T-SMART")["data"]
        data["name"] = "#T-SMART"
        Event.browse(Event._receive(self.channel, "t-smart-1", "order.created", data)[0])._process()
        order = self.env["integration.channel.order"].search([("external_id", "=", "T-SMART")])
        self.assertEqual(order.state, "accepted")
        self.env["integration.sync.exception"]._open("other", "Check the shop", "Details", record=self.channel)
        for login in ("hub_ops", "hub_manager", "hub_admin", "hub_finance"):
            with self.subTest(login=login):
                self.start_tour(
                    "/odoo/action-integration_hub.action_integration_channel_order",
                    "integration_hub_smart_buttons_tour",
                    login=login,
                )
