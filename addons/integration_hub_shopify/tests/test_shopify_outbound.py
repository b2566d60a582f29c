import re
import uuid
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_hub.lib.hub_privilege import HUB_WRITE, granted
from odoo.addons.integration_hub_shopify.lib import shopify_mapping as M

from .common import ShopifyMixin

QUIET = "odoo.addons.integration_hub.models.integration_job"


@tagged("post_install", "-at_install")
class TestShopifyOutbound(ShopifyMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_shopify()

    # --- helpers ----------------------------------------------------------
    def receive(self, topic, order_json):
        self.know_order(order_json)
        Event = self.env["integration.event"]
        event_id, _new = Event._receive(self.shop_channel, f"{topic}:{uuid.uuid4()}", topic, order_json, "webhook")
        Event.browse(event_id)._process()
        return self.shop_order(order_json["id"])

    def pick_and_pack(self, order):
        picking = order._first_step_pickings()
        for move in picking.move_ids:
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            Form(self.env["stock.backorder.confirmation"].with_context(result["context"])).save().process()
        self.assertEqual(order.state, "packed")

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()

    def jobs(self, job_type=None):
        domain = [("channel_id", "=", self.shop_channel.id)] + ([("job_type", "=", job_type)] if job_type else [])
        return self.env["integration.job"].search(domain)

    def push_inventory(self, quantities, key=None):
        return self.env["integration.job"]._enqueue(
            self.shop_channel, "inventory", key or f"inventory:{uuid.uuid4()}", quantities
        )

    # --- inventory --------------------------------------------------------
    def test_inventory_is_batched_by_250_paced_by_cost_and_resolved_once(self):
        shop = self.fake_shopify()
        skus = [f"SKU-{n:04d}" for n in range(600)]
        shop.variants = {sku: f"gid://shopify/InventoryItem/{n}" for n, sku in enumerate(skus)}
        shop.available = 150  # a nearly empty bucket: the client must wait
        job = self.push_inventory({sku: n % 7 for n, sku in enumerate(skus)})
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        mutations = [v for op, v in shop.calls if op == "HubInventorySet"]
        self.assertEqual([len(v["input"]["quantities"]) for v in mutations], [250, 250, 100])
        self.assertTrue(all(v["input"]["ignoreCompareQuantity"] for v in mutations))
        self.assertEqual({v["input"]["name"] for v in mutations}, {"available"})
        self.assertTrue(shop.slept, "throttled: waited for the bucket instead of failing")
        self.assertEqual(len(shop.levels), 600)
        self.assertEqual(shop.levels[("gid://shopify/InventoryItem/8", M.gid("Location", "655441491"))], 1)
        # the same quantities again: nothing is sent; one change: one quantity, no lookup
        shop.calls.clear()
        quantities = {sku: n % 7 for n, sku in enumerate(skus)}
        self.push_inventory(quantities)
        self.run_jobs()
        self.assertEqual(shop.calls, [])
        quantities["SKU-0003"] = 99
        self.push_inventory(quantities)
        self.run_jobs()
        self.assertEqual(shop.operations(), ["HubInventorySet"])
        self.assertEqual(len(shop.calls[0][1]["input"]["quantities"]), 1)

    def test_inventory_cache_rows_are_created_and_updated_in_bulk(self):
        shop = self.fake_shopify()
        skus = [f"BULK-{n:04d}" for n in range(300)]
        shop.variants = {sku: f"gid://shopify/InventoryItem/{n}" for n, sku in enumerate(skus)}
        Item = type(self.env["integration.external.id"])
        calls = {"create": 0, "write": 0}
        create, write = Item.create, Item.write

        def counting_create(records, vals_list):
            calls["create"] += 1
            return create(records, vals_list)

        def counting_write(records, vals):
            calls["write"] += 1
            return write(records, vals)

        with patch.object(Item, "create", counting_create), patch.object(Item, "write", counting_write):
            job = self.push_inventory({sku: n % 3 for n, sku in enumerate(skus)})
            self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        self.assertEqual(calls["create"], 1, "one create for every newly resolved SKU")
        self.assertLessEqual(calls["write"], 6, "one write per distinct quantity and batch (2 batches x 3)")
        rows = self.env["integration.external.id"].search([("kind", "=", "product"), ("sku", "in", skus)])
        self.assertEqual(len(rows), 300)
        self.assertEqual(
            {(row.sku, row.pushed_qty) for row in rows if row.pushed_at},
            {(sku, n % 3) for n, sku in enumerate(skus)},
        )

    def test_unknown_sku_becomes_an_exception_naming_it_and_the_rest_is_published(self):
        shop = self.fake_shopify()
        shop.variants = {"MUG-001": "gid://shopify/InventoryItem/1", "TSHIRT-S": "gid://shopify/InventoryItem/2"}
        job = self.push_inventory({"MUG-001": 5, "TSHIRT-S": 3, "GHOST-1": 1})
        self.run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(shop.levels), 2)
        exception = self.env["integration.sync.exception"].search([("channel_id", "=", self.shop_channel.id)])
        self.assertEqual(len(exception), 1)
        self.assertIn("GHOST-1", exception.name)
        # the item is deleted in Shopify after we cached it: Shopify's user error names it too
        shop.variants.pop("TSHIRT-S")
        self.push_inventory({"MUG-001": 6, "TSHIRT-S": 4})
        self.run_jobs()
        self.assertEqual(shop.levels[("gid://shopify/InventoryItem/1", M.gid("Location", "655441491"))], 6)
        names = (
            self.env["integration.sync.exception"].search([("channel_id", "=", self.shop_channel.id)]).mapped("name")
        )
        self.assertTrue(any("TSHIRT-S" in name for name in names))

    def test_newer_api_versions_send_the_idempotency_key_and_change_from_quantity(self):
        self.shop_channel.shopify_api_version = "2026-04"
        shop = self.fake_shopify(version="2026-04")
        shop.variants = {"MUG-001": "gid://shopify/InventoryItem/1"}
        job = self.push_inventory({"MUG-001": 5})
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        (variables,) = [v for op, v in shop.calls if op == "HubInventorySet"]
        self.assertIn("changeFromQuantity", variables["input"]["quantities"][0])
        self.assertNotIn("ignoreCompareQuantity", variables["input"])
        self.assertEqual(len(shop.idempotency_keys), 1)

    @mute_logger(QUIET)
    def test_server_errors_are_retried_with_backoff(self):
        shop = self.fake_shopify()
        shop.variants = {"MUG-001": "gid://shopify/InventoryItem/1"}
        shop.fail_next(503)
        job = self.push_inventory({"MUG-001": 5})
        self.run_jobs()
        self.assertEqual((job.state, job.attempts), ("pending", 1))
        self.assertGreater(job.next_attempt_at, fields.Datetime.now() - timedelta(seconds=1))
        job.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)
        self.run_jobs()
        self.assertEqual(job.state, "done")

    # --- revoked token ----------------------------------------------------
    def test_revoked_token_pauses_outbound_once_without_a_retry_loop(self):
        shop = self.fake_shopify()
        shop.variants = {"MUG-001": "gid://shopify/InventoryItem/1"}
        shop.revoke()
        first = self.push_inventory({"MUG-001": 5})
        second = self.push_inventory({"MUG-001": 6})
        self.run_jobs()
        self.assertTrue(self.shop_channel.outbound_paused)
        self.assertEqual(len(shop.calls), 0, "refused at the door: 401 before any GraphQL")
        self.assertEqual((first | second).mapped("state"), ["pending", "pending"])
        self.assertFalse(any((first | second).mapped("next_attempt_at")), "parked, not retried")
        access = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.shop_channel.id), ("exception_type", "=", "channel_access")]
        )
        self.assertEqual(len(access), 1)
        self.run_jobs()
        self.assertEqual(len(access.search([("id", "in", access.ids)])), 1)
        # an admin installs a new token and resumes
        shop.token = "shpat_new"
        self.shop_channel.shopify_access_token = "shpat_new"
        self.shop_channel.with_user(self.user_admin).action_resume_outbound()
        self.run_jobs()
        self.assertEqual((first | second).mapped("state"), ["done", "done"])
        self.assertFalse(self.shop_channel.outbound_paused)

    # --- fulfillment ------------------------------------------------------
    def order_from_shop(self, shop, legacy_id, lines):
        node = shop.add_order(legacy_id, "2026-11-20T10:00:00Z", lines=lines)
        return self.receive("orders/create", M.rest_order_from_graphql(node))

    def test_fulfillment_with_tracking_only_after_dispatch_and_exactly_once(self):
        self.stock_catalog()
        shop = self.fake_shopify()
        order = self.order_from_shop(shop, "2001", (("MUG-001", 2), ("TSHIRT-S", 1)))
        self.assertEqual(order.state, "accepted")
        self.pick_and_pack(order)
        self.assertFalse(self.jobs("fulfillment"), "packed is not shipped: nothing goes to Shopify yet")
        order._record_carrier_pickup("PICKUP-1", "1Z999AA10123456784", fields.Datetime.now(), "carrier scan")
        order._queue_fulfillment()  # a second dispatch signal for the same shipment
        self.assertEqual(len(self.jobs("fulfillment")), 1)
        self.run_jobs()
        self.assertEqual(self.jobs("fulfillment").state, "done")
        (fulfillment,) = shop.fulfillments["2001"]
        self.assertEqual(fulfillment["trackingInfo"][0]["number"], "1Z999AA10123456784")
        self.assertTrue(fulfillment["notifyCustomer"])
        self.assertEqual(sorted(item["quantity"] for item in fulfillment["lines"]), [1, 2])
        # the job is sent again (e.g. a manager retries it): Shopify keeps one fulfillment
        self.jobs("fulfillment").with_context(integration_job_force=True).sudo().write({"state": "pending"})
        with granted(HUB_WRITE):  # even if our record were lost
            self.env["integration.external.id"].search([("kind", "=", "fulfillment")]).unlink()
        self.run_jobs()
        self.assertEqual(len(shop.fulfillments["2001"]), 1)
        # a later tracking change updates the same fulfillment
        order._hub_write({"tracking_number": "1Z999AA10123456799"})  # the carrier's new number, as the hub records it
        self.run_jobs()
        self.assertEqual(shop.fulfillments["2001"][0]["trackingInfo"][0]["number"], "1Z999AA10123456799")
        self.assertEqual(len(shop.fulfillments["2001"]), 1)

    def test_partial_shipment_fulfils_only_its_lines(self):
        self.shop_channel.partial_policy = "backorder"
        self.stock(self.mug, 50)  # no T-shirt in stock
        shop = self.fake_shopify()
        order = self.order_from_shop(shop, "2002", (("MUG-001", 2), ("TSHIRT-S", 1)))
        self.assertEqual(order.state, "accepted")
        self.pick_and_pack(order)
        order._record_carrier_pickup("PICKUP-2", "1Z999AA10123456785", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        (fulfillment,) = shop.fulfillments["2002"]
        self.assertEqual(
            [(item["id"], item["quantity"]) for item in fulfillment["lines"]],
            [("gid://shopify/FulfillmentOrderLineItem/20021", 2)],
        )

    def test_later_shipment_of_the_backorder_is_fulfilled_with_its_own_lines(self):
        self.shop_channel.partial_policy = "backorder"
        self.stock(self.mug, 50)  # the T-shirt arrives later
        shop = self.fake_shopify()
        order = self.order_from_shop(shop, "2003", (("MUG-001", 2), ("TSHIRT-S", 1)))
        self.pick_and_pack(order)
        order._record_carrier_pickup("PICKUP-3", "TRACK-FIRST", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        self.stock(self.tshirt_s, 5)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        backorder.action_assign()
        backorder.move_ids.picked = True
        backorder.button_validate()
        order._record_later_shipment(backorder, "PICKUP-4", "TRACK-SECOND", fields.Datetime.now())
        order._record_later_shipment(backorder, "PICKUP-4", "TRACK-SECOND", fields.Datetime.now())  # told twice
        self.run_jobs()
        first, second = shop.fulfillments["2003"]
        self.assertEqual([item["quantity"] for item in second["lines"]], [1])
        self.assertEqual(second["trackingInfo"][0]["number"], "TRACK-SECOND")
        self.assertEqual(first["trackingInfo"][0]["number"], "TRACK-FIRST")

    # --- polling ----------------------------------------------------------
    def test_poll_pages_through_updated_orders_and_moves_the_cursor(self):
        shop = self.fake_shopify()
        now = fields.Datetime.now()
        for n in range(40):
            shop.add_order(str(3000 + n), (now - timedelta(minutes=60 - n)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.env["integration.channel"]._cron_poll_channels()
        events = self.env["integration.event"].search([("channel_id", "=", self.shop_channel.id)])
        self.assertEqual(len(events), 40)
        self.assertEqual(set(events.mapped("source")), {"poll"})
        pages = [v for op, v in shop.calls if op == "HubOrders"]
        self.assertEqual(pages[0]["first"], 250)
        self.assertGreater(len(pages), 2, "cursor pagination over pages that fit the max query cost")
        cursor = self.shop_channel._poll_cursor("orders")
        self.assertEqual(cursor.cursor, (now - timedelta(minutes=21)).strftime("%Y-%m-%dT%H:%M:%S"))
        # the next run starts at the cursor: only the newest order is read again, and collapses
        shop.calls.clear()
        self.shop_channel._poll_stream("orders", cursor)
        self.assertEqual(len(self.env["integration.event"].search([("channel_id", "=", self.shop_channel.id)])), 40)
        self.assertIn("updated_at:>=", shop.calls[0][1]["query"])

    def test_poll_and_webhook_of_one_order_never_duplicate(self):
        self.stock_catalog()
        shop = self.fake_shopify()
        now = fields.Datetime.now()
        node = shop.add_order("4001", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        order = self.receive("orders/create", M.rest_order_from_graphql(node))
        self.env["integration.channel"]._cron_reconcile_channels()
        self.env["integration.event"]._cron_process_inbox()
        poll_event = self.env["integration.event"].search(
            [("channel_id", "=", self.shop_channel.id), ("source", "=", "poll")]
        )
        self.assertEqual(poll_event.state, "duplicate")
        self.assertEqual(len(self.shop_order("4001")), 1)
        self.assertEqual(order.state, "accepted")

    def test_first_poll_reads_the_last_days_not_the_shop_history(self):
        shop = self.fake_shopify()
        now = fields.Datetime.now()
        shop.add_order("4101", (now - timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        shop.add_order("4102", (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertFalse(self.shop_channel._poll_cursor("orders").cursor)
        self.env["integration.channel"]._cron_poll_channels()
        query = next(v for op, v in shop.calls if op == "HubOrders")["query"]
        bound = datetime.strptime(re.search(r"updated_at:>='([^']+)'", query or "").group(1), "%Y-%m-%dT%H:%M:%SZ")
        self.assertAlmostEqual(bound, now - timedelta(days=3), delta=timedelta(minutes=1))
        events = self.env["integration.event"].search([("channel_id", "=", self.shop_channel.id)])
        self.assertEqual(events.mapped("idempotency_key"), [f"order:4102:{shop.orders['4102']['updatedAt']}"])
        self.assertEqual(
            self.shop_channel._poll_cursor("orders").cursor, (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
        )
        # and the adapter itself never polls unbounded
        shop.calls.clear()
        self.env["integration.adapter.shopify"]._poll(self.shop_channel, "orders", None)
        self.assertIn("updated_at:>=", shop.calls[0][1]["query"])

    def test_poll_of_a_large_order_reads_all_its_lines(self):
        self.stock_catalog()
        shop = self.fake_shopify()
        now = fields.Datetime.now()
        skus = ("MUG-001", "TSHIRT-S", "TSHIRT-M")
        lines = tuple((skus[n % 3], 1) for n in range(60))
        node = shop.add_order("4003", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), lines=lines)
        order = self.receive("orders/create", M.rest_order_from_graphql(node))  # the webhook: all 60 lines
        self.assertEqual(len(order.line_ids.filtered(lambda line: line.state == "open")), 60)
        self.env["integration.channel"]._cron_reconcile_channels()
        self.env["integration.event"]._cron_process_inbox()
        poll_event = self.env["integration.event"].search(
            [("channel_id", "=", self.shop_channel.id), ("source", "=", "poll")]
        )
        self.assertEqual(poll_event.state, "duplicate", "the poll read the same 60 lines: nothing changed")
        self.assertEqual(len(order.line_ids.filtered(lambda line: line.state == "open")), 60)
        self.assertIn("HubOrderLines", shop.operations(), "lines 51-60 read by cursor")

    # --- buttons ----------------------------------------------------------
    def test_register_webhooks_creates_and_repairs_subscriptions(self):
        shop = self.fake_shopify()
        shop.webhooks.append(
            {
                "id": "gid://shopify/WebhookSubscription/77",
                "topic": "ORDERS_CREATE",
                "uri": "https://old.example.com/hook",
            }
        )
        channel = self.shop_channel.with_user(self.user_admin)
        result = channel.action_register_webhooks()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(len(shop.webhooks), len(M.WEBHOOK_TOPICS))
        self.assertEqual({sub["uri"] for sub in shop.webhooks}, {self.shop_channel.sudo().webhook_url})
        self.assertIn("orders/create: repaired", self.shop_channel.webhook_status)
        channel.action_register_webhooks()
        self.assertEqual(len(shop.webhooks), len(M.WEBHOOK_TOPICS))
        self.assertIn("already subscribed", self.shop_channel.webhook_status)

    def test_test_connection_reports_the_shop_or_the_failure(self):
        shop = self.fake_shopify()
        channel = self.shop_channel.with_user(self.user_admin)
        result = channel.action_test_connection()
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("Hub Test Shop", result["params"]["message"])
        shop.revoke()
        result = channel.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("401", result["params"]["message"])

    def test_settings_are_validated(self):
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.shop_channel.shopify_shop_domain = "my-shop.com"
        with self.assertRaises(ValidationError):
            self.shop_channel.shopify_api_version = "2025-13"
        self.assertNotIn("shpat", str(self.shop_channel.sudo().read(["shopify_access_token"])))
