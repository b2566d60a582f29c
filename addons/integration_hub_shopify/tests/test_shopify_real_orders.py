"""Shopify orders and refunds shaped like real shops send them, through the webhook endpoint."""

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ShopifyMixin

PRINTFUL = ("gid://shopify/Location/777000001", "Printful")


@tagged("post_install", "-at_install")
class TestShopifyRealOrders(ShopifyMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_shopify()
        cls.stock_catalog(cls)
        cls.poster = cls.env["product.product"].create(
            {"name": "Poster", "default_code": "POSTER-A2", "is_storable": True}
        )
        cls.stock(cls.poster, 10)

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def ship(self, order, tracking):
        """Pick, pack and hand over: the channel is told once the carrier has the goods."""
        picking = order._first_step_pickings()
        picking.move_ids.picked = True
        picking.button_validate()
        order._record_carrier_pickup(f"PICKUP-{tracking}", tracking, fields.Datetime.now(), "carrier scan")
        self.env["integration.job"]._cron_run_outbox()

    def mug_tip_and_gift_card(self, order_id):
        payload = self.shopify_order(order_id)
        mug = dict(payload["line_items"][0], quantity=1, current_quantity=1, requires_shipping=True)
        tip = {
            "id": 9000000000001,
            "title": "Tip",
            "sku": None,
            "variant_id": None,
            "product_id": None,
            "quantity": 1,
            "current_quantity": 1,
            "price": "3.00",
            "requires_shipping": False,
            "tip": {},
        }
        gift_card = {"id": 9000000000002, "title": "Gift card", "sku": "", "variant_id": 44000000000199,
                     "product_id": 44000000000100, "quantity": 1, "current_quantity": 1, "price": "25.00",
                     "requires_shipping": False, "gift_card": True}  # fmt: skip
        payload["line_items"] = [mug, tip, gift_card]
        return payload

    # --- 1. lines that are not goods -------------------------------------------------------------
    def test_tip_and_digital_gift_card_are_kept_but_never_hold_or_ship(self):
        shop = self.fake_shopify()
        response = self.post_webhook("orders/create", self.mug_tip_and_gift_card(3101))
        self.assertEqual(response.status_code, 200, response.text)
        self.process()
        order = self.shop_order(3101)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertFalse(order.validation_problems)
        self.assertEqual(
            [(line.name, line.line_kind, line.price_unit) for line in order.line_ids],
            [("Mug", "goods", 9.95), ("Tip", "no_shipping", 3.0), ("Gift card", "no_shipping", 25.0)],
            "visible, with their price",
        )
        channel_lines = order.sale_order_id.order_line.filtered("integration_line_id")
        self.assertEqual(channel_lines.product_id, self.mug, "only the mug is reserved")
        # the rest of the sale order is the shipping the shop charged (own sales: README "Clients and accounting")
        self.assertEqual(
            (order.sale_order_id.order_line - channel_lines).product_id,
            self.env.ref("integration_hub.product_channel_shipping"),
        )
        self.assertEqual(order._first_step_pickings().move_ids.product_id, self.mug, "only the mug is picked")
        self.ship(order, "1Z-GOODS-ONLY")
        (fulfillment,) = shop.fulfillments["3101"]
        self.assertEqual(
            [(item["id"], item["quantity"]) for item in fulfillment["lines"]],
            [("gid://shopify/FulfillmentOrderLineItem/866550311766439020", 1)],
            "the fulfillment covers the goods only",
        )

    def test_held_order_with_a_tip_is_released_by_its_goods_alone(self):
        self.fake_shopify()
        payload = self.mug_tip_and_gift_card(3102)
        payload["shipping_address"]["zip"] = ""  # a real problem: the order is held for it, not for the tip
        self.post_webhook("orders/create", payload)
        self.process()
        order = self.shop_order(3102)
        self.assertEqual(order.state, "on_hold")
        self.assertEqual(order.validation_problems, "delivery address has no ZIP / postal code")
        fixed = dict(payload, updated_at="2026-11-20T11:00:00+01:00")
        fixed["shipping_address"] = dict(payload["shipping_address"], zip="46004")
        self.post_webhook("orders/updated", fixed)
        self.process()
        order.with_user(self.user_manager).action_release()
        self.assertEqual(order.state, "accepted")

    # --- 2. lines without SKU -----------------------------------------------------------------------
    def test_refund_line_without_sku_resolves_through_its_variant(self):
        self.fake_shopify()
        self.post_webhook("orders/create", self.shopify_order(3201))  # mug + T-shirt S, with SKUs and variants
        self.process()
        order = self.shop_order(3201)
        mug_line, shirt_line = order.line_ids
        refund = {
            "id": 509562980,
            "order_id": 3201,
            "note": "wrong size",
            "refund_line_items": [
                {"id": 1, "line_item_id": 1, "quantity": 1, "restock_type": "return",
                 "line_item": {"id": 1, "sku": "MUG-001", "variant_id": 808950810}},
                {"id": 2, "line_item_id": 2, "quantity": 1, "restock_type": "return",
                 "line_item": {"id": 2, "sku": None, "variant_id": 49148385, "title": "T-shirt - S"}},
            ],
        }  # fmt: skip
        self.post_webhook("refunds/create", refund)
        self.process()
        event = self.shop_events().filtered(lambda e: e.event_type == "refunds/create")
        self.assertEqual(event.state, "done", event.error)
        ret = self.env["integration.return"].search([("external_id", "=", "refund-509562980")])
        self.assertEqual(
            [(line.product_id, line.quantity) for line in ret.line_ids], [(self.mug, 1.0), (self.tshirt_s, 1.0)]
        )
        self.assertEqual(ret.line_ids.order_line_id, mug_line | shirt_line)

    def test_refund_line_nothing_resolves_is_named_and_the_rest_is_kept(self):
        self.fake_shopify()
        self.post_webhook("orders/create", self.shopify_order(3202))
        self.process()
        refund = {
            "id": 509562981,
            "order_id": 3202,
            "refund_line_items": [
                {"line_item_id": 866550311766439020, "quantity": 1, "restock_type": "return",
                 "line_item": {"id": 866550311766439020, "sku": "MUG-001"}},
                {"line_item_id": 5, "quantity": 1, "restock_type": "return",
                 "line_item": {"id": 5, "sku": None, "variant_id": 55500000000001, "title": "Mystery box"}},
            ],
        }  # fmt: skip
        self.post_webhook("refunds/create", refund)
        self.process()
        event = self.shop_events().filtered(lambda e: e.event_type == "refunds/create")
        self.assertEqual(event.state, "done", "no bare KeyError: the event is handled")
        ret = self.env["integration.return"].search([("external_id", "=", "refund-509562981")])
        self.assertEqual(ret.line_ids.product_id, self.mug, "the mug is not lost with the other line")
        exception = self.env["integration.sync.exception"].search(
            [("res_model", "=", ret._name), ("res_id", "=", ret.id), ("exception_type", "=", "return_line_unresolved")]
        )
        self.assertEqual(len(exception), 1)
        self.assertIn("Mystery box", exception.description)
        self.assertIn("55500000000001", exception.description)

    # --- 3. lines fulfilled elsewhere ----------------------------------------------------------------
    def order_with_print_on_demand(self, order_id, shop):
        payload = self.shopify_order(order_id)
        poster = {"id": 7000000000001, "title": "Poster A2", "sku": "POSTER-A2", "variant_id": 61000000001,
                  "quantity": 1, "current_quantity": 1, "price": "30.00", "requires_shipping": True,
                  "fulfillment_service": "printful"}  # fmt: skip
        payload["line_items"] = [payload["line_items"][0], poster]
        shop.add_rest_order(payload)
        shop.assign(poster["id"], *PRINTFUL)
        return payload

    def test_line_of_another_fulfillment_service_is_shown_fulfilled_elsewhere_and_never_picked(self):
        shop = self.fake_shopify()
        self.post_webhook("orders/create", self.order_with_print_on_demand(3301, shop))
        self.process()
        order = self.shop_order(3301)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        mug_line, poster_line = order.line_ids
        self.assertEqual((poster_line.line_kind, poster_line.fulfilled_by), ("elsewhere", "Printful"))
        self.assertEqual(poster_line.product_id, self.poster, "in the catalog, still not ours to pick")
        self.assertEqual(order._first_step_pickings().move_ids.product_id, self.mug)
        self.ship(order, "1Z-OURS")
        creates = [variables for op, variables in shop.calls if op == "HubFulfillmentCreate"]
        self.assertEqual(len(creates), 1)
        (group,) = creates[0]["fulfillment"]["lineItemsByFulfillmentOrder"]
        self.assertEqual(group["fulfillmentOrderId"], "gid://shopify/FulfillmentOrder/3301", "our fulfillment order")
        self.assertEqual(self.jobs_of(order).mapped("state"), ["done"])

    def test_one_fulfillment_per_fulfillment_order_of_ours(self):
        shop = self.fake_shopify()
        second = "gid://shopify/Location/655441492"
        self.shop_channel.shopify_location_ids = [
            (
                0,
                0,
                {
                    "kind": "location",
                    "name": "Valencia mezzanine",
                    "external_id": second,
                    "warehouse_id": self.warehouse.id,
                },
            )
        ]
        payload = self.shopify_order(3302)
        shop.add_rest_order(payload)
        shop.assign(payload["line_items"][1]["id"], second, "Valencia mezzanine")
        self.post_webhook("orders/create", payload)
        self.process()
        order = self.shop_order(3302)
        self.assertEqual(order.line_ids.mapped("line_kind"), ["goods", "goods"], "both locations are ours")
        self.ship(order, "1Z-TWO-FOS")
        creates = [variables for op, variables in shop.calls if op == "HubFulfillmentCreate"]
        self.assertEqual(len(creates), 2, "Shopify takes one location's fulfillment orders per fulfillment")
        self.assertEqual(len(shop.fulfillments["3302"]), 2)
        records = self.env["integration.external.id"].search(
            [("kind", "=", "fulfillment"), ("order_id", "=", order.id)]
        )
        self.assertEqual(len(set(records.mapped("external_ref"))), 2)
        # the job runs again (a manager retries it): nothing new in Shopify
        self.jobs_of(order).with_context(integration_job_force=True).sudo().write({"state": "pending"})
        self.env["integration.job"]._cron_run_outbox()
        self.assertEqual(len(shop.fulfillments["3302"]), 2)

    def jobs_of(self, order):
        return self.env["integration.job"].search(
            [("res_model", "=", order._name), ("res_id", "=", order.id), ("job_type", "=", "fulfillment")]
        )
