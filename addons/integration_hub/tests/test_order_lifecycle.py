from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .order_common import OrderCase


@tagged("post_install", "-at_install")
class TestOrderLifecycle(OrderCase):
    def accepted_order(self, external_id="L1", **overrides):
        _event, order = self.ingest(self.order_data(external_id, **overrides))
        self.assertEqual(order.state, "accepted", order.validation_problems)
        return order

    # --- acceptance -----------------------------------------------------------
    def test_acceptance_creates_a_confirmed_sale_order_with_a_reserved_delivery(self):
        order = self.accepted_order(lines=[{"id": "1", "sku": "MUG-001", "quantity": 3}])
        sale = order.sale_order_id
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.integration_order_id, order)
        self.assertEqual(sale.partner_shipping_id.zip, "46004")
        self.assertEqual(sale.partner_shipping_id.phone, "+34612345678")
        self.assertEqual(sale.order_line.product_uom_qty, 3)
        self.assertEqual(order._first_step_pickings().state, "assigned")
        self.assertTrue(order.accepted_at)
        self.assertGreater(order.lag_received_seconds, 0, "placed -> received lag is recorded")

    def test_paid_is_not_ready_to_pick_without_the_trigger(self):
        _event, order = self.ingest(self.order_data("P1", financial_status="pending"))
        self.assertEqual(order.state, "validated")
        self.assertFalse(order.sale_order_id)
        with self.assertRaisesRegex(UserError, "payment"):
            order._transition("accepted")
        self.ingest(
            self.order_data("P1", financial_status="paid", updated_at="2026-11-20T12:00:00+01:00"), kind="updated"
        )
        self.assertEqual(order.state, "accepted")

    def test_stock_checked_trigger_accepts_unpaid_orders_with_stock(self):
        self.channel.valid_to_pick_trigger = "stock_checked"
        _event, order = self.ingest(self.order_data("P2", financial_status="pending"))
        self.assertEqual(order.state, "accepted")

    def test_guard_refusal_names_the_missing_evidence(self):
        order = self.accepted_order()
        with self.assertRaisesRegex(UserError, "no pick line started"):
            order._transition("picking")
        with self.assertRaisesRegex(UserError, "cannot go from Accepted to Packed"):
            order._transition("packed")
        with self.assertRaisesRegex(AccessError, "recorded by the Integration Hub itself"):
            order.write({"state": "delivered"})

    # --- warehouse evidence, per delivery route ---------------------------------------
    def _walk_route(self, steps):
        self.warehouse.delivery_steps = steps
        order = self.accepted_order(
            f"R-{steps}",
            lines=[{"id": "1", "sku": "MUG-001", "quantity": 2}, {"id": "2", "sku": "TSHIRT-M", "quantity": 1}],
        )
        chain = self.chain(order)
        first = chain["pick"] or chain["out"]
        first.move_line_ids[:1].picked = True
        self.assertEqual(order.state, "picking")
        self.assertTrue(order.last_pick_activity_at)
        if steps == "ship_only":
            first.move_line_ids.picked = True
            self.assertEqual(order.state, "picked")
            with self.assertRaisesRegex(UserError, "not packed"):
                order._transition("packed")
            first.action_put_in_pack()
            self.assertEqual(order.state, "packed")
        else:
            self.validate_picking(first)
            self.assertEqual(order.state, "picked")
            if steps == "pick_pack_ship":
                chain = self.chain(order)
                self.validate_picking(chain["pack"])
            else:
                out = self.chain(order)["out"]  # Odoo creates the next step when the pick is done
                out.move_line_ids.picked = True
                out.action_put_in_pack()
            self.assertEqual(order.state, "packed")
        return order

    def test_one_step_route(self):
        self._walk_route("ship_only")

    def test_two_step_route(self):
        self._walk_route("pick_ship")

    def test_three_step_route(self):
        self._walk_route("pick_pack_ship")

    def test_validating_the_delivery_does_not_dispatch(self):
        order = self._walk_route("ship_only")
        self.validate_picking(self.chain(order)["out"])
        self.assertEqual(order.state, "packed", "shipped in Odoo is not closed with carrier proof")

    # --- carrier proof ---------------------------------------------------------------
    def test_dispatch_needs_carrier_proof(self):
        order = self._walk_route("ship_only")
        with self.assertRaisesRegex(UserError, "carrier receipt reference.*tracking number.*pickup timestamp"):
            order._transition("dispatched")

    def test_manager_records_a_carrier_pickup_audited_and_reviewed(self):
        order = self._walk_route("ship_only")
        with self.assertRaises(AccessError):
            order.with_user(self.user_operations).action_open_carrier_pickup()
        wizard = Form(
            self.env["integration.order.carrier.pickup"]
            .with_user(self.user_manager)
            .with_context(default_order_id=order.id)
        )
        wizard.carrier_receipt_ref = "DHL-RCPT-778"
        wizard.tracking_number = "00340434161094042557"
        wizard.reason = "Carrier API down; driver signed the paper manifest"
        wizard.save().action_confirm()
        self.assertEqual(order.state, "dispatched")
        self.assertEqual(order.tracking_number, "00340434161094042557")
        log = self.env["integration.audit.log"].search(
            [("res_model", "=", order._name), ("res_id", "=", order.id), ("action", "=", "forced_state")]
        )
        self.assertEqual(log.user_id, self.user_manager)
        self.assertTrue(self.open_exceptions(order, "manual_entry"))

    def test_carrier_events_move_forward_never_backwards(self):
        order = self._walk_route("ship_only")
        order._record_carrier_pickup("R1", "T1", fields.Datetime.now(), "carrier scan")
        order._apply_carrier_status("delivered")
        self.assertEqual(order.state, "delivered")
        order._apply_carrier_status("in_transit")  # late, out-of-order event
        self.assertEqual(order.state, "delivered")

    # --- forced state ----------------------------------------------------------------
    def test_forced_state_needs_a_manager_and_a_reason_and_is_audited(self):
        order = self.accepted_order()
        with self.assertRaises(AccessError):
            order.with_user(self.user_operations)._transition("packed", "because", forced=True)
        with self.assertRaisesRegex(UserError, "needs a reason"):
            order.with_user(self.user_manager)._transition("packed", "  ", forced=True)
        wizard = Form(
            self.env["integration.order.force.state"]
            .with_user(self.user_manager)
            .with_context(default_order_id=order.id)
        )
        # only what the lifecycle allows from "accepted" is offered (not "packed"), with what it bypasses
        Wizard = self.env["integration.order.force.state"].with_user(self.user_manager)
        fields_seen = Wizard.with_context(default_order_id=order.id).fields_get(["target_state"])
        offered = [state for state, _label in fields_seen["target_state"]["selection"]]
        self.assertEqual(offered, ["picking", "cancelled"])
        self.assertIn("the first pick line started", wizard.bypassed_evidence)
        wizard.target_state = "picking"
        wizard.reason = "Picking on paper during the scanner outage"
        wizard.save().action_confirm()
        self.assertEqual(order.state, "picking")
        log = self.env["integration.audit.log"].search([("res_id", "=", order.id), ("action", "=", "forced_state")])
        self.assertEqual((log.user_id, log.reason), (self.user_manager, "Picking on paper during the scanner outage"))
        self.assertIn("Forced by a manager", " ".join(order.message_ids.mapped("body")))

    # --- control point: 4 h without pick activity -------------------------------------
    def test_stuck_picking_raises_one_exception_per_stuck_period(self):
        with freeze_time("2026-11-27 08:00:00"):
            order = self.accepted_order(
                "S1",
                lines=[{"id": "1", "sku": "MUG-001", "quantity": 1}, {"id": "2", "sku": "TSHIRT-S", "quantity": 1}],
            )
            self.chain(order)["out"].move_line_ids[:1].picked = True
            self.assertEqual(order.state, "picking")
        Order = self.env["integration.channel.order"]
        with freeze_time("2026-11-27 11:59:00"):
            Order._cron_check_stuck_picking()
            self.assertFalse(self.open_exceptions(order, "stuck_picking"))
        with freeze_time("2026-11-27 12:01:00"):
            Order._cron_check_stuck_picking()
            Order._cron_check_stuck_picking()
            stuck = self.open_exceptions(order, "stuck_picking")
            self.assertEqual(len(stuck), 1)
            stuck._decide("resolved", "Picker was on a break")
        with freeze_time("2026-11-27 13:00:00"):
            Order._cron_check_stuck_picking()
            self.assertFalse(self.open_exceptions(order, "stuck_picking"), "same period: not raised again")
            self.chain(order)["out"].move_line_ids[:1].quantity = 1  # new activity starts a new period
        with freeze_time("2026-11-27 17:30:00"):
            Order._cron_check_stuck_picking()
            self.assertEqual(len(self.open_exceptions(order, "stuck_picking")), 1)

    # --- duplicates --------------------------------------------------------------------
    def test_the_same_order_twice_is_one_order_and_one_sale_order(self):
        data = self.order_data("D1")
        _e1, order = self.ingest(data)
        event2, again = self.ingest(data)  # poll finds what the webhook brought
        event3, _ = self.ingest(data, kind="updated")
        self.assertEqual(order, again)
        self.assertEqual(self.env["sale.order"].search_count([("integration_order_id", "=", order.id)]), 1)
        self.assertEqual(event2.state, "duplicate")
        self.assertEqual(event3.state, "duplicate")

    def test_out_of_order_update_is_ignored_and_logged(self):
        _event, order = self.ingest(self.order_data("O1", updated_at="2026-11-20T12:00:00+01:00"))
        old = self.order_data("O1", updated_at="2026-11-20T11:00:00+01:00", shipping_address={"city": "Madrid"})
        event, _ = self.ingest(old, kind="updated")
        self.assertEqual(order.ship_city, "Valencia")
        self.assertEqual(event.state, "duplicate")
        self.assertIn("out-of-date", " ".join(order.message_ids.mapped("body")))

    # --- manual entry -------------------------------------------------------------------
    def test_manual_entry_is_flagged_and_opens_an_exception(self):
        wizard = Form(self.env["integration.order.manual.entry"].with_user(self.user_manager))
        wizard.channel_id = self.channel
        wizard.external_id = "PHONE-77"
        wizard.customer_name = "Bodega Ruzafa"
        wizard.phone = "+34 963 12 34 56"
        wizard.street = "Carrer de Sueca 5"
        wizard.zip = "46006"
        wizard.city = "Valencia"
        wizard.source_note = "Email from buyer@bodega.es at 10:42"
        with wizard.line_ids.new() as line:
            line.product_id = self.mug
            line.quantity = 4
        wizard.save().action_confirm()
        order = self.env["integration.channel.order"].search([("external_id", "=", "PHONE-77")])
        self.assertTrue(order.manual_entry)
        self.assertEqual(order.state, "accepted")
        review = self.open_exceptions(order, "manual_entry")
        self.assertIn("buyer@bodega.es", review.description)

    def test_operations_cannot_enter_orders_by_hand(self):
        with self.assertRaises(AccessError):
            self.env["integration.order.manual.entry"].with_user(self.user_operations).create(
                {
                    "channel_id": self.channel.id,
                    "external_id": "X",
                    "customer_name": "x",
                    "phone": "x",
                    "street": "x",
                    "zip": "x",
                    "city": "x",
                    "source_note": "x",
                }
            )

    def test_lag_is_recorded(self):
        with freeze_time("2026-11-20 09:30:00"):  # placed at 09:00 UTC (10:00+01:00)
            order = self.accepted_order("LAG1")
        self.assertEqual(order.lag_received_seconds, 1800)
        self.assertGreaterEqual(order.lag_accepted_seconds, 0)
        self.assertEqual(order.received_at - order.placed_at, timedelta(minutes=30))


