"""The seed's acceptance tests for orders, end to end through the real webhook endpoint.

A partner's signed generic webhook -> inbox -> validation -> allocation in Odoo ->
picking evidence -> carrier proof. Each test drives HTTP like the partner would.
"""

from odoo import fields
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

ROUTE = "/integration_hub/v1/webhooks/"


@tagged("post_install", "-at_install")
class TestOrderAcceptance(HubFactoryMixin, CatalogMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)

    def send(self, payload, msg_id=None):
        body, headers = self.signed_request(payload, msg_id=msg_id)
        response = self.url_open(ROUTE + self.channel.webhook_token, data=body, headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        # the cron the webhook triggered
        self.env["integration.event"]._cron_process_inbox()

    def order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", external_id)]
        )

    def pick_everything(self, order):
        picking = order._first_step_pickings()
        for move in picking.move_ids:
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            # "Create backorder": the warehouse ships what it has, the rest follows
            Form(self.env["stock.backorder.confirmation"].with_context(result["context"])).save().process()

    def test_order_flow_from_webhook_to_dispatched(self):
        payload = self.order_payload("ACC-1")
        self.send(payload, msg_id="msg_acc_1")
        self.send(payload, msg_id="msg_acc_1")  # the shop retries: nothing new
        order = self.order("ACC-1")
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order._first_step_pickings().state, "assigned")
        self.pick_everything(order)
        self.assertEqual(order.state, "packed", "one-step route: the validated delivery is staged at the dock")
        order._record_carrier_pickup("PICKUP-123", "1Z999AA10123456784", fields.Datetime.now(), "carrier scan")
        self.assertEqual(order.state, "dispatched")
        event = self.env["integration.event"].search([("idempotency_key", "=", "msg_acc_1")])
        self.assertEqual((event.state, event.duplicate_count), ("done", 1))

    def test_variant_order_picks_the_right_size(self):
        payload = self.order_payload("ACC-2")
        payload["data"]["lines"] = [{"id": "1", "sku": "TSHIRT-M", "quantity": 2}]
        self.send(payload)
        order = self.order("ACC-2")
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order._first_step_pickings().move_ids.product_id, self.tshirt_m)
        self.pick_everything(order)
        self.assertEqual(self.tshirt_m.qty_available, 3)
        self.assertEqual(self.tshirt_s.qty_available, 5, "the other size is untouched")

    def test_kit_order_allocates_and_picks_components(self):
        payload = self.order_payload("ACC-3")
        payload["data"]["lines"] = [{"id": "1", "sku": "KIT-GIFT", "quantity": 2}]
        self.send(payload)
        order = self.order("ACC-3")
        self.assertEqual(order.state, "accepted")
        moves = order._first_step_pickings().move_ids
        self.assertEqual(sorted(moves.mapped("product_id.default_code")), ["MUG-001", "TSHIRT-S"])
        self.pick_everything(order)
        self.assertEqual((self.mug.qty_available, self.tshirt_s.qty_available), (8, 3))

    def test_partial_order_short_line_and_cancelled_line(self):
        self.channel.partial_policy = "backorder"
        payload = self.order_payload("ACC-4")
        payload["data"]["lines"] = [
            {"id": "1", "sku": "MUG-001", "quantity": 12},
            {"id": "2", "sku": "TSHIRT-S", "quantity": 1},
        ]
        self.send(payload)
        order = self.order("ACC-4")
        self.assertEqual(order.state, "accepted")
        # the shop cancels line 2 before picking starts
        update = self.order_payload("ACC-4")
        update["type"] = "order.updated"
        update["data"]["updated_at"] = "2026-11-20T12:00:00+01:00"
        update["data"]["lines"] = [
            {"id": "1", "sku": "MUG-001", "quantity": 12},
            {"id": "2", "sku": "TSHIRT-S", "quantity": 1, "cancelled": True},
        ]
        self.send(update)
        self.assertEqual(order.line_ids.filtered(lambda line: line.external_line_id == "2").state, "cancelled")
        picking = order._first_step_pickings()
        self.assertEqual(picking.move_ids.product_id, self.mug)
        self.assertEqual(picking.move_ids.quantity, 10, "10 of 12 reserved; the rest is backordered")
        self.pick_everything(order)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self.assertEqual(order.state, "packed")
