"""SAP Business One on the hub's seam, against a fake Service Layer built from ../shared/platforms/sap_b1.md."""

import json
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_hub.lib.errors import PermanentError
from odoo.addons.integration_hub.tests.inbound_common import InboundMixin

from ..lib import sap_b1 as B
from .common import SapB1Mixin

QUIET = (
    "odoo.addons.integration_hub.models.integration_job",
    "odoo.addons.integration_hub.models.integration_channel_polling",
)


@tagged("post_install", "-at_install")
class TestSapB1(SapB1Mixin, TransactionCase):
    receive = InboundMixin.receive  # what operations do in Inventory with a receipt

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_sap_b1()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)
        service = cls.env["product.product"].create({"name": "Shipping", "type": "service"})
        cls.correos = cls.env["delivery.carrier"].create(
            {"name": "Correos", "product_id": service.id, "delivery_type": "fixed"}
        )

    def setUp(self):
        super().setUp()
        self.b1 = self.fake_sap()

    def events(self, entry):
        return self.env["integration.event"].search(
            [("channel_id", "=", self.sap.id), ("idempotency_key", "=like", f"order:{entry}:%")]
        )

    def ship(self, order, tracking, moves=None):
        """Pick (all, or only ``moves``), validate (a backorder keeps the rest) and hand to the carrier."""
        picking = order._first_step_pickings()
        picking.carrier_id = self.correos
        for move in picking.move_ids:
            move.picked = moves is None or move in moves
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            Form(self.env["stock.backorder.confirmation"].with_context(result["context"])).save().process()
        order._record_carrier_pickup(f"PICKUP-{tracking}", tracking, fields.Datetime.now(), "carrier scan")
        self.run_jobs()

    # --- the session --------------------------------------------------------------------------
    @mute_logger(*QUIET)
    def test_one_session_is_reused_renewed_when_it_expires_and_never_logged(self):
        with freeze_time("2026-11-20 09:00:00"):
            for entry in range(1, 6):
                self.b1.add_order(entry, [(0, "MUG-001", 1)])
            with (
                patch.object(B, "PAGE_SIZE", 2),
                self.assertLogs("odoo.addons.integration_hub.lib.http_client", "DEBUG") as logs,
            ):
                self.poll()  # three pages (odata.nextLink) in one run
            self.assertEqual(self.b1.logins, 1, "one login for every call of the run")
            pages = [path for method, path in self.b1.calls if path == "Orders"]
            self.assertEqual(len(pages), 3)
            self.assertEqual(len(self.env["integration.channel.order"].search([("channel_id", "=", self.sap.id)])), 5)
            session = next(iter(self.b1.sessions))
            self.assertNotIn(session, "\n".join(logs.output), "the session cookie is a credential: never logged")
            stored = (
                self.env["integration.secret"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", "integration.channel"),
                        ("res_id", "=", self.sap.id),
                        ("name", "=", "access_token"),
                    ]
                )
            )
            self.assertEqual(stored.expires_at, fields.Datetime.to_datetime("2026-11-20 09:30:00"), "SessionTimeout")
            self.assertNotIn(session, stored.ciphertext, "kept encrypted")
            self.assertEqual(json.loads(self.sap._channel_access_token())["ROUTEID"], ".node1", "both cookies kept")
            self.sap.with_user(self.user_admin).action_test_connection()
            self.assertEqual(self.b1.logins, 1, "the next calls reuse it")
            self.b1.expire_sessions()  # the Service Layer restarted: 401, one new login, the call again
            self.poll()
            self.assertEqual((self.b1.logins, self.sap._poll_cursor("orders").last_error), (2, False))
        with freeze_time("2026-11-20 09:29:30"):  # the hub renews it before its timeout, freeing the old licence
            self.poll()
            self.assertEqual((self.b1.logins, self.b1.logouts, len(self.b1.sessions)), (3, 1, 1))
            self.sap.sap_b1_password = "wrong"
            self.b1.expire_sessions()
            self.poll()
        self.assertTrue(self.sap.outbound_paused, "a refused login parks the channel")
        self.assertIn("100000027", self.exceptions("channel_access").description)

    # --- orders -----------------------------------------------------------------------------
    @mute_logger(*QUIET)
    def test_order_read_again_by_the_overlap_is_one_order_then_ships_with_tracking(self):
        self.sap.sap_b1_order_filter = "U_Released eq 'Y'"  # the client's rule for "released to the warehouse"
        with freeze_time("2026-11-20 09:00:00"):
            self.b1.add_order(812, [(0, "TSHIRT-M", 2), (1, "SRV-INSTALL", 1, "01")], U_Released="Y")
            self.b1.add_order(813, [(0, "MUG-001", 1)], U_Released="Y")
            self.b1.add_order(814, [(0, "MUG-001", 1)], U_Released="N")
            self.b1.add_order(700, [(0, "MUG-001", 1)], U_Released="Y", UpdateDate="2026-11-16")  # before the window
            self.poll()
            self.assertFalse(self.sap_order(814) | self.sap_order(700), "not released / older than the first window")
            order = self.sap_order(812)
            self.assertEqual((order.name, order.state), ("10812", "accepted"), order.validation_problems)
            self.assertEqual(
                (order.ship_street, order.ship_city, order.phone_e164), ("C/ Colón 12", "Valencia", "+34612345678")
            )
            self.assertEqual(
                order.line_ids.filtered(lambda line: line.external_line_id == "1").line_kind,
                "elsewhere",
                "a line of another SAP warehouse is not this warehouse's",
            )
        with freeze_time("2026-11-20 16:00:00"):
            self.poll()  # the same day, read again whole
        with freeze_time("2026-11-21 08:00:00"):
            self.poll()  # the next day: the 20th again (the overlap)
            filters = [call for call in self.b1.calls if call == ("GET", "Orders")]
            self.assertEqual(len(filters), 3)
            self.assertEqual((len(self.events(812)), len(self.sap_order(812))), (1, 1), "never a second order")
            # an edit on the same day: UpdateDate does not move, the content does
            line = self.b1.tables["Orders"][812]["DocumentLines"][0]
            line.update(Quantity=3.0, RemainingOpenQuantity=3.0)
            self.b1.touch(self.b1.tables["Orders"][812])
            self.b1.tables["Orders"][813]["Cancelled"] = "tYES"
            self.poll()
            self.assertEqual(len(self.events(812)), 2)
            self.assertEqual(order.line_ids.filtered(lambda line: line.sku == "TSHIRT-M").quantity, 3)
            self.assertEqual(self.sap_order(813).state, "cancelled")
            self.ship(order, "PQ123456789ES")
        self.assertEqual(order.state, "dispatched")
        [note] = self.b1.tables["DeliveryNotes"].values()
        self.assertEqual(
            note["DocumentLines"],
            [{"BaseType": 17, "BaseEntry": 812, "BaseLine": 0, "Quantity": 3.0, "WarehouseCode": "3PL"}],
        )
        self.assertEqual(
            (note["CardCode"], note["TrackingNumber"], note["NumAtCard"]), ("C0042", "PQ123456789ES", "WEB-727")
        )
        self.assertTrue(note["Reference2"].startswith("HUB") and len(note["Reference2"]) == 11)
        self.assertEqual(self.b1.tables["Orders"][812]["DocumentLines"][0]["LineStatus"], "bost_Close")
        job = self.jobs("fulfillment")
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # sent again by a manager
        self.run_jobs()
        self.assertEqual((job.state, len(self.b1.tables["DeliveryNotes"])), ("done", 1), "never two notes")
        order._hub_write({"tracking_number": "PQ999999999ES"})  # the carrier changed the number
        self.run_jobs()
        self.assertEqual(note["TrackingNumber"], "PQ999999999ES")

    @mute_logger(*QUIET)
    def test_partial_shipments_are_their_own_notes_and_a_timeout_never_posts_twice(self):
        with freeze_time("2026-11-20 09:00:00"):
            self.b1.add_order(900, [(0, "MUG-001", 1), (1, "TSHIRT-M", 1)])
            self.poll()
            order = self.sap_order(900)
            self.assertEqual(order.state, "accepted", order.validation_problems)
            mug = order._first_step_pickings().move_ids.filtered(lambda move: move.product_id == self.mug)
            self.ship(order, "PQ1", moves=mug)
            [first] = self.b1.tables["DeliveryNotes"].values()
            self.assertEqual([(line["BaseLine"], line["Quantity"]) for line in first["DocumentLines"]], [(0, 1.0)])
            self.assertEqual(self.b1.tables["Orders"][900]["DocumentStatus"], "bost_Open", "line 1 still open")
            backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
            backorder.carrier_id = self.correos
            backorder.move_ids.picked = True
            backorder.button_validate()
            self.b1.fail_call("POST", "DeliveryNotes", "timeout_after")  # SAP posts it, the answer is lost
            order._record_later_shipment(backorder, "PICKUP-2", "PQ2", fields.Datetime.now())
            self.run_jobs()
            job = self.jobs("fulfillment").filtered(lambda j: j.state != "done")
            self.assertEqual(job.state, "pending", job.last_error)
            job.sudo().next_attempt_at = fields.Datetime.now()
            self.run_jobs()
        self.assertEqual(job.state, "done", job.last_error)
        self.assertEqual(len(self.b1.tables["DeliveryNotes"]), 2, "found by its reference, not posted again")
        self.assertEqual(self.b1.tables["Orders"][900]["DocumentStatus"], "bost_Close")
        with freeze_time("2026-11-20 10:00:00"):
            self.poll()  # the closed order (delivered in full) is nothing new for the hub
        self.assertEqual(order.state, "dispatched")
        self.assertFalse(self.exceptions("edit_after_release"))

    @mute_logger(*QUIET)
    def test_server_errors_keep_the_cursor_and_business_errors_name_sap_s_words(self):
        with freeze_time("2026-11-20 09:00:00"):
            self.b1.add_order(950, [(0, "MUG-001", 2)])
            self.b1.fail_next(503)
            self.poll()
            row = self.sap._poll_cursor("orders")
            self.assertIn("HTTP 503", row.last_error)
            self.assertFalse(row.cursor or self.sap_order(950), "nothing read, the cursor stays")
            self.poll()
            order = self.sap_order(950)
            self.assertEqual(order.state, "accepted")
            self.b1.tables["Orders"][950]["DocumentLines"][0]["RemainingOpenQuantity"] = 1.0  # delivered by hand in SAP
            self.ship(order, "PQ5")
        job = self.jobs("fulfillment")
        self.assertEqual(job.state, "dead")
        self.assertIn("has 1 open in SAP, 2 shipped", job.last_error)
        self.assertFalse(self.b1.tables["DeliveryNotes"])
        client = self.env["integration.adapter.sap_b1"]._client(self.sap)
        with self.assertRaisesRegex(PermanentError, r"HTTP 404 error -2028: No matching records found"):
            client.call("GET", "Orders(4242)", "sales order")

    # --- catalog, purchase orders and their receipt -------------------------------------------
    @mute_logger(*QUIET)
    def test_items_and_a_purchase_order_flow_in_and_the_receipt_is_confirmed_on_the_order_lines(self):
        self.sap.write({"catalog_owner": "channel", "sap_b1_pallet_field": "U_UnitsPerPallet"})
        with freeze_time("2026-11-20 09:00:00"):
            self.b1.add_item(
                "BOWL-1", "Bowl", BarCode="8400000000055", PurchaseQtyPerPackUnit=24.0, U_UnitsPerPallet=480.0,
                SalesUnitWeight=0.4,
            )  # fmt: skip
            self.b1.add_item("SRV-1", "Installation", InventoryItem="tNO")
            self.b1.add_purchase_order(70, [(0, "BOWL-1", 120)])  # names the new item: read in the same run
            self.poll()
            self.assertEqual([path for _method, path in self.b1.calls if path[0].isupper()][-3:], [
                "Items", "PurchaseOrders", "Orders"], "items first: what the orders name exists first")  # fmt: skip
            bowl = self.env["integration.catalog.item"].search([("channel_id", "=", self.sap.id)])
            self.assertEqual((bowl.external_id, bowl.state), ("BOWL-1", "ready"), bowl.missing)
            receipt = self.env["integration.receipt"].search([("channel_id", "=", self.sap.id)])
            self.assertEqual(
                (receipt.external_id, receipt.state), ("20070", "expected"), receipt.line_ids.mapped("resolution_note")
            )
            product = receipt.line_ids.product_id
            self.receive(receipt, {product: 116}, damaged={product: 2}, extra={self.mug: 3})
            self.b1.fail_call("POST", "PurchaseDeliveryNotes", "timeout_after")
            self.run_jobs()
            job = self.jobs("receipt_status")
            job.sudo().next_attempt_at = fields.Datetime.now()
            self.run_jobs()
        self.assertEqual((job.state, receipt.state), ("done", "confirmed"), job.last_error)
        [grpo] = self.b1.tables["PurchaseDeliveryNotes"].values()
        self.assertEqual(
            grpo["DocumentLines"],
            [{"BaseType": 22, "BaseEntry": 70, "BaseLine": 0, "Quantity": 114.0, "WarehouseCode": "3PL"}],
            "the good units (116 counted, 2 of them damaged into quarantine)",
        )
        self.assertEqual(self.b1.tables["PurchaseOrders"][70]["DocumentLines"][0]["RemainingOpenQuantity"], 6.0)
        self.assertEqual(self.b1.stock("BOWL-1"), 114.0)
        refused = self.exceptions("item_refused")
        self.assertEqual(len(refused), 1, "one exception naming every item SAP was not given")
        self.assertIn("MUG-001", refused.description)
        self.assertIn("2 damaged units", refused.description)

    # --- inventory positions ------------------------------------------------------------------
    def count(self, counted):
        """A manager's count of the mug (the Reconcile wizard); the position job it queues is sent."""
        wizard = Form(self.env["integration.inventory.reconcile"].with_user(self.user_manager))
        wizard.product_id = self.mug
        wizard.location_id = self.warehouse.lot_stock_id
        wizard.counted_qty = counted
        wizard.reason = "damage"
        wizard.save().action_apply()
        self.run_jobs()
        return self.jobs("inventory_position").sorted("id")[-1:]

    @mute_logger(*QUIET)
    def test_a_count_reaches_sap_as_a_goods_issue_receipt_or_posting_once(self):
        self.sap.send_inventory_positions = True
        self.b1.add_item("MUG-001", "Mug", stock=10)
        job = self.count(8)
        self.assertEqual(job.state, "done", job.last_error)
        [issue] = self.b1.tables["InventoryGenExits"].values()
        self.assertEqual(issue["DocumentLines"], [{"ItemCode": "MUG-001", "Quantity": 2.0, "WarehouseCode": "3PL"}])
        self.assertEqual(issue["Reference2"], B.reference_of(job._payload()["reference"]))
        self.b1.fail_call("POST", "InventoryGenEntries", "timeout_after")  # SAP books it, the answer is lost
        job = self.count(13)
        self.assertEqual(job.state, "pending", "a timeout is retried")
        job.sudo().next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertIn("already posted", job.response_summary or "")
        self.assertEqual((len(self.b1.tables["InventoryGenEntries"]), self.b1.stock("MUG-001")), (1, 13.0))
        self.assertIn("nothing to post", self.count(13).response_summary, "a zero difference posts nothing")
        self.sap.sap_b1_inventory_document = "posting"
        self.b1.add_item("MUG-001", "Mug", stock=15)  # SAP's own figure moved meanwhile (another document)
        self.count(10)
        [posting] = self.b1.tables["InventoryPostings"].values()
        self.assertEqual(posting["InventoryPostingLines"][0]["CountedQuantity"], 12.0, "SAP's 15 read, then -3")
        self.sap.sap_b1_inventory_document = "adjustment"
        self.b1.add_item("MUG-001", "Mug", stock=0)
        job = self.count(4)
        self.assertEqual(job.state, "dead")
        self.assertIn("negative inventory", job.last_error)
