import json

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .order_common import OrderCase


@tagged("post_install", "-at_install")
class TestPartialOrdersAndEdits(OrderCase):
    def short_order(self, external_id):
        # 50 mugs in stock: 60 cannot be served in full; T-shirt M can
        return self.order_data(
            external_id,
            lines=[{"id": "1", "sku": "MUG-001", "quantity": 60}, {"id": "2", "sku": "TSHIRT-M", "quantity": 2}],
        )

    # --- partial policies ----------------------------------------------------------
    def test_hold_policy_holds_the_whole_order_until_stock_and_a_manager(self):
        _event, order = self.ingest(self.short_order("H1"))
        self.assertEqual(order.state, "on_hold")
        self.assertFalse(order.sale_order_id)
        self.assertIn("not enough stock of MUG-001: 60 needed, 50 free", self.open_exceptions(order).description)
        with self.assertRaisesRegex(Exception, "not enough stock"):
            order.with_user(self.user_manager).action_release()
        self.stock(self.mug, 10)
        order.with_user(self.user_manager).action_release()
        self.assertEqual(order.state, "accepted")
        self.assertEqual(sum(order.sale_order_id.order_line.mapped("product_uom_qty")), 62)

    def test_backorder_policy_ships_what_is_available(self):
        self.channel.partial_policy = "backorder"
        _event, order = self.ingest(self.short_order("B1"))
        self.assertEqual(order.state, "accepted")
        out = order._first_step_pickings()
        mug_move = out.move_ids.filtered(lambda m: m.product_id == self.mug)
        self.assertEqual((mug_move.product_uom_qty, mug_move.quantity), (60, 50))
        self.validate_picking(out)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        self.assertEqual(backorder.move_ids.product_uom_qty, 10, "the rest waits in a backorder")
        self.assertEqual(order.state, "packed")

    def test_cancel_lines_policy_cancels_the_short_line_and_tells_the_channel(self):
        self.channel.partial_policy = "cancel_lines"
        _event, order = self.ingest(self.short_order("C1"))
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.line_ids.filtered(lambda line: line.state == "cancelled").sku, "MUG-001")
        self.assertEqual(order.sale_order_id.order_line.product_id, self.tshirt_m)
        job = self.env["integration.job"].search([("res_model", "=", order._name), ("res_id", "=", order.id)])
        self.assertEqual(job.job_type, "order_status")
        self.assertEqual(json.loads(job.payload)["lines"][0]["sku"], "MUG-001")

    def test_cancel_lines_policy_cancels_the_order_when_nothing_is_left(self):
        self.channel.partial_policy = "cancel_lines"
        _event, order = self.ingest(self.order_data("C2", lines=[{"id": "1", "sku": "MUG-001", "quantity": 999}]))
        self.assertEqual(order.state, "cancelled")

    # --- edits before the cut-off ----------------------------------------------------------
    def test_address_edit_before_picking_reallocates(self):
        _event, order = self.ingest(self.order_data("E1"))
        first_sale = order.sale_order_id
        edited = self.order_data(
            "E1",
            updated_at="2026-11-20T12:00:00+01:00",
            shipping_address={"street": "Avinguda del Port 100", "zip": "46023"},
        )
        self.ingest(edited, kind="updated")
        self.assertEqual(order.state, "accepted")
        self.assertEqual(first_sale.state, "cancel")
        self.assertNotEqual(order.sale_order_id, first_sale)
        self.assertEqual(order.sale_order_id.partner_shipping_id.street, "Avinguda del Port 100")

    def test_line_cancel_and_quantity_edit_before_picking(self):
        _event, order = self.ingest(
            self.order_data(
                "E2",
                lines=[{"id": "1", "sku": "MUG-001", "quantity": 1}, {"id": "2", "sku": "TSHIRT-S", "quantity": 1}],
            )
        )
        edited = self.order_data(
            "E2", updated_at="2026-11-20T12:00:00+01:00", lines=[{"id": "1", "sku": "MUG-001", "quantity": 3}]
        )
        self.ingest(edited, kind="updated")
        self.assertEqual(order.line_ids.filtered(lambda line: line.external_line_id == "2").state, "cancelled")
        self.assertEqual(order.sale_order_id.order_line.mapped("product_id"), self.mug)
        self.assertEqual(order.sale_order_id.order_line.product_uom_qty, 3)

    def test_whole_order_cancel_before_picking(self):
        _event, order = self.ingest(self.order_data("E3"))
        sale = order.sale_order_id
        self.ingest(
            self.order_data("E3", updated_at="2026-11-20T12:00:00+01:00", cancel_reason="customer"), kind="cancelled"
        )
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(sale.state, "cancel")
        self.env.invalidate_all()
        self.assertEqual(self.mug.with_context(warehouse_id=self.warehouse.id).free_qty, 50, "reservation released")

    # --- edits after the cut-off --------------------------------------------------------------
    def picking_order(self, external_id):
        _event, order = self.ingest(
            self.order_data(
                external_id,
                lines=[{"id": "1", "sku": "MUG-001", "quantity": 1}, {"id": "2", "sku": "TSHIRT-S", "quantity": 1}],
            )
        )
        order._first_step_pickings().move_line_ids[:1].picked = True
        self.assertEqual(order.state, "picking")
        return order

    def test_edit_after_release_is_blocked_with_the_diff_for_a_manager(self):
        order = self.picking_order("A1")
        sale = order.sale_order_id
        edited = self.order_data(
            "A1", updated_at="2026-11-20T12:00:00+01:00", shipping_address={"city": "Alzira", "zip": "46600"}
        )
        self.ingest(edited, kind="updated")
        self.assertEqual(order.state, "picking", "the order keeps executing as released")
        self.assertEqual(order.ship_city, "Valencia")
        self.assertEqual(order.sale_order_id, sale)
        exception = self.open_exceptions(order, "edit_after_release")
        self.assertIn("ship_city: Valencia → Alzira", exception.description)
        self.assertIn("Ship Zip changed", exception.description)
        self.assertNotIn("46600", exception.description, "personal data is named, never quoted")
        # The manager applies it (forced, audited)
        wizard = Form(
            self.env["integration.exception.decision"]
            .with_user(self.user_manager)
            .with_context(active_model=exception._name, active_ids=exception.ids, default_mode="apply_edit")
        )
        wizard.decision = "Customer moved; no re-pick needed, only the label"
        wizard.save().action_confirm()
        self.assertEqual(order.ship_city, "Alzira")
        self.assertEqual(sale.partner_shipping_id.city, "Alzira")
        self.assertEqual(order.state, "picking")
        self.assertEqual(exception.state, "resolved")
        self.assertTrue(
            self.env["integration.audit.log"].search(
                [("res_id", "=", order.id), ("res_model", "=", order._name), ("action", "=", "forced_state")]
            )
        )

    def test_edit_after_release_rejected_tells_the_channel(self):
        order = self.picking_order("A2")
        self.ingest(
            self.order_data(
                "A2", updated_at="2026-11-20T12:00:00+01:00", lines=[{"id": "1", "sku": "MUG-001", "quantity": 5}]
            ),
            kind="updated",
        )
        exception = self.open_exceptions(order, "edit_after_release")
        self.assertIn("MUG-001 x 1 → MUG-001 x 5", exception.description)
        with self.assertRaises(AccessError):
            exception.with_user(self.user_operations)._reject_pending_edit("no")
        exception.with_user(self.user_manager)._reject_pending_edit("Already picked; ship as ordered")
        self.assertEqual(exception.state, "cancelled")
        job = self.env["integration.job"].search([("idempotency_key", "=", f"edit-rejected:{exception.id}")])
        self.assertEqual(json.loads(job.payload)["status"], "edit_rejected")
        self.assertEqual(order.line_ids.filtered(lambda line: line.external_line_id == "1").quantity_sent, "1")

    def test_cancel_after_release_is_blocked(self):
        order = self.picking_order("A3")
        self.ingest(self.order_data("A3", updated_at="2026-11-20T12:00:00+01:00"), kind="cancelled")
        self.assertEqual(order.state, "picking")
        exception = self.open_exceptions(order, "edit_after_release")
        exception.with_user(self.user_manager)._apply_pending_edit("Stopped at the pack station")
        self.assertEqual(order.state, "cancelled")

    def test_cut_off_is_configurable_per_channel(self):
        self.channel.edit_cutoff_state = "picking"
        order = self.picking_order("A4")
        self.ingest(
            self.order_data("A4", updated_at="2026-11-20T12:00:00+01:00", special_handling="Fragile"), kind="updated"
        )
        self.assertFalse(self.open_exceptions(order, "edit_after_release"))
        self.assertEqual(order.special_handling, "Fragile")


