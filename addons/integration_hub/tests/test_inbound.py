"""Expected receipts (purchase orders / ASNs): into an incoming transfer, received under both codes,
confirmed back to their owner with the figures, and the stock published at once."""

import base64
import json

import responses
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .inbound_common import ERP_URL, InboundCase


@tagged("post_install", "-at_install")
class TestExpectedReceipts(InboundCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _e, cls.bowl_item = cls.upsert(cls.product())
        cls.bowl = cls.bowl_item.product_tmpl_id.product_variant_id

    def test_an_expected_receipt_becomes_one_incoming_transfer(self):
        lines = [
            {"id": "1", "sku": "BOWL-1", "quantity": 24, "lot": "L2611", "expiry": "2028-11-30"},
            {"id": "2", "barcode": "8400000000017", "quantity": 12},
        ]
        event, receipt = self.expect("PO-1", lines)
        self.assertEqual((event.state, receipt.state), ("done", "expected"))
        picking = receipt.picking_ids
        self.assertEqual(
            (picking.picking_type_id, picking.origin, picking.partner_id.name, picking.state),
            (self.warehouse.in_type_id, "PO-1", "Cerámicas Levante", "assigned"),
        )
        self.assertEqual(str(picking.scheduled_date), "2026-12-01 00:00:00")
        self.assertEqual(
            sorted((m.product_id.default_code, m.product_uom_qty) for m in picking.move_ids),
            [("BOWL-1", 24), ("MUG-001", 12)],
        )
        self.assertIn(
            "lot L2611, expiry 2028-11-30",
            picking.move_ids.filtered(lambda m: m.product_id == self.bowl).description_picking,
        )
        again, same = self.expect("PO-1", lines)
        self.assertEqual((again.state, same, len(same.picking_ids)), ("duplicate", receipt, 1))

    def test_edits_apply_before_arrival_and_become_an_exception_after(self):
        _e, receipt = self.expect("PO-2", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
        self.expect(
            "PO-2", [{"id": "1", "sku": "BOWL-1", "quantity": 48}, {"id": "2", "sku": "MUG-001", "quantity": 6}]
        )
        picking = receipt.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(
            sorted((m.product_id.default_code, m.product_uom_qty) for m in picking.move_ids if m.state != "cancel"),
            [("BOWL-1", 48), ("MUG-001", 6)],
        )
        receipt.with_user(self.user_operations).action_register_arrival()
        self.assertEqual((receipt.state, receipt.arrival_registered_by_id), ("arrived", self.user_operations))
        self.expect("PO-2", [{"id": "1", "sku": "BOWL-1", "quantity": 60}])
        self.assertEqual(picking.move_ids.filtered(lambda m: m.product_id == self.bowl).product_uom_qty, 48)
        exception = self.exceptions_of(receipt, "receipt_edit_after_arrival")
        self.assertIn("line 1: BOWL-1 x 48 → BOWL-1 x 60", exception.description)
        self.assertIn("line 2: MUG-001 x 6 removed", exception.description)

    def test_counting_a_line_is_the_arrival(self):
        _e, receipt = self.expect("PO-3", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
        receipt.picking_ids.with_user(self.user_operations).move_ids.picked = True
        self.assertEqual(receipt.state, "arrived")
        self.assertIn("first line counted by Olga Operations", str(receipt.message_ids.mapped("body")))

    def test_the_owner_cancels_before_arrival(self):
        _e, receipt = self.expect("PO-4", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
        self.expect("PO-4", [], status="cancelled")
        self.assertEqual((receipt.state, receipt.picking_ids.state), ("cancelled", "cancel"))

    def test_a_product_not_ready_holds_the_receipt_until_a_manager_releases_it(self):
        _e, item = self.upsert(self.product(id="P-201", sku="BOWL-2", barcode=""))
        _e, receipt = self.expect("PO-5", [{"id": "1", "sku": "BOWL-2", "quantity": 10}])
        self.assertEqual(receipt.state, "on_hold")
        self.assertFalse(receipt.picking_ids, "nothing is received under a product that is not ready")
        self.assertIn("BOWL-2 is not ready for receiving", receipt.validation_problems)
        self.assertIn("missing: no barcode on BOWL-2", receipt.validation_problems)
        self.assertTrue(self.exceptions_of(receipt, "receipt_on_hold"))
        with self.assertRaisesRegex(UserError, "stays On hold: Expected needs every line resolved"):
            receipt.with_user(self.user_manager).action_release()
        self.upsert(self.product(id="P-201", sku="BOWL-2", barcode="8400000000116"))
        self.assertEqual(item.state, "ready")
        with self.assertRaises(AccessError):
            receipt.with_user(self.user_operations).action_release()
        receipt.with_user(self.user_manager).action_release()
        self.assertEqual((receipt.state, receipt.picking_ids.state), ("expected", "assigned"))
        self.assertFalse(self.exceptions_of(receipt, "receipt_on_hold"), "closed with the manager's release")

    def test_kits_and_unknown_codes_hold_the_receipt_with_the_reason(self):
        _e, receipt = self.expect(
            "PO-6", [{"id": "1", "sku": "KIT-GIFT", "quantity": 5}, {"id": "2", "sku": "NOPE-9", "quantity": 5}]
        )
        self.assertEqual(receipt.state, "on_hold")
        self.assertIn("Gift box is a kit: it has no stock of its own", receipt.validation_problems)
        self.assertIn("line 2: SKU NOPE-9 does not match any catalog product", receipt.validation_problems)
        # the owner corrects the receipt: it goes on by itself
        self.expect("PO-6", [{"id": "1", "sku": "MUG-001", "quantity": 5}])
        self.assertEqual((receipt.state, len(receipt.picking_ids.move_ids)), ("expected", 1))


@tagged("post_install", "-at_install")
class TestReceivingUnderBothCodes(InboundCase):
    """The owner changed the bowl's SKU and barcode on 1 November; the window is 30 days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-11-01"):
            _e, cls.item = cls.upsert(cls.product())
            cls.upsert(cls.product(sku="BOWL-15", barcode="8400000000109"))
        cls.bowl = cls.item.product_tmpl_id.product_variant_id

    def test_inside_the_window_an_old_sku_and_a_legacy_barcode_resolve_to_the_same_product(self):
        with freeze_time("2026-11-20"):
            _e, receipt = self.expect(
                "PO-10",
                [{"id": "1", "sku": "BOWL-1", "quantity": 24}, {"id": "2", "barcode": "8400000000055", "quantity": 6}],
            )
        self.assertEqual(receipt.state, "expected")
        self.assertEqual(receipt.line_ids.product_id, self.bowl)
        self.assertEqual(receipt.line_ids.mapped("resolution"), ["equivalence", "equivalence"])
        self.assertIn(
            "old code BOWL-1 accepted until 2026-12-01; new code is BOWL-15", receipt.line_ids[0].resolution_note
        )
        self.assertEqual(receipt.picking_ids.move_ids.product_id, self.bowl, "routed to the same physical stock")
        self.assertIn("Lines received under another code", str(receipt.message_ids.mapped("body")))
        self.receive(receipt)
        self.assertEqual(receipt.state, "received")
        self.assertEqual(self.bowl.with_context(location=self.warehouse.lot_stock_id.id).qty_available, 30)
        lines = receipt._confirmation_payload()["lines"]
        self.assertEqual(
            [(line["sku"], line["product_sku"], line["received"]) for line in lines],
            [("BOWL-1", "BOWL-15", 24), ("8400000000055", "BOWL-15", 6)],
            "the owner is answered in the codes it sent, with the new one beside them",
        )

    def test_after_the_window_a_retired_sku_holds_and_a_legacy_barcode_warns(self):
        with freeze_time("2026-12-05"):
            _e, held = self.expect("PO-11", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
            _e, warned = self.expect("PO-12", [{"id": "1", "barcode": "8400000000055", "quantity": 24}])
        self.assertEqual(held.state, "on_hold")
        self.assertIn(
            "SKU BOWL-1 was retired on 2026-12-01: the channel must send the new code BOWL-15", held.validation_problems
        )
        self.assertEqual(warned.state, "expected")
        self.assertEqual(warned.line_ids.resolution, "legacy_barcode")
        self.assertEqual(warned.line_ids.resolution_note, "legacy barcode 8400000000055: use 8400000000109")
        self.receive(warned)
        self.assertEqual((warned.state, warned.line_ids.quantity_received), ("received", 24))
        self.assertEqual(self.bowl.with_context(location=self.warehouse.lot_stock_id.id).qty_available, 24)
        self.assertFalse(held.picking_ids, "nothing is received under a retired SKU")

    def test_a_scanned_code_is_checked_against_active_and_legacy_codes(self):
        """Odoo's product lookup on a receipt line (what a scanner types) knows the hub's old codes."""
        Product = self.env["product.product"].with_user(self.user_operations)
        with freeze_time("2026-11-20"):
            [(product_id, label)] = Product.name_search("8400000000055")
            self.assertEqual(product_id, self.bowl.id)
            self.assertIn("old code 8400000000055 accepted until 2026-12-01; new code is 8400000000109", label)
        with freeze_time("2026-12-05"):
            [(product_id, label)] = Product.name_search("8400000000055")
            self.assertEqual(
                (product_id, label), (self.bowl.id, "[BOWL-15] Bowl — legacy barcode 8400000000055: use 8400000000109")
            )
            self.assertEqual(Product.name_search("BOWL-1", operator="="), [], "a retired SKU finds nothing")
            self.assertEqual(Product.name_search("8400000000109")[0][0], self.bowl.id, "the active code, as Odoo does")


@tagged("post_install", "-at_install")
class TestReceiptConfirmation(InboundCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _e, item = cls.upsert(cls.product())
        cls.bowl = item.product_tmpl_id.product_variant_id

    def confirm(self):
        """Run the outbox against the ERP: the receipt.confirmed message it got."""
        with responses.RequestsMock() as erp:
            erp.post(ERP_URL, json={"ok": True})
            self.env["integration.job"]._cron_run_outbox()
            sent = [json.loads(call.request.body) for call in erp.calls]
        return [message["data"] for message in sent if message["type"] == "receipt.confirmed"]

    def test_a_short_receipt_is_confirmed_with_an_exception(self):
        _e, receipt = self.expect(
            "PO-20", [{"id": "1", "sku": "BOWL-1", "quantity": 24}, {"id": "2", "sku": "MUG-001", "quantity": 12}]
        )
        self.receive(receipt, {self.bowl: 20})
        self.assertEqual(receipt.state, "received")
        bowl_line = receipt.line_ids.filtered(lambda line: line.product_id == self.bowl)
        self.assertEqual((bowl_line.quantity_received, bowl_line.difference, bowl_line.result), (20, -4, "short"))
        exception = self.exceptions_of(receipt, "receipt_discrepancy")
        self.assertIn("BOWL-1: expected 24, received 20: short by 4", exception.description)
        self.assertNotIn("MUG-001", exception.description, "a line as expected is not a difference")
        [confirmation] = self.confirm()
        self.assertEqual(receipt.state, "confirmed")
        self.assertEqual(confirmation["reference"], "PO-20")
        self.assertFalse(confirmation["within_tolerance"])
        self.assertEqual(
            [(line["sku"], line["expected"], line["received"], line["result"]) for line in confirmation["lines"]],
            [("BOWL-1", 24, 20, "short"), ("MUG-001", 12, 12, "as_expected")],
        )

    def test_an_over_receipt_is_confirmed_with_an_exception(self):
        _e, receipt = self.expect("PO-21", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
        self.receive(receipt, {self.bowl: 30})
        line = receipt.line_ids
        self.assertEqual((line.quantity_received, line.difference, line.result), (30, 6, "over"))
        self.assertIn(
            "BOWL-1: expected 24, received 30: over by 6",
            self.exceptions_of(receipt, "receipt_discrepancy").description,
        )
        [confirmation] = self.confirm()
        self.assertEqual(confirmation["lines"][0]["difference"], 6)
        self.assertEqual(receipt.state, "confirmed")

    def test_damaged_units_go_to_quarantine_and_unexpected_items_are_reported(self):
        _e, receipt = self.expect("PO-22", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
        self.receive(receipt, damaged={self.bowl: 2}, extra={self.tshirt_s: 3})
        line = receipt.line_ids.filtered(lambda receipt_line: not receipt_line.unexpected)
        self.assertEqual((line.quantity_received, line.quantity_damaged, line.result), (22, 2, "as_expected"))
        unexpected = receipt.line_ids.filtered("unexpected")
        self.assertEqual(
            (unexpected.product_id, unexpected.quantity_received, unexpected.result), (self.tshirt_s, 3, "unexpected")
        )
        quarantine = self.warehouse.hub_quarantine_location_id
        self.assertEqual(self.bowl.with_context(location=quarantine.id).qty_available, 2)
        description = self.exceptions_of(receipt, "receipt_discrepancy").description
        self.assertIn("received 24 (2 damaged, into quarantine): as expected", description)
        self.assertIn("TSHIRT-S: not expected, received 3", description)
        [confirmation] = self.confirm()
        self.assertEqual(confirmation["lines"][0]["damaged"], 2)
        self.assertEqual(confirmation["unexpected"][0]["sku"], "TSHIRT-S")

    def test_within_the_tolerance_there_is_no_exception(self):
        self.erp.receipt_tolerance_pct = 5
        _e, receipt = self.expect("PO-23", [{"id": "1", "sku": "BOWL-1", "quantity": 100}])
        self.receive(receipt, {self.bowl: 96})
        self.assertFalse(receipt.beyond_tolerance or self.exceptions_of(receipt, "receipt_discrepancy"))
        [confirmation] = self.confirm()
        self.assertTrue(confirmation["within_tolerance"])

    def test_received_stock_is_published_at_once(self):
        self.list_products(self.channel, self.bowl)  # the shop sells the bowl
        self.channel._publish_inventory()
        self.env["integration.job"].search([("job_type", "=", "inventory")]).write({"state": "done"})
        _e, receipt = self.expect("PO-24", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
        self.receive(receipt)
        job = self.env["integration.job"].search(
            [("channel_id", "=", self.channel.id), ("job_type", "=", "inventory"), ("state", "=", "pending")]
        )
        self.assertEqual(job._payload(), {"BOWL-1": 24})

    def test_a_backorder_keeps_the_receipt_open_until_the_rest_comes(self):
        _e, receipt = self.expect("PO-25", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
        self.receive(receipt, {self.bowl: 10}, backorder=True)
        self.assertEqual(receipt.state, "arrived", "14 more may still come")
        self.assertEqual(len(receipt.picking_ids), 2)
        self.receive(receipt)
        self.assertEqual((receipt.state, receipt.line_ids.quantity_received), ("received", 24))
        self.assertFalse(self.exceptions_of(receipt, "receipt_discrepancy"))

    def test_a_channel_that_takes_no_messages_keeps_the_figures_on_the_receipt(self):
        files = self.make_channel("Supplier portal (files)", "FILES", platform="manual")
        _e, receipt = self.expect("PO-26", [{"id": "1", "sku": "BOWL-1", "quantity": 24}], channel=files)
        self.receive(receipt)
        self.assertEqual((receipt.state, receipt.confirmation_job_id), ("confirmed", self.env["integration.job"]))

    def test_finance_cannot_validate_a_receipt(self):
        _e, receipt = self.expect("PO-27", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
        with self.assertRaises(AccessError):
            self.receive(receipt, user=self.user_finance)
        self.assertEqual(receipt.state, "expected")


@tagged("post_install", "-at_install")
class TestReceiptFile(InboundCase):
    def test_a_manager_imports_purchase_orders_once(self):
        text = (
            "reference;supplier;expected-date;sku;barcode;quantity\n"
            "PO-CSV-1;Levante;2026-12-01;MUG-001;;12\n"
            "PO-CSV-1;Levante;2026-12-01;;8400000000017;6\n"
            "PO-CSV-2;Levante;2026-12-01;MUG-001;;2,5\n"
        )

        def import_file():
            form = Form(self.env["integration.receipt.import"].with_user(self.user_manager))
            form.channel_id = self.erp
            form.file = base64.b64encode(text.encode())
            wizard = form.save()
            wizard.action_import()
            return wizard

        wizard = import_file()
        self.assertIn("1 receipt(s) taken, 1 row(s) rejected", wizard.result)
        self.assertIn("line 4: '2,5' is 2.5: not a whole unit", wizard.result)
        receipt = self.env["integration.receipt"].search([("external_id", "=", "PO-CSV-1")])
        self.assertEqual(sorted(receipt.picking_ids.move_ids.mapped("product_uom_qty")), [6, 12])
        import_file()
        self.assertEqual(self.env["integration.receipt"].search_count([("channel_id", "=", self.erp.id)]), 1)
        self.assertEqual(len(receipt.picking_ids), 1)


@tagged("post_install", "-at_install")
class TestInboundBadInput(InboundCase):
    """Bad input gets a clear error and loses nothing: the message stays in the inbox with an exception."""

    def test_messages_without_a_product_or_receipt_to_keep_fail_with_the_reason(self):
        cases = [
            ("product.upserted", {"name": "No id"}, "the product has no 'id'"),
            ("product.upserted", {"id": "P-1", "name": "Mug", "pack": "24"}, "'pack' must be an object"),
            ("product.upserted", {"id": "P-1", "name": "Mug", "updated_at": "yesterday"}, "'updated_at' is not an ISO"),
            ("receipt.expected", {"reference": "PO-1", "lines": "BOWL-1 x 2"}, "'lines' must be a list"),
            ("receipt.expected", {"reference": "PO-1", "lines": [{"sku": "MUG-001", "expiry": "31/12"}]}, "not a date"),
            ("receipt.expected", {"reference": "PO-9", "status": "cancelled"}, "nothing to cancel"),
        ]
        for event_type, data, reason in cases:
            with self.subTest(reason=reason):
                event = self.deliver(event_type, data)
                self.assertEqual(event.state, "failed")
                self.assertIn(reason, event.error)
                self.assertNotIn("Traceback", event.error)
                self.assertTrue(self.env["integration.sync.exception"].search([("event_id", "=", event.id)]))
        self.assertFalse(self.env["integration.catalog.item"].search([]) or self.env["integration.receipt"].search([]))

    def test_odd_values_are_kept_and_named_never_a_crash(self):
        _e, item = self.upsert(
            self.product(
                weight_kg=True, pack={"carton": "1e308", "pallet": float("nan")}, dimensions_cm={"length": [1]}
            )
        )
        self.assertEqual(item.state, "variants_assigned")
        self.assertIn("unit weight (kg) 'True' is not a number", item.missing)
        self.assertIn("units per carton 1e308 is more than any pack holds", item.missing)
        _e, receipt = self.expect(
            "PO-ODD", [{"id": "1", "sku": "MUG-001", "quantity": 1e308}, {"id": "2", "quantity": 3}]
        )
        self.assertEqual(receipt.state, "on_hold")
        self.assertIn("is more than any line the hub takes", receipt.validation_problems)
        self.assertIn("line 2 names no product (send its sku or barcode)", receipt.validation_problems)
