"""Magento 2 on the hub's seam, against a fake shop built from ../shared/platforms/magento.md."""

import json
from unittest.mock import patch

import requests
from requests_oauthlib import OAuth1

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..lib import magento as M
from .common import CREDENTIALS, STORE, MagentoMixin
from .magento_fake import configurable, item

QUIET = (
    "odoo.addons.integration_hub.models.integration_job",
    "odoo.addons.integration_hub.models.integration_channel_polling",
)


@tagged("post_install", "-at_install")
class TestMagento(MagentoMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_magento()
        for product, quantity in ((cls.mug, 50), (cls.tshirt_s, 20), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)

    # --- auth ---------------------------------------------------------------------------------
    def test_signed_calls_are_accepted_a_bad_signature_or_stale_clock_is_401(self):
        shop = self.fake_magento()
        admin = self.magento.with_user(self.user_admin)
        result = admin.action_test_connection()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        self.assertIn("OAuth 1.0a", result["params"]["message"])
        shop.consumer_secret = "another-secret"  # our signature no longer matches what the shop computes
        result = admin.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("401", result["params"]["message"])
        shop.consumer_secret, shop.skew = CREDENTIALS[1], 601  # a timestamp more than 600 s off is refused
        self.assertEqual(admin.action_test_connection()["params"]["type"], "danger")
        shop.skew = 0
        self.assertEqual(admin.action_test_connection()["params"]["type"], "success")

    def test_a_nonce_is_accepted_once(self):
        shop = self.fake_magento()
        key, secret, token, token_secret = CREDENTIALS
        auth = OAuth1(key, secret, token, token_secret, signature_method="HMAC-SHA256", nonce="n0nce-used-once")
        url = f"{STORE}/rest/all/V1/orders?searchCriteria[pageSize]=1"
        self.assertEqual(requests.get(url, auth=auth, timeout=5).status_code, 200)
        self.assertEqual(requests.get(url, auth=auth, timeout=5).status_code, 401, "a replayed request is refused")
        self.assertEqual(len(shop.calls), 2)

    def test_a_query_with_spaces_is_signed_as_the_shop_reads_it(self):
        self.fake_magento()
        auth = OAuth1(*CREDENTIALS, signature_method="HMAC-SHA256")
        params = M.search_criteria([("updated_at", "2026-11-20 09:00:00", "gteq")])
        # form encoding sends the space as "+", which the shop's rawurldecode keeps as a plus: refused
        response = requests.get(f"{STORE}/rest/all/V1/orders", params=params, auth=auth, timeout=5)
        self.assertEqual(response.status_code, 401)
        response = requests.get(f"{STORE}/rest/all/{M.with_query('V1/orders', params)}", auth=auth, timeout=5)
        self.assertEqual(response.status_code, 200)

    def test_bearer_token_only_where_the_shop_allows_it(self):
        shop = self.fake_magento()
        admin = self.magento.with_user(self.user_admin)
        admin.magento_auth = "bearer"
        result = admin.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger", "off by default since 2.4.4: the form says so")
        shop.bearer_allowed = True
        result = admin.action_test_connection()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        self.assertIn("bearer", result["params"]["message"])

    @mute_logger(*QUIET)
    def test_revoked_integration_parks_the_channel_until_resumed(self):
        shop = self.fake_magento()
        shop.add_product("MUG-001")
        shop.token = "at_reissued"  # the merchant re-authorized the integration: our token is dead
        job = self.env["integration.job"]._enqueue(self.magento, "inventory", "inv-auth", {"MUG-001": 7})
        self.list_products(self.magento, self.mug)
        self.run_jobs()
        self.assertTrue(self.magento.outbound_paused)
        self.assertEqual((job.state, job.next_attempt_at), ("pending", False), "parked, not retried in a loop")
        access = self.exceptions("channel_access")
        self.assertEqual(len(access), 1)
        self.assertIn("Magento", access.name)
        self.magento.with_user(self.user_admin).write({"magento_access_token": "at_reissued"})
        self.magento.with_user(self.user_admin).action_resume_outbound()
        self.run_jobs()
        self.assertEqual((job.state, shop.sources[("MUG-001", "valencia-3pl")]), ("done", 7))

    # --- polling --------------------------------------------------------------------------------
    def test_poll_pages_by_updated_at_and_stops_at_the_end(self):
        shop = self.fake_magento()
        for n in range(5):
            shop.add_order(100 + n, self.now(-120 + n))
        shop.add_order(99, self.now(-60 * 24 * 9))  # older than the first poll reads
        with patch.object(M, "PAGE_SIZE", 2):
            self.poll()
        pages = [call for call in shop.calls if call[1].endswith("/V1/orders")]
        self.assertEqual(len(pages), 3, "three pages of two, stopped by total_count")
        polled = self.mg_events().filtered(lambda e: e.source == "poll")
        self.assertEqual(len(polled), 5)
        self.assertEqual(self.magento._poll_cursor("orders").cursor, shop.orders[104]["updated_at"].replace(" ", "T"))
        self.assertEqual(self.mg_order("000000102").state, "accepted")
        # Magento answers a page past the end with the last page again: nothing is taken from it
        cursor = json.dumps({"since": self.now(-180).replace(" ", "T"), "page": 4})
        with patch.object(M, "PAGE_SIZE", 2):
            page = self.env["integration.adapter.magento"]._poll(self.magento, "orders", cursor)
        self.assertEqual((page.messages, page.more), ([], False))
        self.magento._poll_stream("orders", self.magento._poll_cursor("orders"))  # the overlap re-reads: collapses
        self.assertEqual(len(self.mg_events().filtered(lambda e: e.source == "poll")), 5)

    @mute_logger(*QUIET)
    def test_throttled_or_failing_shop_keeps_the_cursor(self):
        shop = self.fake_magento()
        shop.add_order(110, self.now(-30))
        for failure in ((429, {"Retry-After": "30"}), 503, "timeout"):
            shop.fail_next(failure)
            self.magento._poll_stream("orders", self.magento._poll_cursor("orders"))
            row = self.magento._poll_cursor("orders")
            self.assertFalse(row.cursor, failure)
            self.assertTrue(row.last_error, failure)
        self.poll_now()
        self.assertEqual(self.mg_order("000000110").state, "accepted")

    # --- orders ---------------------------------------------------------------------------------
    def test_configurable_parent_and_child_are_one_physical_line(self):
        shop = self.fake_magento()
        shop.add_order(120, self.now(-10), items=configurable(1200, "TSHIRT-M", 2) + [item(1202, "MUG-001", 1)])
        self.poll_now()
        order = self.mg_order("000000120")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(sorted(order.line_ids.mapped("external_line_id")), ["1200", "1202"], "the parent's id")
        shirt = order.line_ids.filtered(lambda line: line.sku == "TSHIRT-M")
        self.assertEqual((shirt.product_id, shirt.quantity_sent), (self.tshirt_m, "2"))
        moves = order._first_step_pickings().move_ids
        self.assertEqual(sum(moves.filtered(lambda m: m.product_id == self.tshirt_m).mapped("product_uom_qty")), 2)
        self.assertEqual((order.name, order.service_level), ("#000000120", "flatrate_flatrate"))

    def test_order_states_and_statuses_are_read_as_the_channel_says(self):
        shop = self.fake_magento()
        self.magento.magento_waiting_statuses = "fraud_review"
        shop.add_order(130, self.now(-20), state="pending_payment")
        shop.add_order(131, self.now(-20), status="fraud_review")
        self.poll_now()
        waiting, review = self.mg_order("000000130"), self.mg_order("000000131")
        self.assertEqual((waiting.state, waiting.financial_status), ("validated", "pending"))
        self.assertEqual(review.state, "validated", "a status the channel lists waits although its state is paid")
        shop.orders[130].update(state="processing", status="processing", updated_at=self.now(-5))
        shop.orders[131].update(state="canceled", status="canceled", updated_at=self.now(-5))
        self.poll_now()
        self.assertEqual((waiting.state, review.state), ("accepted", "cancelled"))
        self.magento.magento_paid_states = "complete"  # a shop that invoices at shipment: processing waits
        shop.add_order(132, self.now(-4))
        self.poll_now()
        self.assertEqual(self.mg_order("000000132").state, "validated")

    def test_order_edited_into_a_new_increment_is_one_warehouse_order(self):
        shop = self.fake_magento()
        shop.add_order(140, self.now(-30), items=[item(1400, "MUG-001", 1), item(1401, "TSHIRT-S", 1)])
        self.poll_now()
        order = self.mg_order("000000140")
        self.assertEqual(order.state, "accepted")
        shop.edit_order(140, 141, self.now(-10), items=[item(1410, "MUG-001", 3)])  # the admin edits the order
        self.poll_now()
        orders = self.env["integration.channel.order"].search([("channel_id", "=", self.magento.id)])
        self.assertEqual(orders, order, "one warehouse order, not two")
        self.assertEqual((order.state, order.name), ("accepted", "#000000140-1"))
        live = order.line_ids.filtered(lambda line: line.state == "open")
        self.assertEqual((live.external_line_id, live.sku, live.quantity_sent), ("1410", "MUG-001", "3"))
        moves = order._first_step_pickings().move_ids
        self.assertEqual((moves.product_id, sum(moves.mapped("product_uom_qty"))), (self.mug, 3.0))
        old = self.mg_events().filtered(lambda e: e.idempotency_key.startswith("order:140:"))
        self.assertEqual(
            (len(old), set(old.mapped("state"))), (2, {"done"}), "the cancelled original is no cancellation"
        )
        self.ship(order, "PQ140")
        ((shipment_id, shipment),) = shop.shipments.items()
        self.assertEqual((shipment["order_id"], shipment["items"]), (141, [{"order_item_id": 1410, "qty": 3.0}]))

    def test_a_cancellation_is_acknowledged_in_the_order_history(self):
        shop = self.fake_magento()
        shop.add_order(190, self.now(-20))
        self.poll_now()
        shop.orders[190].update(state="canceled", status="canceled", updated_at=self.now(-5))
        self.poll_now()
        self.assertEqual(self.mg_order("000000190").state, "cancelled")
        self.run_jobs()
        (comment,) = shop.orders[190]["status_histories"]
        self.assertIn("cancelled this order", comment["comment"])
        self.assertEqual((comment["is_customer_notified"], comment["parent_id"]), (0, 190))

    def test_an_edit_whose_payload_omits_the_child_is_found_in_the_shop(self):
        shop = self.fake_magento()
        shop.add_order(150, self.now(-30))
        self.poll_now()
        shop.edit_order(150, 151, self.now(-10), items=[item(1510, "MUG-001", 2)])
        for field in ("relation_child_id", "relation_child_real_id"):
            del shop.orders[150][field]
        shop.orders[150]["updated_at"] = self.now(-5)  # the cancellation is read after the new order
        self.poll_now()
        order = self.mg_order("000000150")
        self.assertEqual(
            (order.state, order.line_ids.filtered(lambda x: x.state == "open").quantity_sent), ("accepted", "2")
        )
        asked = [q for q in shop.searches if "relation_parent_id" in q.values()]
        self.assertEqual(len(asked), 1, "the shop was asked which order replaced the cancelled one")
        shop.add_order(152, self.now(-2), state="canceled")  # a plain cancellation: nothing replaced it
        self.poll_now()
        self.assertEqual(self.mg_order("000000152").state, "cancelled")

    # --- fulfillment ------------------------------------------------------------------------------
    def test_partial_shipments_carry_their_own_items_and_tracks_once(self):
        shop = self.fake_magento()
        self.magento.partial_policy = "backorder"
        shop.add_order(160, self.now(-10), items=[item(1600, "MUG-001", 60)] + configurable(1601, "TSHIRT-S", 2))
        self.poll_now()
        order = self.mg_order("000000160")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.ship(order, "PQ160A")
        ((first_id, first),) = shop.shipments.items()
        self.assertEqual(
            sorted((line["order_item_id"], line["qty"]) for line in first["items"]), [(1600, 50.0), (1601, 2.0)]
        )
        self.assertEqual(first["tracks"], [{"track_number": "PQ160A", "title": "Carrier", "carrier_code": "custom"}])
        self.assertEqual(first["arguments"]["extension_attributes"]["source_code"], "valencia-3pl")
        self.assertEqual(shop.orders[160]["state"], "processing", "10 mugs are still to ship")
        job = self.jobs("fulfillment")
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # sent again by a manager
        self.run_jobs()
        self.assertEqual(len(shop.shipments), 1, "never a second shipment for one shipment")
        order._hub_write({"tracking_number": "PQ160B"})  # the carrier's new number
        self.run_jobs()
        self.assertEqual((shop.tracks[-1]["track_number"], shop.tracks[-1]["parent_id"]), ("PQ160B", first_id))
        self.stock(self.mug, 10)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        backorder.action_assign()
        backorder.move_ids.picked = True
        backorder.button_validate()
        order._record_later_shipment(backorder, "PICKUP-2", "PQ160C", fields.Datetime.now())
        self.run_jobs()
        second = shop.shipments[max(shop.shipments)]
        self.assertEqual(
            (second["items"], second["tracks"][0]["track_number"]), ([{"order_item_id": 1600, "qty": 10.0}], "PQ160C")
        )
        self.assertEqual(shop.orders[160]["state"], "complete")

    @mute_logger(*QUIET)
    def test_a_shipment_the_shop_refuses_is_a_dead_job_with_its_words(self):
        shop = self.fake_magento()
        shop.add_order(170, self.now(-10))
        self.poll_now()
        order = self.mg_order("000000170")
        shop.orders[170]["state"] = "holded"  # the merchant put it on hold in Magento meanwhile
        self.ship(order, "PQ170")
        job = self.jobs("fulfillment")
        self.assertEqual(job.state, "dead")
        self.assertIn("does not allow a shipment", job.last_error)
        self.assertFalse(shop.shipments)

    # --- returns ----------------------------------------------------------------------------------
    def test_credit_memo_items_are_a_return_money_only_is_nothing(self):
        shop = self.fake_magento()
        shop.add_order(180, self.now(-60), items=configurable(1800, "TSHIRT-S", 2) + [item(1802, "MUG-001", 1)])
        self.poll_now()
        # a configurable's refund names the parent and the child: one returned T-shirt, not two
        shop.add_creditmemo(55, 180, self.now(-5), [(1800, "TSHIRT-S", 1), (1801, "TSHIRT-S", 1)], "too small")
        shop.add_creditmemo(56, 180, self.now(-4), [(1802, "MUG-001", 0)], "shipping refunded")
        self.poll_now("returns")
        ret = self.env["integration.return"].search([("channel_id", "=", self.magento.id)])
        self.assertEqual((ret.external_id, ret.state, ret.reason), ("creditmemo-55", "authorized", "too small"))
        self.assertEqual((ret.line_ids.product_id, ret.line_ids.quantity), (self.tshirt_s, 1.0))
        self.assertEqual(ret.order_id, self.mg_order("000000180"))
        money = self.mg_events().filtered(lambda e: e.idempotency_key == "creditmemo:56")
        self.assertEqual(money.state, "done", "nothing for the warehouse: no return")

    def test_catalog_import_lists_simple_products_by_sku(self):
        shop = self.fake_magento()
        shop.add_product("MUG-001", 11)
        shop.add_product("TSHIRT-S", 12)
        shop.add_product("TSHIRT", 13, type_id="configurable")
        shop.add_product("UNKNOWN-7", 14)
        result = self.magento.with_user(self.user_admin).action_import_listings()
        self.assertIn("UNKNOWN-7", result["params"]["message"])
        listed = self.env["integration.external.id"].search(
            [("channel_id", "=", self.magento.id), ("kind", "=", "product"), ("listed", "=", True)]
        )
        self.assertEqual(
            sorted(listed.mapped(lambda r: (r.sku, r.external_id))), [("MUG-001", "11"), ("TSHIRT-S", "12")]
        )
