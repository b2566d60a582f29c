"""A client's own Odoo on the hub's seam, against a fake Odoo built from its external API documentation."""

import json

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError, RetryableError
from odoo.addons.integration_hub.tests.common import clear_for_golive

from ..lib import odoo_erp as O
from .common import OdooErpMixin
from .odoo_erp_fake import API_KEY, BOT_UID

QUIET = (
    "odoo.addons.integration_hub.models.integration_job",
    "odoo.addons.integration_hub.models.integration_channel_polling",
)
NOW = "2026-11-20 10:00:00"


@tagged("post_install", "-at_install")
class TestOdooErp(OdooErpMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_odoo_erp()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)

    # --- orders in, shipped back ------------------------------------------------------------------
    @freeze_time(NOW)
    def test_order_flows_in_over_json2_and_ships_back_with_tracking(self):
        odoo = self.fake_odoo(version=19)
        odoo.product("SRV-GIFT", kind="service")
        sale = odoo.sale_order("S00812", [("MUG-001", 2), (None, "Deliver in the morning"), ("SRV-GIFT", 1)])
        self.assertEqual(self.poll(), 1)
        self.assertEqual(self.clo.odoo_erp_detected_protocol, "json2", "Odoo 19 answers /web/version: JSON-2")
        order = self.clo_order(sale["id"])
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(order.name, "S00812 (WEB-727)")
        self.assertEqual(order.sale_order_id.partner_shipping_id.street, "C/ Colón 12")
        self.assertEqual(order.sale_order_id.partner_shipping_id.country_id.code, "ES")
        goods = order.line_ids.filtered(lambda line: line.product_id == self.mug)
        self.assertEqual(float(goods.quantity_sent), 2)
        self.assertEqual(len(order.line_ids), 2, "the note is not a line; the service is kept, needing no shipping")
        # read again within the overlap: the same (id, write_date) is one message
        self.assertEqual(self.poll(), 0)

        self.ship(order, "PQ123456789ES")
        picking = odoo.find("stock.picking", sale_id=sale["id"])
        self.assertEqual((picking["state"], picking["carrier_tracking_ref"]), ("done", "PQ123456789ES"))
        self.assertEqual([m["quantity"] for m in odoo.records("stock.move", picking_id=picking["id"])], [2.0])
        self.assertFalse(odoo.records("stock.picking", backorder_id=picking["id"]))
        self.assertEqual(self.jobs("fulfillment").state, "done")
        self.assertIn(("stock.picking", "button_validate"), odoo.calls)
        self.assertNotIn(("common", "authenticate"), odoo.calls, "JSON-2 needs no uid")

        job = self.jobs("fulfillment")
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # a manager sends it again
        validations = odoo.calls.count(("stock.picking", "button_validate"))
        self.run_jobs()
        self.assertEqual(odoo.calls.count(("stock.picking", "button_validate")), validations, "never validated twice")
        # a later tracking number is written on the client's delivery
        order._hub_write({"tracking_number": "PQ999"})
        self.run_jobs()
        self.assertEqual(picking["carrier_tracking_ref"], "PQ999")

    @freeze_time(NOW)
    def test_partial_shipment_over_jsonrpc_leaves_a_backorder_the_next_parcel_validates(self):
        odoo = self.fake_odoo(version=18)
        odoo.missing_fields |= {("sale.order", "carrier_id"), ("res.partner", "mobile")}  # no Delivery module there
        sale = odoo.sale_order("S00900", [("MUG-001", 1), ("TSHIRT-M", 1)], carrier_id=False)
        self.poll()
        self.assertEqual(self.clo.odoo_erp_detected_protocol, "jsonrpc", "Odoo 18 has no /web/version")
        self.assertIn(("common", "authenticate"), odoo.calls)
        order = self.clo_order(sale["id"])
        self.assertEqual(order.state, "accepted", order.validation_problems)

        self.ship(order, "PQ1", quantities={self.mug: 1})
        first = odoo.find("stock.picking", sale_id=sale["id"], backorder_id=False)
        self.assertEqual((first["state"], first["carrier_tracking_ref"]), ("done", "PQ1"))
        backorder = odoo.find("stock.picking", backorder_id=first["id"])
        self.assertEqual(backorder["state"], "assigned", "the client's setting: the rest stays as a backorder")
        mug_line, shirt_line = (odoo.db["sale.order.line"][i] for i in sale["order_line"])
        self.assertEqual((mug_line["qty_delivered"], shirt_line["qty_delivered"]), (1.0, 0.0))

        hub_backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        hub_backorder.carrier_id = self.seur
        self.validate(hub_backorder)
        order._record_later_shipment(hub_backorder, "PICKUP-2", "PQ2", fields.Datetime.now())
        self.run_jobs()
        self.assertEqual((backorder["state"], backorder["carrier_tracking_ref"]), ("done", "PQ2"))
        self.assertEqual(shirt_line["qty_delivered"], 1.0)
        self.assertEqual(set(self.jobs("fulfillment").mapped("state")), {"done"})

    @freeze_time(NOW)
    def test_a_kit_ships_its_components_in_the_clients_odoo(self):
        odoo = self.fake_odoo()
        odoo.product("KIT-GIFT")
        odoo.kits["KIT-GIFT"] = [("MUG-001", 1), ("TSHIRT-S", 1)]
        sale = odoo.sale_order("S00960", [("KIT-GIFT", 2)], carrier_id=False)
        self.poll()
        order = self.clo_order(sale["id"])
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.ship(order, "PQ8")
        picking = odoo.find("stock.picking", sale_id=sale["id"])
        self.assertEqual(picking["state"], "done")
        self.assertEqual([m["quantity"] for m in odoo.records("stock.move", picking_id=picking["id"])], [2.0, 2.0])
        self.assertFalse(odoo.records("stock.picking", backorder_id=picking["id"]))

    @freeze_time(NOW)
    def test_without_backorders_the_rest_is_cancelled_in_the_clients_odoo(self):
        self.clo.odoo_erp_backorders = "cancel"
        odoo = self.fake_odoo()
        sale = odoo.sale_order("S00901", [("MUG-001", 1), ("TSHIRT-M", 1)], carrier_id=False)
        self.poll()
        self.ship(self.clo_order(sale["id"]), "PQ7", quantities={self.mug: 1})
        first = odoo.find("stock.picking", sale_id=sale["id"])
        self.assertEqual(first["state"], "done")
        self.assertFalse(odoo.records("stock.picking", backorder_id=first["id"]))

    # --- purchase orders in, receipts confirmed back -------------------------------------------------
    @freeze_time(NOW)
    def test_purchase_order_flows_in_and_its_receipt_is_validated_back(self):
        odoo = self.fake_odoo()
        purchase = odoo.purchase_order("P00042", [("MUG-001", 10), ("TSHIRT-M", 5)])
        odoo.purchase_order("P00043", [("MUG-001", 3)], state="draft")  # not confirmed: not the warehouse's yet
        self.assertEqual(self.poll("receipts"), 1)
        receipt = self.env["integration.receipt"].search([("channel_id", "=", self.clo.id)])
        self.assertEqual(
            (receipt.external_id, receipt.state, receipt.supplier_name), ("P00042", "expected", "Cerámicas Levante")
        )
        self.assertEqual(sorted(receipt.line_ids.mapped("quantity_expected")), [5.0, 10.0])

        self.receive(receipt, {self.mug: 9}, damaged={self.mug: 1})
        odoo.lost_answers.add(("stock.picking", "button_validate"))  # validated there, the answer lost
        with mute_logger(*QUIET):
            self.run_jobs()
        self.assertEqual(receipt.state, "received", "the confirmation waits for its retry")
        self.jobs("receipt_status").sudo().next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(odoo.calls.count(("stock.picking", "button_validate")), 1, "the backorder stays open")
        picking = odoo.find("stock.picking", purchase_id=purchase["id"])
        self.assertEqual(picking["state"], "done")
        moves = {m["purchase_line_id"]: m["quantity"] for m in odoo.records("stock.move", picking_id=picking["id"])}
        self.assertEqual(sorted(moves.values()), [5.0, 9.0], "good and damaged units arrived: 9 of 10 mugs")
        self.assertIn("MUG-001: 1.0 damaged, into quarantine", picking["messages"][0])
        self.assertEqual(odoo.records("stock.picking", backorder_id=picking["id"])[0]["state"], "assigned")
        self.assertEqual(receipt.state, "confirmed")

        # the validation changed the purchase order's write_date: read again, it is the same receipt
        odoo.touch("purchase.order", purchase["id"], "2026-11-20 09:30:00")
        self.poll("receipts")
        self.assertEqual(receipt.state, "confirmed")
        self.assertFalse(self.exceptions_of(receipt, "receipt_edit_after_arrival"))

    @freeze_time(NOW)
    def test_a_validation_whose_answer_was_lost_is_not_repeated(self):
        odoo = self.fake_odoo()
        sale = odoo.sale_order("S00950", [("MUG-001", 1), ("TSHIRT-M", 1)], carrier_id=False)
        self.poll()
        odoo.lost_answers.add(("stock.picking", "button_validate"))
        with mute_logger(*QUIET):
            self.ship(self.clo_order(sale["id"]), "PQ5", quantities={self.mug: 1})
        job = self.jobs("fulfillment")
        self.assertEqual(job.state, "pending", "a timeout is retried")
        job.sudo().next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(odoo.calls.count(("stock.picking", "button_validate")), 1, "the backorder is not validated")
        backorder = odoo.find("stock.picking", backorder_id=odoo.find("stock.picking", sale_id=sale["id"])["id"])
        self.assertEqual(backorder["state"], "assigned")

    # --- inventory positions ---------------------------------------------------------------------------
    @freeze_time(NOW)
    def test_a_count_correction_reaches_the_clients_odoo_as_an_inventory_adjustment(self):
        self.clo.send_inventory_positions = True
        counts = {19: ((self.mug, 7, "miscount"), (self.tshirt_s, 6, "system_error")), 18: ((self.mug, 3, "damage"),)}
        for version, rounds in counts.items():  # JSON-2, then JSON-RPC (where create takes its values positionally)
            self.clo.odoo_erp_detected_protocol = False
            odoo = self.fake_odoo(version)
            odoo.quant("MUG-001", 12)
            for product, counted, reason in rounds:
                wizard = Form(self.env["integration.inventory.reconcile"].with_user(self.user_manager))
                wizard.product_id = product
                wizard.location_id = self.warehouse.lot_stock_id
                wizard.counted_qty = counted
                wizard.reason = reason
                wizard.save().action_apply()
            self.run_jobs()
            self.assertEqual(set(self.jobs("inventory_position").mapped("state")), {"done"})
            for product, counted, _reason in rounds:
                remote = odoo.find("product.product", default_code=product.default_code)
                quant = odoo.find("stock.quant", product_id=remote["id"])
                self.assertEqual((quant["quantity"], quant["location_id"]), (counted, 8), "the client's warehouse #1")
        # the JSON-2 round: the T-shirt had no quant there yet (created in inventory mode, then applied)
        self.assertIn(("common", "authenticate"), odoo.calls)
        names = [move["name"] for move in odoo.records("stock.move", is_inventory=True)]
        self.assertRegex(names[0], r"^Damage \(warehouse count count-\d+\)$")
        self.assertEqual(len(names), 1)
        # read before write: a retry after a lost answer finds the quantity there and writes nothing
        job = self.jobs("inventory_position")[:1]
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})
        self.run_jobs()
        self.assertIn("already holds", job.response_summary)
        self.assertEqual(len(odoo.records("stock.move", is_inventory=True)), 1)

    # --- catalog in ----------------------------------------------------------------------------------
    @freeze_time(NOW)
    def test_catalog_is_read_only_where_the_clients_odoo_owns_it(self):
        odoo = self.fake_odoo()
        carton = odoo.put("product.packaging", name="Carton", qty=24)
        pallet = odoo.put("product.packaging", name="Pallet", qty=480)
        odoo.product("BOWL-1", "8400000000055", name="Bowl", weight=0.4, packaging_ids=[carton["id"], pallet["id"]])
        self.assertEqual(self.poll("catalog"), 0, "the warehouse owns the catalog: nothing is read")
        self.clo.catalog_owner = "channel"
        self.poll("catalog")
        bowl = self.env["product.product"].search([("default_code", "=", "BOWL-1")])
        self.assertEqual((bowl.name, bowl.barcode, bowl.weight), ("Bowl", "8400000000055", 0.4))
        remote = odoo.find("product.product", default_code="BOWL-1")
        item = self.env["integration.catalog.item"].search(
            [("channel_id", "=", self.clo.id), ("external_id", "=", str(remote["id"]))]
        )
        self.assertTrue(item, "the client's product id is the catalog id")

    # --- the fake's errors ---------------------------------------------------------------------------
    @freeze_time(NOW)
    def test_paging_by_keyset_loses_no_record_edited_between_two_pages(self):
        odoo = self.fake_odoo()
        orders = [
            odoo.sale_order(
                f"S1{number:04d}", [("MUG-001", 1)], write_date=f"2026-11-20 08:{number // 60:02d}:{number % 60:02d}"
            )
            for number in range(O.PAGE_SIZE + 5)
        ]
        adapter = self.clo._adapter()
        first = adapter._poll(self.clo, "orders", None)
        self.assertEqual((len(first.messages), first.more), (O.PAGE_SIZE, True))
        state = json.loads(first.cursor)
        last = orders[O.PAGE_SIZE - 1]
        self.assertEqual((state["start"], state["after"]), ("2026-11-17 10:00:00", [last["write_date"], last["id"]]))
        # the client edits an order already read: with offsets every later row would shift back one and the
        # first order of the next page (S10100) would never be read
        odoo.touch("sale.order", orders[3]["id"], "2026-11-20 09:00:00")
        second = adapter._poll(self.clo, "orders", first.cursor)
        self.assertEqual((len(second.messages), second.more, second.cursor), (6, False, "2026-11-20T09:00:00"))
        read = {key.split(":")[1] for key, _type, _data in first.messages + second.messages}
        self.assertEqual(read, {str(order["id"]) for order in orders}, "every order is read, the edited one twice")
        third = adapter._poll(self.clo, "orders", second.cursor)  # the overlap re-reads the newest: one message each
        self.assertEqual(
            {key for key, _type, _data in third.messages} - {key for key, _t, _d in first.messages + second.messages},
            set(),
        )

    @freeze_time(NOW)
    def test_wrong_keys_park_the_channel_and_faults_are_typed(self):
        odoo = self.fake_odoo(version=19)
        odoo.key = "another-key"
        with mute_logger(*QUIET):
            self.poll()
        self.assertTrue(self.clo.outbound_paused, "JSON-2 401 Invalid apikey: the channel is parked")
        self.assertTrue(
            self.env["integration.sync.exception"].search(
                [("channel_id", "=", self.clo.id), ("exception_type", "=", "channel_access")]
            )
        )

        self.clo.odoo_erp_detected_protocol = "jsonrpc"
        client = self.clo._adapter()._client(self.clo)
        with self.assertRaises(AuthError):  # authenticate answers False
            client.call("sale.order", "search_read", domain=[], fields=["name"])
        client.uid = BOT_UID
        with self.assertRaisesRegex(AuthError, "AccessDenied"):  # execute_kw with a wrong key: the fault
            client.call("sale.order", "search_read", domain=[], fields=["name"])

        odoo.key = API_KEY
        quant = odoo.quant("MUG-001", 4)
        for protocol in ("jsonrpc", "json2"):
            client = O.OdooErpClient(odoo.url, "client-prod", API_KEY, protocol, login="hub-bot@client.example")
            # outside inventory mode Odoo refuses the counted quantity: a UserError, permanent, in Odoo's words
            with self.assertRaisesRegex(PermanentError, "UserError: Quant's editing is restricted"):
                client.call("stock.quant", "write", ids=[quant["id"]], vals={"inventory_quantity": 3})
            odoo.denied.add("stock.quant")
            with self.assertRaisesRegex(PermanentError, "AccessError: .*lacks this right") as caught:
                client.search_read("stock.quant", [], ["quantity"])
            self.assertNotIsInstance(caught.exception, AuthError, "a missing right is not a refused key")
            odoo.denied.clear()
            odoo.fail_next(500, 502, "timeout", 429)
            for _kind in range(4):
                with self.assertRaises(RetryableError):
                    client.search_read("res.country", [], ["code"])
            self.assertFalse(odoo.failures)
        odoo.version = 18  # a channel forced to JSON-2 against an older Odoo: told what to change
        with self.assertRaisesRegex(PermanentError, "no /json/2 endpoint"):
            O.OdooErpClient(odoo.url, "client-prod", API_KEY, O.JSON2).search_read("res.country", [], ["code"])

    def test_an_api_key_about_to_expire_opens_an_exception(self):
        Exception = self.env["integration.sync.exception"]
        domain = [("channel_id", "=", self.clo.id), ("exception_type", "=", "monitoring")]
        self.clo.odoo_erp_api_key_expires_on = "2026-12-10"
        with freeze_time("2026-11-20 10:00:00"):  # 20 days ahead: nothing yet
            self.env["integration.channel"]._cron_odoo_erp_api_key_expiry()
        self.assertFalse(Exception.search(domain))
        with freeze_time("2026-11-30 10:00:00"):
            self.env["integration.channel"]._cron_odoo_erp_api_key_expiry()
            self.env["integration.channel"]._cron_odoo_erp_api_key_expiry()  # one exception, counted again
        warning = Exception.search(domain)
        self.assertEqual((len(warning), warning.severity), (1, "warning"))
        self.assertIn("expires on 2026-12-10", warning.name)
        with freeze_time("2026-12-10 10:00:00"):
            self.env["integration.channel"]._cron_odoo_erp_api_key_expiry()
        self.assertEqual(sorted(Exception.search(domain).mapped("severity")), ["critical", "warning"], "expired")

    def test_go_live_names_what_the_settings_lack(self):
        channel = self.env["integration.channel"].create(
            {
                "name": "Another client's Odoo",
                "code": "CLO2",
                "platform": "odoo_erp",
                "warehouse_id": self.warehouse.id,
                "odoo_erp_url": "https://other.example.odoo.com",
                "odoo_erp_protocol": "jsonrpc",
                "send_inventory_positions": True,
            }
        )
        with self.assertRaises(UserError) as refused:
            channel.with_user(self.user_admin).action_go_live()
        for missing in ("no API key", "JSON-RPC needs the database", "no warehouse or stock location"):
            self.assertIn(missing, str(refused.exception))
        channel.write({"odoo_erp_database": "other", "odoo_erp_login": "bot", "odoo_erp_warehouse_id": 1})
        channel.with_user(self.user_admin).odoo_erp_api_key = "k-123"
        clear_for_golive(channel, self.user_manager)
        channel.with_user(self.user_admin).action_go_live()
        self.assertEqual(channel.state, "live")

    def test_connection_test_detects_the_api(self):
        for version, words in (
            (19, "Odoo 19.0 over JSON-2, bot user #7"),
            (18, "Odoo 18.0 over JSON-RPC, bot user #7"),
        ):
            self.clo.odoo_erp_detected_protocol = False
            odoo = self.fake_odoo(version)
            self.assertIn(words, self.clo._adapter()._test_connection(self.clo))
            self.assertEqual(self.clo.odoo_erp_version, f"{odoo.version}.0")
