import json
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import LOCATION, ShopifyMixin

QUIET = "odoo.addons.integration_hub.controllers.webhook"


@tagged("post_install", "-at_install")
class TestShopifyWebhooks(ShopifyMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_shopify()
        for product, quantity in ((cls.mug, 50), (cls.tshirt_s, 20), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def test_valid_order_webhook_is_stored_then_becomes_an_accepted_order(self):
        response = self.post_webhook("orders/create", self.shopify_order(1001), event_id="evt-1", webhook_id="wh-1")
        self.assertEqual(response.status_code, 200, response.text)
        event = self.shop_events()
        self.assertEqual(
            (event.idempotency_key, event.event_type, event.state), ("orders/create:evt-1", "orders/create", "received")
        )
        headers = {key.lower(): value for key, value in json.loads(event.headers).items()}
        self.assertEqual(headers["x-shopify-webhook-id"], "wh-1", "the webhook id is recorded with the event")
        self.assertEqual(str(event.source_timestamp), "2026-11-20 09:00:01", "X-Shopify-Triggered-At")
        self.process()
        order = self.shop_order(1001)
        self.assertEqual(event.state, "done")
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.name, "#1001")
        self.assertEqual(order.phone_e164, "+34612345678")
        self.assertEqual(order.service_level, "next_day")
        self.assertIn("fragile", order.special_handling)
        self.assertEqual(sorted(order.line_ids.mapped("sku")), ["MUG-001", "TSHIRT-S"])

    def test_order_amounts_are_mapped_as_the_shop_charged_them(self):
        # shopify.dev REST Order: taxes_included, total_price, line tax_lines / discount_allocations,
        # shipping_lines[].price and tax_lines
        payload = self.shopify_order(1050)
        payload.update({"currency": "EUR", "taxes_included": True, "total_price": "42.80"})
        by_sku = {line["sku"]: line for line in payload["line_items"]}
        by_sku["MUG-001"]["tax_lines"] = [{"price": "3.28", "rate": 0.21, "title": "IVA 21%"}]
        by_sku["MUG-001"]["discount_allocations"] = [{"amount": "1.00", "discount_application_index": 0}]
        by_sku["TSHIRT-S"]["tax_lines"] = [{"price": "3.30", "rate": 0.21, "title": "IVA 21%"}]
        payload["shipping_lines"][0]["tax_lines"] = [{"price": "0.85", "rate": 0.21, "title": "IVA 21%"}]
        self.assertEqual(self.post_webhook("orders/create", payload).status_code, 200)
        self.process()
        order = self.shop_order(1050)
        self.assertEqual((order.currency_id.name, order.prices_include_tax), ("EUR", True))
        self.assertEqual((order.amount_shipping, order.amount_shipping_tax, order.amount_total), (4.9, 0.85, 42.8))
        mug = order.line_ids.filtered(lambda line: line.sku == "MUG-001")
        self.assertEqual((mug.price_unit, mug.discount_amount, mug.tax_amount), (9.95, 1.0, 3.28))
        self.assertAlmostEqual(order.amount_tax, 7.43, places=2)

    @mute_logger(QUIET)
    def test_forged_signature_is_401_and_stores_nothing(self):
        response = self.post_webhook("orders/create", self.shopify_order(1002), secret="not-the-secret")
        self.assertEqual(response.status_code, 401)
        body = json.dumps(self.shopify_order(1002)).encode()
        headers = self.shopify_headers(body, "orders/create")
        tampered = body.replace(b"paid", b"PAID")
        response = self.url_open(
            "/integration_hub/v1/webhooks/" + self.shop_channel.webhook_token, data=tampered, headers=headers
        )
        self.assertEqual(response.status_code, 401, "body changed after signing")
        self.assertFalse(self.shop_events())

    @mute_logger(QUIET)
    def test_wrong_shop_domain_is_401(self):
        response = self.post_webhook("orders/create", self.shopify_order(1003), shop="other-shop.myshopify.com")
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.shop_events())

    def test_duplicate_event_id_is_one_event_and_one_order(self):
        payload = self.shopify_order(1004)
        for webhook_id in ("wh-a", "wh-b"):  # a retried delivery
            response = self.post_webhook("orders/create", payload, event_id="evt-4", webhook_id=webhook_id)
            self.assertEqual(response.status_code, 200)
        event = self.shop_events()
        self.assertEqual((len(event), event.duplicate_count), (1, 1))
        self.process()
        # the same order version again under another event (orders/updated): collapses at order level
        self.post_webhook("orders/updated", payload, event_id="evt-4b")
        self.process()
        self.assertEqual(len(self.shop_order(1004)), 1)
        updated = self.shop_events().filtered(lambda e: e.event_type == "orders/updated")
        self.assertEqual(updated.state, "duplicate")

    def test_stale_update_does_not_overwrite_a_newer_one(self):
        self.post_webhook("orders/create", self.shopify_order(1005))
        newer = self.shopify_order(1005, updated_at="2026-11-20T11:00:00+01:00", note="Call before delivery", tags="")
        older = self.shopify_order(1005, updated_at="2026-11-20T10:30:00+01:00", note="Old note", tags="")
        self.post_webhook("orders/updated", newer, triggered_at="2026-11-20T10:00:05Z")
        self.post_webhook("orders/updated", older, triggered_at="2026-11-20T09:30:05Z")  # delivered late
        self.process()
        order = self.shop_order(1005)
        self.assertEqual(order.special_handling, "Call before delivery")
        states = self.shop_events().sorted("id").mapped("state")
        self.assertEqual(states, ["done", "done", "duplicate"])

    def test_cancelled_topic_cancels_and_acknowledges_once(self):
        self.post_webhook("orders/create", self.shopify_order(1006))
        self.process()
        cancelled = self.shopify_order(
            1006,
            updated_at="2026-11-20T12:00:00+01:00",
            cancelled_at="2026-11-20T12:00:00+01:00",
            cancel_reason="customer",
        )
        self.post_webhook("orders/cancelled", cancelled)
        self.post_webhook("orders/cancelled", cancelled)  # another event for the same cancellation
        self.process()
        order = self.shop_order(1006)
        self.assertEqual(order.state, "cancelled")
        self.assertTrue(any("customer" in body for body in order.message_ids.mapped("body")), "reason in the log")
        jobs = self.env["integration.job"].search(
            [("channel_id", "=", self.shop_channel.id), ("job_type", "=", "order_status")]
        )
        self.assertEqual(len(jobs), 1)

    def test_edited_topic_rereads_the_order(self):
        shop = self.fake_shopify()
        self.post_webhook("orders/create", self.shopify_order(1007))
        self.process()
        shop.add_order("1007", "2026-11-20T13:00:00Z", lines=(("MUG-001", 3),))
        edit = {"order_edit": {"id": 78912328, "order_id": 1007, "committed_at": "2026-11-20T13:00:00Z"}}
        self.post_webhook("orders/edited", edit)
        self.process()
        order = self.shop_order(1007)
        self.assertEqual([op for op in shop.operations() if op != "HubFulfillmentOrders"], ["HubOrder"])
        open_lines = order.line_ids.filtered(lambda line: line.state == "open")
        self.assertEqual([(line.sku, line.quantity_sent) for line in open_lines], [("MUG-001", "3")])

    def test_refund_and_inventory_level_topics_are_stored(self):
        self.post_webhook("orders/create", self.shopify_order(1008))
        self.process()
        self.env["integration.external.id"].create(
            {
                "channel_id": self.shop_channel.id,
                "sku": "MUG-001",
                "external_ref": "gid://shopify/InventoryItem/271878346596884015",
                "product_id": self.mug.id,
            }
        )
        self.post_webhook("refunds/create", {"id": 509562969, "order_id": 1008, "refund_line_items": []})
        level = {"inventory_item_id": 271878346596884015, "location_id": 655441491, "available": 7}
        self.post_webhook("inventory_levels/update", level)
        self.process()
        refund, inventory = self.shop_events().filtered(lambda e: e.event_type != "orders/create").sorted("id")
        self.assertEqual((refund.state, refund.res_id), ("done", self.shop_order(1008).id))
        self.assertEqual(inventory.state, "done")
        item = self.env["integration.external.id"].search(
            [("external_ref", "=", "gid://shopify/InventoryItem/271878346596884015")]
        )
        self.assertEqual(item.reported_qty, 7)

    def test_refund_with_returned_items_becomes_an_authorized_return(self):
        self.post_webhook("orders/create", self.shopify_order(1014))
        self.process()
        refund = {
            "id": 509562970,
            "order_id": 1014,
            "note": "wrong size",
            "refund_line_items": [
                {"line_item_id": 1, "quantity": 1, "restock_type": "return", "line_item": {"sku": "MUG-001"}},
                {"line_item_id": 2, "quantity": 1, "restock_type": "no_restock", "line_item": {"sku": "TSHIRT-S"}},
            ],
        }
        self.post_webhook("refunds/create", refund)
        self.process()
        ret = self.env["integration.return"].search([("external_id", "=", "refund-509562970")])
        self.assertEqual((ret.state, ret.order_id), ("authorized", self.shop_order(1014)))
        self.assertEqual([(line.product_id.default_code, line.quantity) for line in ret.line_ids], [("MUG-001", 1.0)])

    def test_shopify_level_far_from_the_published_one_raises_a_divergence(self):
        self.env["integration.external.id"].create(
            {
                "channel_id": self.shop_channel.id,
                "sku": "MUG-001",
                "external_ref": "gid://shopify/InventoryItem/271878346596884016",
                "product_id": self.mug.id,
            }
        )
        level = self.env["integration.inventory.level"].create(
            {
                "channel_id": self.shop_channel.id,
                "product_id": self.mug.id,
                "sku": "MUG-001",
                "published_qty": 50,
                "published_at": "2026-11-27 08:00:00",
            }
        )
        self.post_webhook(
            "inventory_levels/update",
            {"inventory_item_id": 271878346596884016, "location_id": 655441491, "available": 30},
        )
        self.process()
        self.assertTrue(level.reconciliation_needed)
        self.assertEqual(level.reported_qty, 30)
        mismatch = self.env["integration.sync.exception"].search(
            [("res_model", "=", level._name), ("res_id", "=", level.id), ("exception_type", "=", "inventory_mismatch")]
        )
        self.assertEqual(len(mismatch), 1)

    def test_hub_status_tag_echoed_by_shopify_is_not_an_edit_after_release(self):
        self.shop_channel.edit_cutoff_state = "validated"  # accepted = released: a real edit needs a manager
        self.post_webhook("orders/create", self.shopify_order(1015))
        self.process()
        order = self.shop_order(1015)
        self.assertEqual(order.state, "accepted")
        # the hub tagged the order (_push_order_status); Shopify sends orders/updated with the new tags
        tagged = self.shopify_order(
            1015, updated_at="2026-11-20T12:00:00+01:00", tags="gift, fragile, hub-dispatched, hub-cancel-acknowledged"
        )
        self.post_webhook("orders/updated", tagged)
        self.process()
        updated = self.shop_events().filtered(lambda e: e.event_type == "orders/updated")
        self.assertEqual(updated.state, "duplicate", "nothing the customer asked for changed")
        exceptions = self.env["integration.sync.exception"].search(
            [("res_model", "=", order._name), ("res_id", "=", order.id), ("exception_type", "=", "edit_after_release")]
        )
        self.assertFalse(exceptions)
        self.assertNotIn("hub-", order.special_handling)
        self.assertEqual(order.state, "accepted")

    def test_corrective_republish_after_a_divergence_reaches_shopify(self):
        shop = self.fake_shopify()
        item_gid = "gid://shopify/InventoryItem/271878346596884018"
        shop.variants = {"MUG-001": item_gid}
        an_hour_ago = fields.Datetime.now() - timedelta(hours=1)
        # the hub published 50 an hour ago, and remembers it
        item = self.env["integration.external.id"].create(
            {
                "channel_id": self.shop_channel.id,
                "sku": "MUG-001",
                "external_ref": item_gid,
                "product_id": self.mug.id,
                "pushed_qty": 50,
                "pushed_at": an_hour_ago,
            }
        )
        self.env["integration.inventory.level"].create(
            {
                "channel_id": self.shop_channel.id,
                "product_id": self.mug.id,
                "sku": "MUG-001",
                "published_qty": 50,
                "published_at": an_hour_ago,
            }
        )
        # Shopify now says 30: the hub republishes its own 50, and it must reach Shopify
        now = fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        self.post_webhook(
            "inventory_levels/update",
            {"inventory_item_id": 271878346596884018, "location_id": 655441491, "available": 30},
            triggered_at=now,
        )
        self.process()
        self.env["integration.job"]._cron_run_outbox()
        mutations = [v for op, v in shop.calls if op == "HubInventorySet"]
        self.assertEqual(
            [(row["inventoryItemId"], row["quantity"]) for v in mutations for row in v["input"]["quantities"]],
            [(item_gid, 50)],
        )
        self.assertEqual(shop.levels[(item_gid, LOCATION)], 50)
        # Shopify confirms 50: the same quantity again is not sent
        self.post_webhook(
            "inventory_levels/update",
            {"inventory_item_id": 271878346596884018, "location_id": 655441491, "available": 50},
            triggered_at=now,
        )
        self.process()
        self.assertEqual(item.reported_qty, 50)
        shop.calls.clear()
        self.env["integration.job"]._enqueue(self.shop_channel, "inventory", "inventory:again", {"MUG-001": 50})
        self.env["integration.job"]._cron_run_outbox()
        self.assertEqual(shop.calls, [])

    def test_app_uninstalled_pauses_the_channel_and_opens_an_exception(self):
        self.post_webhook(
            "app/uninstalled", {"id": 548380009, "name": "Hub Test Shop", "domain": "hub-test.myshopify.com"}
        )
        self.process()
        self.assertEqual(self.shop_channel.state, "paused")
        exception = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.shop_channel.id), ("exception_type", "=", "channel_access")]
        )
        self.assertEqual(len(exception), 1)
        self.assertEqual(self.post_webhook("orders/create", self.shopify_order(1009)).status_code, 404)

    def test_line_without_sku_holds_unless_the_variant_is_known(self):
        payload = self.shopify_order(1010)
        payload["line_items"][1]["sku"] = None
        payload["line_items"][1]["variant_id"] = 49148399  # a variant the hub has never seen
        self.post_webhook("orders/create", payload)
        self.process()
        order = self.shop_order(1010)
        self.assertEqual(order.state, "on_hold")
        self.assertIn("channel product id 49148399 is not mapped", order.validation_problems)
        self.env["integration.external.id"].with_user(self.user_admin).create(
            {"channel_id": self.shop_channel.id, "external_id": "49148399", "product_id": self.tshirt_s.id}
        )
        payload = self.shopify_order(1011)
        payload["line_items"][1]["sku"] = ""
        payload["line_items"][1]["variant_id"] = 49148399
        self.post_webhook("orders/create", payload)
        self.process()
        order = self.shop_order(1011)
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.line_ids[1].resolution, "channel_product")

    def test_financial_statuses_valid_to_pick_are_per_channel(self):
        self.post_webhook("orders/create", self.shopify_order(1012, financial_status="partially_paid"))
        self.process()
        self.assertEqual(self.shop_order(1012).state, "validated", "waits for payment")
        self.shop_channel.paid_statuses = "paid, partially_paid"
        self.post_webhook("orders/create", self.shopify_order(1013, financial_status="partially_paid"))
        self.process()
        self.assertEqual(self.shop_order(1013).state, "accepted")

    @mute_logger(QUIET, "odoo.addons.integration_hub.models.integration_event")
    def test_signed_unreadable_body_is_kept_as_failed(self):
        response = self.post_webhook("orders/create", b"{not json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.shop_events().state, "failed")
