"""WooCommerce on the hub's seam, against a fake shop built from ../shared/platforms/woocommerce.md."""

import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..lib import woocommerce as W
from .common import HOOK_SECRET, WooCommerceMixin
from .woocommerce_fake import ORDER

QUIET = ("odoo.addons.integration_hub.controllers.webhook", "odoo.addons.integration_hub.models.integration_job")


@tagged("post_install", "-at_install")
class TestWooCommerce(WooCommerceMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_woocommerce()
        for product, quantity in ((cls.mug, 50), (cls.tshirt_s, 20), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)

    def deliver(self, shop, topic, resource, **options):
        body, headers = shop.delivery(topic, resource, HOOK_SECRET, **options)
        return self.post(body, headers)

    def order(self, order_id=727, **changes):
        return dict(json.loads(json.dumps(ORDER)), id=order_id, number=str(order_id), **changes)

    # --- webhooks in ------------------------------------------------------------------------
    def test_signed_order_becomes_an_accepted_order_with_its_variation_sku(self):
        shop = self.fake_woocommerce()
        response = self.deliver(shop, "order.created", self.order(727))
        self.assertEqual((response.status_code, response.json()["message"]), (200, "accepted"), response.text)
        self.process()
        order = self.woo_order(727)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual((order.name, order.financial_status, order.service_level), ("#727", "paid", "next_day"))
        self.assertEqual((order.line_ids.sku, order.line_ids.product_id), ("TSHIRT-S", self.tshirt_s))
        self.assertEqual(order.special_handling, "Leave with the concierge")
        listing = self.env["integration.external.id"].search(
            [("channel_id", "=", self.woo.id), ("external_id", "=", "101")]
        )
        self.assertEqual((listing.external_ref, listing.product_id), ("93", self.tshirt_s), "variation of product 93")

    def test_order_amounts_are_mapped_as_the_shop_charged_them(self):
        shop = self.fake_woocommerce()
        self.deliver(shop, "order.created", self.order(728))
        self.process()
        order = self.woo_order(728)
        self.assertEqual((order.currency_id.name, order.prices_include_tax), ("EUR", False), "REST amounts are net")
        line = order.line_ids
        self.assertEqual(
            (line.price_unit, line.discount_amount, line.tax_amount, line.price_subtotal),
            (12.5, 2.5, 4.73, 22.5),
            "unit price before the coupon, the coupon as the line's discount",
        )
        self.assertEqual((order.amount_shipping, order.amount_shipping_tax, order.amount_total), (4.9, 1.03, 33.16))
        self.assertAlmostEqual(order.amount_tax, 5.76, places=2)

    @mute_logger(*QUIET)
    def test_activation_ping_is_answered_and_nothing_else_unsigned_gets_in(self):
        ping = self.post(b"webhook_id=11", {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual((ping.status_code, ping.json()["message"]), (200, "pong"))
        self.assertFalse(self.woo_events(), "a ping is not a message")
        shop = self.fake_woocommerce()
        body, headers = shop.delivery("order.created", self.order(728), HOOK_SECRET)
        del headers["X-WC-Webhook-Signature"]
        self.assertEqual(self.post(body, headers).status_code, 401)
        body, headers = shop.delivery("order.created", self.order(728), "another-secret")
        self.assertEqual(self.post(body, headers).status_code, 401)
        body, headers = shop.delivery("order.created", self.order(728), HOOK_SECRET)
        headers["X-WC-Webhook-Source"] = "https://other-shop.example.com/"
        self.assertEqual(self.post(body, headers).status_code, 401)
        self.assertFalse(self.woo_events())

    def test_delivery_ids_repeat_within_a_second_and_no_version_is_lost(self):
        shop = self.fake_woocommerce()
        first = self.order(730, date_modified_gmt="2026-11-20T09:13:40")
        second = self.order(730, date_modified_gmt="2026-11-20T09:13:41", customer_note="Ring twice")
        for resource in (first, second):  # same webhook, same second: WooCommerce gives both one delivery id
            self.assertEqual(self.deliver(shop, "order.updated", resource).json()["message"], "accepted")
        self.assertEqual(self.deliver(shop, "order.updated", second).json()["message"], "duplicate")
        self.assertEqual(len(self.woo_events()), 2)
        self.process()
        self.assertEqual(self.woo_order(730).special_handling, "Ring twice")

    def test_payment_waits_then_processing_releases_and_cancellation_cancels(self):
        shop = self.fake_woocommerce()
        self.deliver(shop, "order.created", self.order(731, status="on-hold"))
        self.process()
        order = self.woo_order(731)
        self.assertEqual((order.state, order.financial_status), ("validated", "pending"), "bank transfer: waits")
        self.deliver(
            shop, "order.updated", self.order(731, status="processing", date_modified_gmt="2026-11-20T10:00:00")
        )
        self.process()
        self.assertEqual(order.state, "accepted", "processing is paid: ready to ship")
        self.deliver(
            shop, "order.updated", self.order(731, status="cancelled", date_modified_gmt="2026-11-20T10:05:00")
        )
        self.process()
        self.assertEqual(order.state, "cancelled")
        self.deliver(shop, "order.created", self.order(732))
        self.deliver(shop, "order.deleted", {"id": 732})
        self.process()
        self.assertEqual(self.woo_order(732).state, "cancelled")
        self.deliver(shop, "order.created", self.order(733, status="checkout-draft"))
        self.process()
        self.assertFalse(self.woo_order(733), "a checkout draft is never imported")

    # --- polling: the safety net --------------------------------------------------------------
    def test_poll_pages_by_modified_after_and_collapses_what_webhooks_brought(self):
        shop = self.fake_woocommerce()
        now = fields.Datetime.now()
        for n in range(5):
            stamp = (now - timedelta(hours=2, minutes=-n)).strftime("%Y-%m-%dT%H:%M:%S")
            shop.add_order(800 + n, stamp, date_created_gmt=stamp)
        shop.add_order(799, (now - timedelta(days=9)).strftime("%Y-%m-%dT%H:%M:%S"))  # older than the first poll
        shop.add_order(805, (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"), status="completed")
        with patch.object(W, "PAGE_SIZE", 2):
            self.env["integration.channel"]._cron_poll_channels()
        orders = [path for method, path in shop.calls if path.endswith("/orders")]
        self.assertGreaterEqual(len(orders), 3, "three pages of two, each asked with page and per_page")
        polled = self.woo_events().filtered(lambda e: e.source == "poll")
        self.assertEqual(
            sorted(polled.mapped("idempotency_key"))[0], f"order:800:{shop.orders[800]['date_modified_gmt']}"
        )
        self.assertEqual(len(polled), 5, "not the old order, not the completed one")
        cursor = self.woo._poll_cursor("orders")
        self.assertEqual(cursor.cursor, shop.orders[804]["date_modified_gmt"])
        self.process()
        self.assertEqual(self.woo_order(802).state, "accepted")
        self.woo._poll_stream("orders", cursor)  # the overlap re-reads the newest: it collapses
        self.assertEqual(len(self.woo_events().filtered(lambda e: e.source == "poll")), 5)

    def test_refunds_with_items_become_returns(self):
        shop = self.fake_woocommerce()
        now = fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
        self.deliver(shop, "order.created", self.order(740))
        self.process()
        shop.add_order(740, now, refunds=[{"id": 61, "reason": "too small", "total": "-12.50"}])
        shop.refunds[740] = [
            {
                "id": 61,
                "reason": "too small",
                "amount": "12.50",
                "line_items": [
                    {
                        "id": 9,
                        "name": "T-shirt - S",
                        "product_id": 93,
                        "variation_id": 101,
                        "quantity": -1,
                        "sku": "TSHIRT-S",
                        "meta_data": [{"key": "_refunded_item_id", "value": "315"}],
                    }
                ],
            },
            {"id": 62, "reason": "shipping refunded", "amount": "4.90", "line_items": []},
        ]
        self.env["integration.channel"]._cron_poll_channels()
        self.process()
        ret = self.env["integration.return"].search([("channel_id", "=", self.woo.id)])
        self.assertEqual((ret.external_id, ret.state, ret.reason), ("refund-61", "authorized", "too small"))
        self.assertEqual((ret.line_ids.product_id, ret.line_ids.quantity), (self.tshirt_s, 1.0))
        self.assertEqual(ret.line_ids.order_line_id, self.woo_order(740).line_ids)
        money_only = self.woo_events().filtered(lambda e: e.idempotency_key == "refund:62")
        self.assertEqual(money_only.state, "done", "nothing for the warehouse: no return")

    # --- inventory out ----------------------------------------------------------------------
    def test_inventory_by_batches_with_per_item_errors_named(self):
        shop = self.fake_woocommerce()
        shop.add_product(50, "MUG-001")
        shop.add_product(93, "TSHIRT", variations=[(101, "TSHIRT-S"), (102, "TSHIRT-M")])
        shop.add_product(60, "KIT-GIFT")
        self.list_products(self.woo, self.mug | self.tshirt_s | self.tshirt_m | self.kit)
        self.deliver(shop, "order.created", self.order(750))  # the order line teaches TSHIRT-S = 93/101
        self.process()
        del shop.products[60]  # the kit was deleted in the shop after the hub learned its id
        self.env["integration.external.id"]._match_by_sku(
            self.woo, ["KIT-GIFT"], lambda skus: {"KIT-GIFT": {"external_id": "60"}}
        )
        job = self.woo._publish_inventory()
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        self.assertEqual(shop.stock(50), 50)
        self.assertEqual(shop.stock(93, 101), 18, "20 - 2 reserved for order 750")
        batches = {parent: sorted(update["id"] for update in updates) for parent, updates in shop.batches}
        self.assertEqual(batches, {None: [50, 60], "93": [101]})
        names = self.env["integration.sync.exception"].search([("channel_id", "=", self.woo.id)]).mapped("name")
        self.assertTrue(any("KIT-GIFT" in name for name in names), "the shop refused the kit: named")
        self.assertTrue(any("TSHIRT-M" in name for name in names), "a variation never seen: named, not guessed")
        level = self.env["integration.inventory.level"].search(
            [("channel_id", "=", self.woo.id), ("sku", "=", "KIT-GIFT")]
        )
        self.assertFalse(level.published_at, "a refused item is not published")
        shop.calls.clear()
        self.env["integration.job"]._enqueue(self.woo, "inventory", "again", {"MUG-001": 50})
        self.run_jobs()
        self.assertEqual(shop.calls, [], "the shop holds 50 already")

    @mute_logger(*QUIET)
    def test_rate_limits_and_timeouts_are_retried_a_refused_key_parks_everything(self):
        shop = self.fake_woocommerce()
        shop.add_product(50, "MUG-001")
        shop.fail_next((429, {"Retry-After": "120"}))
        job = self.env["integration.job"]._enqueue(self.woo, "inventory", "inv-1", {"MUG-001": 7})
        self.run_jobs()
        self.assertEqual((job.state, job.attempts), ("pending", 1))
        self.assertAlmostEqual((job.next_attempt_at - fields.Datetime.now()).total_seconds(), 120, delta=2)
        for failure in (503, "timeout"):
            shop.fail_next(failure)
            job.next_attempt_at = fields.Datetime.now()
            self.run_jobs()
            self.assertEqual(job.state, "pending", failure)
        shop.key = "ck_revoked"  # the shop owner deleted the key
        job.next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertTrue(self.woo.outbound_paused)
        self.assertEqual((job.state, job.next_attempt_at), ("pending", False), "parked, not retried in a loop")
        access = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.woo.id), ("exception_type", "=", "channel_access")]
        )
        self.assertEqual(len(access), 1)
        self.assertIn("WooCommerce", access.name)
        shop.key = "ck_new_key"
        self.woo.with_user(self.user_admin).write({"woocommerce_consumer_key": "ck_new_key"})
        self.woo.with_user(self.user_admin).action_resume_outbound()
        self.run_jobs()
        self.assertEqual((job.state, shop.stock(50)), ("done", 7))

    # --- fulfillment out --------------------------------------------------------------------
    def ship(self, order, tracking):
        picking = order._first_step_pickings()
        picking.move_ids.picked = True
        picking.button_validate()
        order._record_carrier_pickup(f"PICKUP-{tracking}", tracking, fields.Datetime.now(), "carrier scan")
        self.run_jobs()

    def test_fulfillment_with_the_shipment_tracking_extension_then_completed_once(self):
        shop = self.fake_woocommerce()
        shop.tracking_extension = True
        shop.add_order(760, "2026-11-20T09:13:40")
        self.deliver(shop, "order.created", self.order(760))
        self.process()
        order = self.woo_order(760)
        self.ship(order, "PQ123456789ES")
        self.assertEqual(self.woo.woocommerce_tracking, "shipment_tracking", "detected")
        ((order_id, item),) = shop.trackings
        self.assertEqual((order_id, item["tracking_number"]), (760, "PQ123456789ES"))
        self.assertEqual(shop.orders[760]["status"], "completed")
        job = self.env["integration.job"].search([("channel_id", "=", self.woo.id), ("job_type", "=", "fulfillment")])
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # a manager sends it again
        self.run_jobs()
        self.assertEqual(len(shop.trackings), 1, "never a second tracking item for one shipment")
        order._hub_write({"tracking_number": "PQ987654321ES"})  # the carrier's new number
        self.run_jobs()
        self.assertEqual(shop.trackings[-1][1]["tracking_number"], "PQ987654321ES")

    def test_fulfillment_without_the_extension_is_a_customer_note(self):
        shop = self.fake_woocommerce()
        shop.add_order(761, "2026-11-20T09:13:40")
        self.deliver(shop, "order.created", self.order(761))
        self.process()
        self.ship(self.woo_order(761), "PQ555")
        self.assertEqual(self.woo.woocommerce_tracking, "note")
        ((order_id, note),) = shop.notes
        self.assertTrue(note["customer_note"])
        self.assertIn("PQ555", note["note"])
        self.assertEqual(shop.orders[761]["status"], "completed")

    # --- webhooks: registration, a disabled one, the connection -------------------------------
    def test_a_disabled_webhook_opens_an_exception_and_register_reactivates_it(self):
        shop = self.fake_woocommerce()
        url = self.woo.sudo().webhook_url
        shop.webhooks[31] = {"id": 31, "topic": "order.updated", "delivery_url": url, "status": "disabled"}
        self.env["integration.channel"]._cron_poll_channels()
        exception = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.woo.id), ("exception_type", "=", "webhook_disabled")]
        )
        self.assertEqual(len(exception), 1)
        self.assertIn("order.updated", exception.name)
        result = self.woo.with_user(self.user_admin).action_register_webhooks()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        self.assertEqual(shop.webhooks[31]["status"], "active")
        self.assertEqual(len(shop.webhooks), 4, "the missing topics are created")
        self.assertEqual({hook["secret"] for hook in shop.webhooks.values()} - {None}, {HOOK_SECRET})
        self.assertIn("order.updated: re-activated", self.woo.webhook_status)
        self.assertEqual(exception.state, "open", "exceptions never close themselves: a manager decides")

    def test_connection_and_catalog_import(self):
        shop = self.fake_woocommerce()
        shop.add_product(50, "MUG-001")
        shop.add_product(93, "TSHIRT", variations=[(101, "TSHIRT-S"), (102, "TSHIRT-M")])
        shop.add_product(70, "UNKNOWN-7")
        admin = self.woo.with_user(self.user_admin)
        self.assertEqual(admin.action_test_connection()["params"]["type"], "success")
        result = admin.action_import_listings()
        self.assertIn("UNKNOWN-7", result["params"]["message"])
        listed = self.env["integration.external.id"].search([("channel_id", "=", self.woo.id), ("listed", "=", True)])
        self.assertEqual(
            sorted((row.sku, row.external_id, row.external_ref or "") for row in listed),
            [("MUG-001", "50", ""), ("TSHIRT-M", "102", "93"), ("TSHIRT-S", "101", "93")],
        )
        self.assertEqual(self.woo._publishable_products(), self.mug | self.tshirt_s | self.tshirt_m)
        shop.key = "ck_wrong"
        result = admin.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("401", result["params"]["message"])