@tagged("post_install", "-at_install")
class TestReviewFindings(OrderCase):
    """Rules that a first version got wrong, kept as regressions."""

    def test_special_handling_stated_later_makes_the_order_releasable(self):
        data = self.order_data("RV1")
        del data["special_handling"]
        _event, order = self.ingest(data)
        self.assertEqual(order.state, "on_hold")
        event, _ = self.ingest(self.order_data("RV1", updated_at="2026-11-20T12:00:00+01:00"), kind="updated")
        self.assertNotEqual(event.state, "duplicate", "'' (nothing special) is not 'not stated'")
        self.assertTrue(order.ready_to_release)

    def test_payment_capture_after_release_is_not_an_edit(self):
        self.channel.valid_to_pick_trigger = "stock_checked"
        _event, order = self.ingest(self.order_data("RV3", financial_status="authorized"))
        self.assertEqual(order.state, "accepted")
        order._first_step_pickings().move_line_ids[:1].picked = True
        self.ingest(
            self.order_data("RV3", financial_status="paid", updated_at="2026-11-20T12:00:00+01:00"), kind="updated"
        )
        self.assertEqual(order.financial_status, "paid")
        self.assertFalse(self.open_exceptions(order, "edit_after_release"))

    def test_payment_arriving_releases_an_order_waiting_for_it(self):
        _event, order = self.ingest(self.order_data("RV4", financial_status="pending"))
        self.assertEqual(order.state, "validated")
        self.ingest(
            self.order_data("RV4", financial_status="paid", updated_at="2026-11-20T12:00:00+01:00"), kind="updated"
        )
        self.assertEqual(order.state, "accepted")

    def test_forced_cancel_releases_the_reservation_and_accepted_cannot_be_forced(self):
        _event, order = self.ingest(self.order_data("RV5", lines=[{"id": "1", "sku": "MUG-001", "quantity": 5}]))
        sale = order.sale_order_id
        with self.assertRaisesRegex(UserError, "cannot be forced"):
            order.with_user(self.user_manager)._transition("validated", "why not", forced=True)
        order.with_user(self.user_manager)._transition("cancelled", "customer phoned", forced=True)
        self.assertEqual(sale.state, "cancel")
        self.env.invalidate_all()
        self.assertEqual(self.mug.with_context(warehouse_id=self.warehouse.id).free_qty, 50)

    def test_cancellation_before_the_order_keeps_it_cancelled(self):
        event, order = self.ingest(self.order_data("RV6", updated_at="2026-11-20T12:00:00+01:00"), kind="cancelled")
        self.assertEqual((event.state, order.state), ("done", "cancelled"))
        self.ingest(self.order_data("RV6"))  # the older create arrives late
        self.assertEqual(order.state, "cancelled")
        self.assertFalse(order.sale_order_id)

    def test_channel_cancel_leaves_the_hold_exception_to_a_manager(self):
        _event, order = self.ingest(self.order_data("RV7", shipping_address={"zip": ""}))
        exception = self.open_exceptions(order, "invalid_order")
        self.ingest(self.order_data("RV7", updated_at="2026-11-20T12:00:00+01:00"), kind="cancelled")
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(exception.state, "open")

    def test_invalid_edit_during_picking_does_not_reach_the_transfers(self):
        self.channel.edit_cutoff_state = "picking"
        _event, order = self.ingest(
            self.order_data(
                "RV8",
                lines=[{"id": "1", "sku": "MUG-001", "quantity": 1}, {"id": "2", "sku": "TSHIRT-S", "quantity": 1}],
            )
        )
        order._first_step_pickings().move_line_ids[:1].picked = True
        self.ingest(
            self.order_data("RV8", updated_at="2026-11-20T12:00:00+01:00", shipping_address={"zip": "99999"}),
            kind="updated",
        )
        self.assertEqual(order.sale_order_id.partner_shipping_id.zip, "46004")
        self.assertTrue(self.open_exceptions(order, "invalid_order"))

    def test_warehouse_owned_orders_do_not_take_channel_edits(self):
        self.channel.order_owner = "warehouse"
        _event, order = self.ingest(self.order_data("RV9"))
        self.ingest(
            self.order_data("RV9", updated_at="2026-11-20T12:00:00+01:00", shipping_address={"city": "Xàtiva"}),
            kind="updated",
        )
        self.assertEqual(order.ship_city, "Valencia")
        self.assertTrue(self.open_exceptions(order, "edit_after_release"))

    def test_customer_is_matched_by_exact_email_only(self):
        lookalike = self.env["res.partner"].create({"name": "Someone else", "email": "lucia_perez@example.com"})
        _event, order = self.ingest(self.order_data("RV10", customer={"email": "lucia.perez@example.com"}))
        self.assertNotEqual(order.sale_order_id.partner_id, lookalike)

    def test_managers_cannot_rewrite_order_evidence(self):
        _event, order = self.ingest(self.order_data("RV11"))
        with self.assertRaises(AccessError):
            order.with_user(self.user_manager).write({"tracking_number": "FAKE"})
