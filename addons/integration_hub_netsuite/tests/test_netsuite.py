"""NetSuite on the hub's seam, against a fake account built from ../shared/platforms/netsuite.md."""

import json
from unittest.mock import patch

import requests
from freezegun import freeze_time
from requests_oauthlib import OAuth1

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from ..lib import netsuite as N
from ..models import integration_adapter_netsuite as A
from .common import CREDENTIALS, NetSuiteMixin

QUIET = (
    "odoo.addons.integration_hub.models.integration_job",
    "odoo.addons.integration_hub.models.integration_channel_polling",
)


@tagged("post_install", "-at_install")
class TestNetSuite(NetSuiteMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_netsuite()
        for product, quantity in ((cls.mug, 50), (cls.tshirt_s, 20), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)

    # --- authentication -----------------------------------------------------------------------
    @mute_logger(*QUIET)
    def test_token_based_authentication_is_verified_and_a_wrong_secret_parks_the_channel(self):
        account = self.fake_netsuite()
        admin = self.netsuite.with_user(self.user_admin)
        result = admin.action_test_connection()
        self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
        self.assertIn("1234567_SB1", result["params"]["message"])
        self.assertIn("3PL Valencia (6)", result["params"]["message"])
        admin.netsuite_location_id = False  # not chosen yet: the account's locations are listed to pick from
        self.assertIn("Main warehouse (1), 3PL Valencia (6)", admin.action_test_connection()["params"]["message"])
        admin.netsuite_location_id = "6"
        # the realm is the account id in upper case; the same signature with another realm is refused
        key, secret, token, token_secret = CREDENTIALS
        url = f"{account.url}query/v1/suiteql?limit=5&offset=0"
        body = {"q": "SELECT id, name FROM location WHERE id = '6'"}
        for realm, status in (("1234567-sb1", 401), ("1234567_SB1", 200)):
            auth = OAuth1(key, secret, token, token_secret, signature_method="HMAC-SHA256", realm=realm)
            answer = requests.post(url, json=body, auth=auth, headers={"Prefer": "transient"}, timeout=5)
            self.assertEqual(answer.status_code, status, realm)
        self.assertEqual(answer.json()["items"][0]["name"], "3PL Valencia")
        # the client's administrator re-issued the token secret: NetSuite answers INVALID_LOGIN
        account.token_secret = "reissued"
        result = admin.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("401", result["params"]["message"])
        account.add_sales_order(500, self.stamp(-10), [(1, 20, "MUG-001", 1)])
        self.poll_now()
        self.assertTrue(self.netsuite.outbound_paused, "polling with refused credentials parks the channel")
        self.assertEqual(len(self.exceptions_of(self.netsuite, "channel_access")), 1)
        admin.write({"netsuite_token_secret": "reissued"})
        admin.action_resume_outbound()
        self.poll_now()
        self.assertEqual(self.ns_order("500").state, "accepted")

    def test_account_host_and_realm_and_no_personal_data_in_the_log(self):
        account = self.fake_netsuite()
        account.add_sales_order(510, self.stamp(), [(1, 20, "MUG-001", 1)])
        lines = []
        client = N.NetSuiteClient("1234567_SB1", CREDENTIALS, log=lambda what, text: lines.append(text))
        self.assertEqual(
            client.record("salesOrder", "510", "Sales order")["shippingAddress"]["addressee"], "Lucía Ferrer"
        )
        client.suiteql("SELECT id, name FROM location WHERE id = '6'", "Location")
        self.assertIn(
            "GET https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/510 (", lines[0]
        )
        self.assertRegex(lines[0], r"HTTP 200, \d+ bytes$", "the status and size only")
        self.assertNotIn("Lucía", "".join(lines))
        self.assertNotIn("3PL Valencia", lines[1], "no answer is logged")
        self.assertNotIn("expandSubResources", lines[0], "nor a query")
        self.assertNotIn(CREDENTIALS[1], "".join(lines))
        account.fail_next("request_limit")  # the account's limit, answered as a 400: retried, never dead
        with self.assertRaises(A.RetryableError):
            client.suiteql("SELECT id, name FROM location WHERE id = '6'", "Location")
        self.assertEqual(N.base_url("1234567_SB1"), "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest")
        self.assertEqual((N.realm_of("1234567-sb1"), N.realm_of("1234567")), ("1234567_SB1", "1234567"))
        self.assertEqual(N.external_id("hub-if", "SO1|7:12-13"), "hub-if-SO1-7-12-13", "no | (a multi-select split)")

    # --- polling --------------------------------------------------------------------------------
    @mute_logger(*QUIET)
    @freeze_time("2026-11-30 12:00:00")
    def test_suiteql_pages_by_keyset_in_the_users_time_zone_then_purchase_orders(self):
        account = self.fake_netsuite()
        for n in range(5):
            account.add_sales_order(600 + n, self.stamp(-100 + n), [(1, 20, "MUG-001", 1)])
        account.add_sales_order(599, self.stamp(-60 * 24 * 9), [(1, 20, "MUG-001", 1)])  # older than a first poll
        account.add_purchase_order(700, self.stamp(-30), [(1, 20, "MUG-001", 12)])
        with patch.object(N, "PAGE_SIZE", 2):
            self.poll_now()
        suiteql = [call for call in account.calls if call == ("POST", "query/v1/suiteql")]
        self.assertEqual(len(suiteql), 4, "one page of purchase orders, three pages of two sales orders (hasMore)")
        self.assertTrue(all("TO_TIMESTAMP(" in q for q in account.queries))
        # the window starts in the token user's time zone (Los Angeles, UTC-8), 3 days back: UTC would miss 8 hours
        self.assertIn("TO_TIMESTAMP('2026-11-27 04:00:00', 'YYYY-MM-DD HH24:MI:SS')", account.queries[0])
        self.assertEqual(account.offsets, [0, 0, 0, 0], "pages by keyset, never by offset")
        local = account._local(account.records["salesOrder"]["601"]["lastModifiedDate"]).strftime("%Y-%m-%d %H:%M:%S")
        self.assertIn(
            f"(lastmodifieddate > TO_TIMESTAMP('{local}', 'YYYY-MM-DD HH24:MI:SS') OR (lastmodifieddate = "
            f"TO_TIMESTAMP('{local}', 'YYYY-MM-DD HH24:MI:SS') AND id > 601)) ORDER BY lastmodifieddate, id",
            account.queries[2],
            "the second page of sales orders starts after the last row of the first, in the user's time zone",
        )
        events = self.env["integration.event"].search([("channel_id", "=", self.netsuite.id)])
        self.assertEqual(sorted(events.mapped("event_type")), ["purchaseOrder"] + ["salesOrder"] * 5)
        self.assertEqual(self.ns_order("602").state, "accepted", self.ns_order("602").validation_problems)
        cursor = json.loads(self.netsuite._poll_cursor("orders").cursor)
        self.assertEqual(
            (cursor["salesOrder"], cursor["phase"]),
            (account.records["salesOrder"]["604"]["lastModifiedDate"][:19], "purchaseOrder"),
        )
        receipt = self.env["integration.receipt"].search([("channel_id", "=", self.netsuite.id)])
        self.assertEqual((receipt.external_id, receipt.line_ids.quantity_expected), ("PO700", 12.0))
        # the overlap re-reads the newest: collapses in the inbox; throttling and outages keep the cursor
        before = self.netsuite._poll_cursor("orders").cursor
        for failure in (429, "request_limit", 503, "timeout"):
            account.fail_next(failure)
            self.netsuite._poll_stream("orders", self.netsuite._poll_cursor("orders"))
            row = self.netsuite._poll_cursor("orders")
            self.assertEqual(row.cursor, before, failure)
            self.assertTrue(row.last_error, failure)
        self.poll_now()
        self.assertEqual(len(self.env["integration.event"].search([("channel_id", "=", self.netsuite.id)])), 6)
        # cancelled in NetSuite: the order is cancelled, the purchase order's receipt too
        account.touch("salesOrder", 600, self.stamp(-1), status={"id": "C", "refName": "Cancelled"})
        account.touch("purchaseOrder", 700, self.stamp(-1), status={"id": "H", "refName": "Closed"})
        self.poll_now()
        self.assertEqual((self.ns_order("600").state, receipt.state), ("cancelled", "cancelled"))

    def test_sales_order_mapping(self):
        account = self.fake_netsuite()
        order = account.add_sales_order(
            800, self.stamp(), [(1, 20, "MUG-001", 2), (3, 21, "Tees : TSHIRT-S", 1), (5, 22, "MUG-001", 1, "1")]
        )
        order["item"]["items"][1]["isClosed"] = True
        hub_type, document = N.order_document(order, "6")
        self.assertEqual(hub_type, "order.updated")
        self.assertEqual(
            [(line["id"], line["sku"], line["quantity"], line.get("cancelled")) for line in document["lines"]],
            [("1", "MUG-001", 2, None), ("3", "TSHIRT-S", 1, True)],
            "the matrix child's name, a closed line cancelled, the other location's line left out",
        )
        self.assertEqual((document["shipping_address"]["country_code"], document["service_level"]), ("ES", "SEUR 24"))
        self.assertEqual(N.order_document({**order, "status": {"id": "A"}})[0], "noop", "pending approval")
        self.assertEqual(N.order_document({**order, "status": {"id": "C"}})[0], "order.cancelled")
        # what the channel lacks is named: no location, no adjustment account; go live is refused meanwhile
        self.assertEqual(self.netsuite._configuration_problems(), [])
        self.netsuite.write({"netsuite_location_id": False, "netsuite_adjustment_account_id": False})
        problems = "\n".join(self.netsuite._configuration_problems())
        self.assertIn("Fulfillment with tracking: no NetSuite location for this warehouse", problems)
        self.assertIn("no adjustment account for inventory adjustments", problems)
        self.assertFalse(self.netsuite._takes("inventory_position"))

    # --- fulfillment ----------------------------------------------------------------------------

    @freeze_time("2026-11-30 12:00:00")
    def test_a_sales_order_edited_between_two_pages_is_never_lost(self):
        account = self.fake_netsuite()
        for n in range(5):
            account.add_sales_order(600 + n, self.stamp(-100 + n), [(1, 20, "MUG-001", 1)])
        adapter, cursor, read = self.netsuite._adapter(), None, []
        with patch.object(N, "PAGE_SIZE", 2):
            while True:
                page = adapter._poll(self.netsuite, "orders", cursor)
                read += [key.split(":")[1] for key, event_type, _record in page.messages if event_type == "salesOrder"]
                if read == ["600", "601"]:  # edited once read: with offsets 602 and 603 would slide past the reader
                    account.touch("salesOrder", 600, self.stamp(-10))
                cursor = page.cursor
                if not page.more:
                    break
        self.assertEqual(read, ["600", "601", "602", "603", "604", "600"], "every order read, the edited one again")
        self.assertEqual(json.loads(cursor)["salesOrder"], self.stamp(-10)[:19], "the cursor moves to the newest")

    @mute_logger(*QUIET)
    def test_order_ships_back_in_two_item_fulfillments_with_tracking_never_twice_after_a_timeout(self):
        account = self.fake_netsuite()
        self.netsuite.partial_policy = "backorder"
        account.add_sales_order(900, self.stamp(-10), [(1, 20, "MUG-001", 60), (4, 21, "TSHIRT-S", 2)])
        self.poll_now()
        order = self.ns_order("900")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        # NetSuite creates the first fulfillment, but the answer times out: the retry finds it by its externalId
        account.fail_next(None, None, "timeout_after")
        self.ship(order, "PQ900A")
        job = self.jobs("fulfillment")
        self.assertEqual((job.state, len(account.created["itemFulfillment"])), ("pending", 1), job.last_error)
        self.retry_now(job)
        self.assertEqual(job.state, "done", job.last_error)
        self.assertEqual(len(account.created["itemFulfillment"]), 1, "never a second fulfillment")
        self.assertIn("earlier attempt", job.response_summary)
        (first,) = account.created["itemFulfillment"].values()
        self.assertEqual(
            first["item"]["items"],
            [
                {"orderLine": 1, "quantity": 50.0, "itemReceive": True, "location": {"id": "6"}},
                {"orderLine": 4, "quantity": 2.0, "itemReceive": True, "location": {"id": "6"}},
            ],
        )
        self.assertEqual(first["package"]["items"][0]["packageTrackingNumber"], "PQ900A")
        self.assertEqual(first["shipStatus"], {"id": "C"})
        self.assertEqual(account.records["salesOrder"]["900"]["status"]["id"], "D", "10 mugs are still to ship")
        # the rest follows: its own fulfillment, the other line not received
        self.stock(self.mug, 10)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        self.ship(order, "PQ900B", pickings=backorder)
        second = account.created["itemFulfillment"][max(account.created["itemFulfillment"])]
        self.assertEqual(
            second["item"]["items"],
            [
                {"orderLine": 1, "quantity": 10.0, "itemReceive": True, "location": {"id": "6"}},
                {"orderLine": 4, "itemReceive": False},
            ],
        )
        self.assertEqual(account.records["salesOrder"]["900"]["status"]["id"], "F")
        fulfillments = self.env["integration.external.id"].search(
            [("channel_id", "=", self.netsuite.id), ("kind", "=", "fulfillment")]
        )
        self.assertEqual(len(fulfillments), 2)

    @mute_logger(*QUIET)
    def test_a_fulfillment_netsuite_refuses_is_dead_with_its_words(self):
        account = self.fake_netsuite()
        account.add_sales_order(910, self.stamp(-10), [(1, 20, "MUG-001", 1)])
        self.poll_now()
        order = self.ns_order("910")
        account.records["salesOrder"]["910"]["status"] = {"id": "H", "refName": "Closed"}  # closed meanwhile
        account.fail_next(429)  # first: the account's concurrency limit, retried later
        self.ship(order, "PQ910")
        job = self.jobs("fulfillment")
        self.assertEqual(job.state, "pending")
        self.assertIn("429", job.last_error)
        self.retry_now(job)
        self.assertEqual(job.state, "dead")
        self.assertIn("USER_ERROR: The sales order is not pending fulfillment.", job.last_error)

    def test_one_request_at_a_time_per_channel_across_workers(self):
        account = self.fake_netsuite()
        adapter = self.env["integration.adapter.netsuite"]
        other = db_connect(self.env.cr.dbname).cursor()  # another worker, its own transaction
        try:
            other.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (A.LOCK_CLASS, self.netsuite.id * 100))
            self.assertTrue(other.fetchone()[0])
            with patch.object(A, "SLOT_WAIT", 0.3), self.assertRaises(A.RetryableError):
                adapter._test_connection(self.netsuite)
            self.assertEqual(account.calls, [], "nothing sent while the other worker holds the channel's slot")
            self.netsuite.netsuite_concurrency = 2  # a SuiteCloud Plus licence: two at a time
            self.assertIn("3PL Valencia", adapter._test_connection(self.netsuite))
        finally:
            other.rollback()
            other.close()
        self.netsuite.netsuite_concurrency = 1
        self.assertIn("3PL Valencia", adapter._test_connection(self.netsuite), "free again once it committed")

    # --- purchase orders and receipts -----------------------------------------------------------
    @mute_logger(*QUIET)
    def test_purchase_order_flows_in_and_its_receipt_is_confirmed_as_an_item_receipt(self):
        account = self.fake_netsuite()
        account.add_purchase_order(710, self.stamp(-10), [(1, 20, "MUG-001", 10), (2, 21, "TSHIRT-S", 5)])
        account.add_purchase_order(711, self.stamp(-9), [(1, 20, "MUG-001", 3)], location="1")  # not this warehouse
        self.poll_now()
        receipt = self.env["integration.receipt"].search([("channel_id", "=", self.netsuite.id)])
        self.assertEqual(receipt.external_id, "PO710")
        self.assertEqual(sorted(receipt.line_ids.mapped("external_line_id")), ["1", "2"])
        self.receive(receipt, quantities={self.mug: 9, self.tshirt_s: 5}, damaged={self.tshirt_s: 1})
        job = self.jobs("receipt_status")
        account.fail_next(503)
        self.run_jobs()
        self.assertEqual(job.state, "pending")
        self.retry_now(job)
        self.assertEqual(job.state, "done", job.last_error)
        (item_receipt,) = account.created["itemReceipt"].values()
        self.assertEqual(
            [(row["orderLine"], row.get("quantity")) for row in item_receipt["item"]["items"]], [(1, 9.0), (2, 4.0)]
        )
        self.assertIn("TSHIRT-S: 1 damaged", item_receipt["memo"])
        self.assertEqual(item_receipt["externalId"], "hub-ir-PO710")
        self.assertEqual(receipt.state, "confirmed")
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # sent again by a manager
        self.run_jobs()
        self.assertEqual(len(account.created["itemReceipt"]), 1, "found by its externalId: never received twice")

    # --- catalog --------------------------------------------------------------------------------
    def test_items_become_catalog_products_when_netsuite_owns_the_catalog(self):
        account = self.fake_netsuite()
        self.netsuite.write(
            {
                "catalog_owner": "channel",
                "netsuite_carton_field": "custitem_units_per_carton",
                "netsuite_pallet_field": "custitem_units_per_pallet",
            }
        )
        account.add_item(
            31,
            "VASE-1",
            modified=self.stamp(-5),
            displayName="Vase",
            upcCode="8400000000086",
            weight=900,
            weightUnit={"id": "3", "refName": "g"},
            custitem_units_per_carton=12,
            custitem_units_per_pallet=240,
        )
        self.poll_now()
        item = self.env["integration.catalog.item"].search([("channel_id", "=", self.netsuite.id)])
        self.assertEqual((item.external_id, item.name), ("31", "Vase"))
        product = item.variant_ids.product_id if "variant_ids" in item._fields else item.product_id
        self.assertEqual(product.default_code, "VASE-1")
        self.assertAlmostEqual(product.weight, 0.9)
        self.assertEqual(
            N.product_document({"id": "32", "itemId": "X", "isInactive": True})[0], "noop", "inactive items"
        )

    # --- inventory positions --------------------------------------------------------------------
    def count(self, product, counted, reason="damage", note=""):
        """A manager's physical count through the Reconcile wizard (Inventory → ERP)."""
        wizard = Form(self.env["integration.inventory.reconcile"].with_user(self.user_manager))
        wizard.product_id = product
        wizard.location_id = self.warehouse.lot_stock_id
        wizard.counted_qty = counted
        wizard.reason = reason
        wizard.note = note
        wizard.save().action_apply()
        return self.jobs("inventory_position").sorted("id")[-1:]

    @mute_logger(*QUIET)
    def test_a_count_correction_reaches_netsuite_as_an_inventory_adjustment_by_delta(self):
        account = self.fake_netsuite()
        account.add_item(20, "MUG-001")
        account.add_item(21, "TSHIRT-S")
        account.on_hand[("20", "6")] = 53  # NetSuite's own figure differs (a fulfillment not posted yet): kept
        with freeze_time("2026-02-01 09:30:00"):
            job = self.count(self.mug, 46, note="four broken in bin A-12")
        account.fail_next(None, None, "timeout_after")  # created in NetSuite, the answer lost
        self.run_jobs()
        self.assertEqual((job.state, len(account.created["inventoryAdjustment"])), ("pending", 1), job.last_error)
        self.retry_now(job)
        self.assertEqual(job.state, "done", job.last_error)
        (adjustment,) = account.created["inventoryAdjustment"].values()
        self.assertEqual(
            adjustment["inventory"]["items"][0]["adjustQtyBy"], -4.0, "the count's difference, never the quantity"
        )
        self.assertEqual(account.on_hand[("20", "6")], 49)
        self.assertEqual(
            (adjustment["account"], adjustment["adjLocation"], adjustment["subsidiary"], adjustment["tranDate"]),
            ({"id": "140"}, {"id": "6"}, {"id": "1"}, "2026-02-01"),
        )
        self.assertIn("Damage: four broken in bin A-12", adjustment["memo"])
        # a count that confirms the figure adjusts nothing; an item NetSuite does not know is dead with its words
        job = self.count(self.tshirt_s, 20, reason="miscount")
        self.run_jobs()
        self.assertEqual((job.state, len(account.created["inventoryAdjustment"])), ("done", 1))
        del account.records["inventoryItem"]["21"]
        job = self.count(self.tshirt_s, 19, reason="miscount")
        self.run_jobs()
        self.assertEqual(job.state, "dead")
        self.assertIn("NetSuite has 0 items named TSHIRT-S", job.last_error)
        account.add_item(22, "TSHIRT-M")
        listing = self.list_products(self.netsuite, self.tshirt_m)
        listing.sudo().external_id = "999"  # a stale listing: NetSuite names the bad reference
        job = self.count(self.tshirt_m, 18, reason="miscount")
        self.run_jobs()
        self.assertEqual(job.state, "dead")
        self.assertIn("INVALID_KEY_OR_REF: Invalid item reference key 999.", job.last_error)
