"""PrestaShop on the hub's seam, against a fake shop built from ../shared/platforms/prestashop.md."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..lib import prestashop as P
from .common import PrestaShopMixin
from .prestashop_fake import order_row

QUIET = ("odoo.addons.integration_hub.models.integration_job", "odoo.addons.integration_hub.models.integration_event")
QUIET += ("odoo.addons.integration_hub.models.integration_channel_polling",)


@tagged("post_install", "-at_install")
class TestPrestaShop(PrestaShopMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_prestashop()
        for product, quantity in ((cls.mug, 50), (cls.tshirt_s, 20), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)

    def local(self, **delta):
        """A shop-local date text, relative to now (the shop's dates have no time zone)."""
        return P.shop_time(fields.Datetime.now() - timedelta(**delta), "Europe/Madrid")

    # --- orders in --------------------------------------------------------------------------------
    def test_poll_pages_by_date_upd_and_reads_related_resources_once_per_poll(self):
        shop = self.fake_prestashop()
        for n in range(5):
            shop.add_order(70 + n, self.local(hours=2, minutes=-n))
        shop.add_order(60, self.local(days=9))  # older than a first poll reads
        with patch.object(P, "PAGE_SIZE", 2):
            self.poll()
        lists = [query for method, path, query in shop.calls if path == "/api/orders"]
        self.assertEqual([q["limit"] for q in lists], ["0,2", "2,2", "4,2"], "limit=offset,count; a short page ends")
        first = lists[0]
        self.assertEqual((first["date"], first["sort"], first["display"]), ("1", "[date_upd_ASC]", "full"))
        start, end = first["filter[date_upd]"].strip("[]").split(",")
        self.assertEqual((len(start), end), (19, P.FAR_FUTURE), "a full date-time, shop-local, no time zone")
        self.assertEqual(first["output_format"], "JSON")
        for resource in ("addresses", "customers", "countries", "currencies", "carriers"):
            self.assertEqual(shop.counts(resource), 1, f"{resource}: once per poll, not once per order")
        self.assertEqual(len(self.ps_events()), 5, "not the old order")
        order = self.ps_order(72)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual((order.name, order.financial_status, order.service_level), ("REF72", "paid", "next_day"))
        self.assertEqual((order.line_ids.sku, order.line_ids.product_id), ("TSHIRT-S", self.tshirt_s))
        self.assertEqual((order.ship_country_code, order.customer_email), ("ES", "lucia@example.com"))
        raw = self.ps_events()[:1].sudo().payload
        self.assertNotIn("passwd", raw, "only what the mapping needs is kept from the customer")
        cursor = self.ps._poll_cursor("orders")
        self.assertEqual(cursor.cursor, shop.data["orders"]["74"]["date_upd"])
        self.poll()  # the overlap re-reads the newest: it collapses in the inbox
        self.assertEqual(len(self.ps_events()), 5)
        self.assertLess(self.ps._poll_cursor("orders").cursor, P.FAR_FUTURE)

    def test_an_xml_only_shop_gives_the_same_order(self):
        shop = self.fake_prestashop(json_output=False)
        self.ps.prestashop_output = "xml"
        shop.add_order(80, self.local(minutes=30))
        self.poll()
        self.assertTrue(all("output_format" not in query for _m, _p, query in shop.calls))
        order = self.ps_order(80)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual((order.line_ids.product_id, order.line_ids.quantity_sent), (self.tshirt_s, "2"))

    def test_an_empty_json_answer_is_a_bare_list_and_reads_as_no_orders(self):
        shop = self.fake_prestashop()
        self.poll()
        self.assertEqual(shop.counts("orders"), 1)
        cursor = self.ps._poll_cursor("orders")
        self.assertEqual((cursor.last_error, cursor.received_last_run), (False, 0))
        self.assertFalse(self.ps_events())

    def test_payment_waits_then_paid_releases_and_cancelled_cancels(self):
        shop = self.fake_prestashop()
        order_data = shop.add_order(81, self.local(minutes=50), state="10")  # awaiting bank wire
        self.poll()
        order = self.ps_order(81)
        self.assertEqual((order.state, order.financial_status), ("validated", "pending"))
        order_data.update(current_state="2", date_upd=self.local(minutes=40))
        self.poll()
        self.assertEqual(order.state, "accepted", "payment accepted: ready to ship")
        order_data.update(current_state="6", date_upd=self.local(minutes=30))
        self.poll()
        self.assertEqual(order.state, "cancelled")

    @mute_logger(*QUIET)
    def test_an_unmapped_state_is_named_and_the_order_is_not_guessed(self):
        shop = self.fake_prestashop()
        shop.data["order_states"]["14"] = {"id": "14", "name": "Awaiting PayPal", "paid": "0", "shipped": "0"}
        shop.add_order(82, self.local(minutes=20), state="14")
        self.poll()
        self.assertFalse(self.ps_order(82), "no order imported on a guess")
        event = self.ps_events()
        self.assertEqual(event.state, "failed")
        exception = self.env["integration.sync.exception"].search([("channel_id", "=", self.ps.id)])
        self.assertIn("state 14", exception.description)
        self.assertNotIn("lucia", (exception.description or "").lower(), "no personal data in the exception")
        # an administrator reads the states and chooses what 14 means; a manager retries the message
        self.ps.with_user(self.user_admin).action_test_connection()
        row = self.ps.prestashop_order_state_ids.filtered(lambda s: s.state_id == "14")
        self.assertEqual((row.name, row.meaning), ("Awaiting PayPal", False), "read, never given a meaning")
        row.with_user(self.user_admin).meaning = "waiting"
        event.with_user(self.user_manager).action_retry()
        self.process()
        self.assertEqual(self.ps_order(82).state, "validated")

    def test_multistore_reads_and_writes_only_its_own_shop(self):
        shop = self.fake_prestashop()
        self.ps.prestashop_shop_id = 2
        shop.add_order(83, self.local(minutes=20), shop="1")
        shop.add_order(84, self.local(minutes=20), shop="2")
        self.poll()
        self.assertEqual(
            self.ps_events().mapped("idempotency_key"), [f"order:84:{shop.data['orders']['84']['date_upd']}"]
        )
        self.assertTrue(all(query.get("id_shop") == "2" for _m, _p, query in shop.calls))
        shop.add_stock(1, 50, 0, 5, shop="1")
        shop.add_stock(2, 50, 0, 5, shop="2")
        self.list_products(self.ps, self.mug)
        shop.add("products", {"id": "50", "reference": "MUG-001", "name": "Mug"})
        job = self.ps._publish_inventory()
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        self.assertEqual(
            (shop.data["stock_availables"]["1"]["quantity"], shop.data["stock_availables"]["2"]["quantity"]),
            ("5", "50"),
            "the other shop's row is untouched",
        )

    # --- combinations as SKUs ----------------------------------------------------------------------
    def test_combinations_are_skus_and_an_empty_reference_resolves_through_the_combination_id(self):
        shop = self.fake_prestashop()
        self.list_products(self.ps, self.tshirt_m).write({"external_id": "93-102", "external_ref": "93"})
        rows = [order_row(21, 93, 102, 1, ""), order_row(22, 93, 101, 1, "TSHIRT-S")]
        shop.add_order(85, self.local(minutes=20), rows=rows)
        shop.add_order(86, self.local(minutes=19), rows=[order_row(23, 93, 103, 1, "")])
        self.poll()
        order = self.ps_order(85)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(
            sorted(order.line_ids.mapped(lambda line: (line.external_line_id, line.product_id.default_code))),
            [("21", "TSHIRT-M"), ("22", "TSHIRT-S")],
        )
        held = self.ps_order(86)
        self.assertEqual(held.state, "on_hold")
        self.assertIn("93-103", held.validation_problems, "the combination nobody mapped is named")
        learned = self.env["integration.external.id"].search(
            [("channel_id", "=", self.ps.id), ("sku", "=", "TSHIRT-S")]
        )
        self.assertEqual((learned.external_id, learned.external_ref), ("93-101", "93"))

    def test_inventory_puts_whole_stock_rows_by_combination_with_per_item_errors(self):
        shop = self.fake_prestashop()
        shop.add("products", {"id": "50", "reference": "MUG-001", "name": "Mug"})
        shop.add("combinations", {"id": "102", "id_product": "93", "reference": "TSHIRT-M"})
        shop.add("products", {"id": "60", "reference": "KIT-GIFT", "name": "Gift box"})
        shop.add_stock(1, 50, 0)
        shop.add_stock(2, 93, 101)
        shop.add_stock(3, 93, 102)
        shop.add_stock(4, 60, 0, depends_on_stock="1")
        shop.refuse_stock.add("2")
        self.list_products(self.ps, self.mug | self.tshirt_s | self.tshirt_m | self.kit)
        self.env["integration.external.id"].search([("channel_id", "=", self.ps.id), ("sku", "=", "TSHIRT-S")]).write(
            {"external_id": "93-101", "external_ref": "93"}
        )
        job = self.ps._publish_inventory()
        self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        stock = {row_id: row["quantity"] for row_id, row in shop.data["stock_availables"].items()}
        self.assertEqual(stock, {"1": "50", "2": "0", "3": "20", "4": "0"})
        for _resource, _item, values, _query in shop.puts:
            self.assertEqual(set(P.to_xml("x", values) and values), set(values))
            self.assertIn("out_of_stock", values, "PUT sends the whole resource")
        lookups = [q.get("filter[reference]") for _m, path, q in shop.calls if path == "/api/combinations"]
        self.assertIn("[TSHIRT-M]", lookups, "an SKU without a known id is looked up once by reference")
        names = self.env["integration.sync.exception"].search([("channel_id", "=", self.ps.id)]).mapped("name")
        self.assertTrue(any("TSHIRT-S" in name for name in names), "the row the shop refused is named")
        refused = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.ps.id), ("name", "ilike", "TSHIRT-S")]
        )
        self.assertIn('Validation error: "quantity" of stock_available 2 is invalid', refused.description)
        self.assertTrue(any("KIT-GIFT" in name for name in names), "depends_on_stock: not writable, named")
        level = self.env["integration.inventory.level"].search(
            [("channel_id", "=", self.ps.id), ("sku", "=", "TSHIRT-S")]
        )
        self.assertFalse(level.published_at, "a refused item is not published")

    @mute_logger(*QUIET)
    def test_rate_limits_5xx_and_timeouts_are_retried_a_refused_key_parks_everything(self):
        shop = self.fake_prestashop()
        shop.add("products", {"id": "50", "reference": "MUG-001", "name": "Mug"})
        shop.add_stock(1, 50, 0)
        shop.fail_next((429, {"Retry-After": "120"}))
        job = self.env["integration.job"]._enqueue(self.ps, "inventory", "inv-1", {"MUG-001": 7})
        self.run_jobs()
        self.assertEqual((job.state, job.attempts), ("pending", 1))
        self.assertAlmostEqual((job.next_attempt_at - fields.Datetime.now()).total_seconds(), 120, delta=2)
        for failure in (503, "timeout"):
            shop.fail_next(failure)
            job.next_attempt_at = fields.Datetime.now()
            self.run_jobs()
            self.assertEqual(job.state, "pending", failure)
        shop.key = "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"  # the merchant deleted the key
        job.next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertTrue(self.ps.outbound_paused)
        self.assertEqual((job.state, job.next_attempt_at), ("pending", False), "parked, not retried in a loop")
        access = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.ps.id), ("exception_type", "=", "channel_access")]
        )
        self.assertEqual(len(access), 1)
        self.assertIn("PrestaShop", access.name)
        shop.add_order(87, self.local(minutes=5))
        self.env["integration.channel"]._cron_poll_channels()
        self.assertFalse(self.ps_events(), "a parked channel is not polled")
        shop.key = "NEWKEYNEWKEYNEWKEYNEWKEYNEWKEY12"
        self.ps.with_user(self.user_admin).write({"prestashop_webservice_key": shop.key})
        self.ps.with_user(self.user_admin).action_resume_outbound()
        self.run_jobs()
        self.assertEqual((job.state, shop.data["stock_availables"]["1"]["quantity"]), ("done", "7"))

    @mute_logger(*QUIET)
    def test_a_poll_refused_by_the_host_keeps_the_cursor_and_a_wrong_key_parks(self):
        shop = self.fake_prestashop()
        shop.add_order(88, self.local(minutes=5))
        shop.fail_next(503)
        self.poll()
        cursor = self.ps._poll_cursor("orders")
        self.assertTrue(cursor.last_error and "503" in cursor.last_error)
        self.assertFalse(cursor.cursor, "nothing read: the cursor did not move")
        self.poll()
        self.assertEqual(self.ps_order(88).state, "accepted")
        shop.key = "WRONGWRONGWRONGWRONGWRONGWRONG12"
        self.poll()
        self.assertTrue(self.ps.outbound_paused, "401 on a poll parks the channel too")

    # --- fulfillment out ------------------------------------------------------------------------------
    def ship(self, order, tracking):
        picking = order._first_step_pickings()
        picking.move_ids.picked = True
        picking.button_validate()
        order._record_carrier_pickup(f"PICKUP-{tracking}", tracking, fields.Datetime.now(), "carrier scan")
        self.run_jobs()

    def test_fulfillment_is_the_tracking_on_the_order_carrier_then_the_shipped_state_once(self):
        shop = self.fake_prestashop()
        shop.add_order(90, self.local(minutes=10))
        self.poll()
        order = self.ps_order(90)
        self.ship(order, "PQ123456789ES")
        ((resource, item, values, query),) = shop.puts
        self.assertEqual((resource, item, values["tracking_number"]), ("order_carriers", "590", "PQ123456789ES"))
        self.assertEqual(query["sendemail"], "1", "the shop e-mails the customer the tracking")
        self.assertEqual(shop.histories, [("90", "4", "1")], "shipped (the state mapped as shipped), notified")
        job = self.env["integration.job"].search([("channel_id", "=", self.ps.id), ("job_type", "=", "fulfillment")])
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # a manager sends it again
        self.run_jobs()
        self.assertEqual((len(shop.puts), len(shop.histories)), (1, 1), "never twice for one shipment")
        order._hub_write({"tracking_number": "PQ987654321ES"})  # the carrier's new number
        self.run_jobs()
        self.assertEqual(shop.data["order_carriers"]["590"]["tracking_number"], "PQ987654321ES")
        self.assertEqual(len(shop.histories), 1)
        Job = self.env["integration.job"]
        Job._enqueue(self.ps, "order_status", "status:90:in_transit", {"order_id": "90", "status": "in_transit"})
        Job._enqueue(self.ps, "order_status", "status:90:delivered", {"order_id": "90", "status": "delivered"})
        self.run_jobs()
        self.assertEqual(shop.histories[1:], [("90", "5", "1")], "delivered: the shop tells the customer")
        statuses = Job.search([("channel_id", "=", self.ps.id), ("job_type", "=", "order_status")])
        self.assertEqual(set(statuses.mapped("state")), {"done"}, "a step PrestaShop has no state for is no error")

    # --- returns, the connection, the catalog ---------------------------------------------------------
    def test_merchandise_returns_become_returns_where_the_shop_exposes_them(self):
        shop = self.fake_prestashop()
        shop.add_order(91, self.local(minutes=30))
        self.poll()
        self.assertFalse(self.ps.prestashop_returns_available)
        self.assertIn("order_returns", " ".join(self.ps._adapter()._configuration_problems(self.ps, "poll_returns")))
        shop.returns_enabled = True
        self.ps.with_user(self.user_admin).action_test_connection()
        self.assertTrue(self.ps.prestashop_returns_available, "detected from GET /api/")
        shop.data["order_details"]["9"]["product_quantity_return"] = "1"
        shop.add(
            "order_returns",
            {
                "id": "4",
                "id_order": "91",
                "id_customer": "7",
                "state": "2",
                "question": "too small",
                "date_add": self.local(minutes=5),
                "date_upd": self.local(minutes=5),
            },
        )
        self.poll("returns")
        ret = self.env["integration.return"].search([("channel_id", "=", self.ps.id)])
        self.assertEqual((ret.external_id, ret.state, ret.reason), ("return-4", "authorized", "too small"))
        self.assertEqual((ret.line_ids.product_id, ret.line_ids.quantity), (self.tshirt_s, 1.0))
        self.assertEqual(ret.line_ids.order_line_id, self.ps_order(91).line_ids)

    def test_connection_detects_the_format_and_reads_the_states_without_guessing(self):
        shop = self.fake_prestashop(json_output=False)
        channel = self.make_channel(
            "PS two", "PS2", platform="prestashop", prestashop_shop_url="https://shop.example.com"
        )
        channel.prestashop_webservice_key = shop.key
        result = channel.with_user(self.user_admin).action_test_connection()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        self.assertIn("XML", result["params"]["message"])
        self.assertEqual(channel.prestashop_output, "xml")
        states = channel.prestashop_order_state_ids
        self.assertEqual(len(states), 13)
        self.assertEqual(states.filtered(lambda s: s.state_id == "2").mapped("name"), ["Payment accepted"])
        self.assertFalse(any(states.mapped("meaning")), "meanings are chosen by an administrator, never guessed")
        self.assertIn("paid / ready", " ".join(channel._adapter()._configuration_problems(channel, "poll_orders")))
        shop.json_output = True
        channel.with_user(self.user_admin).action_test_connection()
        self.assertEqual((channel.prestashop_output, len(channel.prestashop_order_state_ids)), ("json", 13))
        shop.key = "WRONGWRONGWRONGWRONGWRONGWRONG12"
        result = channel.with_user(self.user_admin).action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("401", result["params"]["message"])

    def test_catalog_import_lists_combinations_and_simple_products_by_reference(self):
        shop = self.fake_prestashop()
        shop.add("products", {"id": "50", "reference": "MUG-001", "name": "Mug"})
        shop.add("products", {"id": "93", "reference": "TSHIRT", "name": "T-shirt"})
        shop.add("combinations", {"id": "101", "id_product": "93", "reference": "TSHIRT-S"})
        shop.add("combinations", {"id": "102", "id_product": "93", "reference": "TSHIRT-M"})
        shop.add("combinations", {"id": "103", "id_product": "93", "reference": ""})
        with patch.object(P, "PAGE_SIZE", 2):  # pages of two: the last one is short
            result = self.ps.with_user(self.user_admin).action_import_listings()
        limits = [q["limit"] for _m, path, q in shop.calls if path == "/api/combinations"]
        self.assertEqual(limits, ["0,2", "2,2"], "read page by page until a short page")
        self.assertEqual(result["params"]["type"], "warning", "a combination without reference is named, not guessed")
        listed = self.env["integration.external.id"].search([("channel_id", "=", self.ps.id), ("listed", "=", True)])
        self.assertEqual(
            sorted((row.sku, row.external_id, row.external_ref or "") for row in listed),
            [("MUG-001", "50-0", ""), ("TSHIRT-M", "93-102", "93"), ("TSHIRT-S", "93-101", "93")],
        )