@tagged("post_install", "-at_install")
class TestStableIdentifiers(OrderCase):
    def equivalence(self, old, product, code_type="sku", valid_from="2026-11-01"):
        return self.env["integration.sku.equivalence"].create(
            {
                "old_code": old,
                "product_id": product.id,
                "code_type": code_type,
                "valid_from": valid_from,
                "reason": "Supplier migration",
            }
        )

    def test_sku_window_before_during_after(self):
        equivalence = self.equivalence("OLD-MUG", self.mug)
        self.assertEqual(str(equivalence.transition_end), "2026-12-01")
        with freeze_time("2026-10-31"):
            _e, before = self.ingest(self.order_data("W0", lines=[{"id": "1", "sku": "OLD-MUG", "quantity": 1}]))
            self.assertEqual(before.state, "on_hold", "the change is not in effect yet")
        with freeze_time("2026-11-20"):
            _e, during = self.ingest(self.order_data("W1", lines=[{"id": "1", "sku": "OLD-MUG", "quantity": 1}]))
            self.assertEqual(during.state, "accepted")
            self.assertEqual(during.line_ids.product_id, self.mug)
            self.assertEqual(during.line_ids.resolution, "equivalence")
            self.assertEqual(
                during.sale_order_id.order_line.product_id.default_code, "MUG-001", "picking uses the new code"
            )
        with freeze_time("2026-12-02"):
            _e, after = self.ingest(self.order_data("W2", lines=[{"id": "1", "sku": "OLD-MUG", "quantity": 1}]))
            self.assertEqual(after.state, "on_hold")
            self.assertIn("OLD-MUG was retired", after.validation_problems)
            self.assertIn("new code MUG-001", after.validation_problems)

    def test_both_codes_share_the_same_physical_stock(self):
        self.equivalence("OLD-MUG", self.mug, valid_from="2026-11-20")
        with freeze_time("2026-11-21"):
            _e, old = self.ingest(self.order_data("W3", lines=[{"id": "1", "sku": "OLD-MUG", "quantity": 30}]))
            _e, new = self.ingest(self.order_data("W4", lines=[{"id": "1", "sku": "MUG-001", "quantity": 30}]))
        self.assertEqual(old.state, "accepted")
        self.assertEqual(new.state, "on_hold", "50 in stock: the second 30 cannot be served from the same shelf")

    def test_legacy_barcode_is_accepted_with_a_warning_after_the_window(self):
        self.equivalence("8400000000999", self.mug, code_type="barcode", valid_from="2026-10-01")
        with freeze_time("2026-11-25"):
            _e, order = self.ingest(self.order_data("W5", lines=[{"id": "1", "sku": "8400000000999", "quantity": 1}]))
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.line_ids.resolution, "legacy_barcode")
        self.assertIn("legacy barcode 8400000000999: use 8400000000017", order.line_ids.resolution_note)

    def test_daily_cron_moves_states_and_every_change_is_audited(self):
        sku = self.equivalence("OLD-A", self.mug, valid_from="2026-10-01")
        barcode = self.equivalence("8400000000888", self.mug, code_type="barcode", valid_from="2026-10-01")
        fresh = self.equivalence("OLD-B", self.tshirt_s, valid_from="2026-11-20")
        with freeze_time("2026-11-25"):
            self.env["integration.sku.equivalence"]._cron_update_states()
        self.assertEqual((sku.state, barcode.state, fresh.state), ("retired", "legacy", "active"))
        logs = self.env["integration.audit.log"].search([("res_model", "=", sku._name), ("res_id", "=", sku.id)])
        self.assertEqual(len(logs), 2, "creation and retirement")
        self.assertIn('"state": "retired"', logs[0].after)
        fresh.unlink()
        self.assertTrue(self.env["integration.audit.log"].search([("reason", "=", "Equivalence deleted")]))

    def test_an_old_code_cannot_be_a_live_code_of_another_product(self):
        with self.assertRaisesRegex(Exception, "still the live code"):
            self.equivalence("TSHIRT-M", self.mug)

    def test_variant_order_picks_exactly_that_variant(self):
        _e, order = self.ingest(self.order_data("VAR1", lines=[{"id": "1", "sku": "TSHIRT-M", "quantity": 2}]))
        self.assertEqual(order.state, "accepted")
        moves = order._first_step_pickings().move_ids
        self.assertEqual(moves.product_id, self.tshirt_m)
        self.assertEqual(moves.move_line_ids.product_id, self.tshirt_m)

    def test_kit_reserves_its_components_and_has_no_stock_of_its_own(self):
        self.assertEqual(
            self.kit.with_context(warehouse_id=self.warehouse.id).free_qty,
            20,
            "kit availability = MIN(mug 50, T-shirt S 20)",
        )
        _e, order = self.ingest(self.order_data("KIT1", lines=[{"id": "1", "sku": "KIT-GIFT", "quantity": 3}]))
        self.assertEqual(order.state, "accepted")
        moves = order._first_step_pickings().move_ids
        self.assertEqual(set(moves.mapped("product_id.default_code")), {"MUG-001", "TSHIRT-S"})
        self.assertEqual(moves.mapped("quantity"), [3.0, 3.0])
        self.assertFalse(self.env["stock.quant"].search([("product_id", "=", self.kit.id)]), "no phantom kit stock")
        self.env.invalidate_all()
        self.assertEqual(self.kit.with_context(warehouse_id=self.warehouse.id).free_qty, 17)

    def test_kit_short_of_one_component_is_held(self):
        _e, order = self.ingest(self.order_data("KIT2", lines=[{"id": "1", "sku": "KIT-GIFT", "quantity": 21}]))
        self.assertEqual(order.state, "on_hold")
        self.assertIn("KIT-GIFT", order.validation_problems)


@tagged("post_install", "-at_install")
class TestQuarantineIsNotFreeStock(OrderCase):
    def test_stock_in_quarantine_does_not_make_an_order_acceptable(self):
        self.stock(self.mug, 30, self.warehouse.hub_quarantine_location_id)
        _event, order = self.ingest(self.order_data("QZ1", lines=[{"id": "1", "sku": "MUG-001", "quantity": 60}]))
        self.assertEqual(order.state, "on_hold")
        self.assertIn("60 needed, 50 free", order.validation_problems)
        self.assertFalse(order.sale_order_id)
