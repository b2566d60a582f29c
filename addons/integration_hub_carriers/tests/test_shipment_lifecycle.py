"""A shipment closes only with carrier proof; a manager's handover is audited and reviewed."""

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CarrierCase


@tagged("post_install", "-at_install")
class TestShipmentLifecycle(CarrierCase):
    def test_validating_the_transfer_only_stages_the_shipment(self):
        order, picking = self.packed_order("L-1", carrier=self.dhl)
        self.assertEqual(picking.hub_shipment_state, "staged")
        self.assertEqual(order.state, "packed", "validated in Odoo is not dispatched")
        self.assertFalse(self.status_jobs(order), "the channel hears nothing before the carrier has the goods")

    def test_handover_guard_names_the_missing_evidence(self):
        _order, picking = self.packed_order("L-2", carrier=self.dhl)
        with self.assertRaisesRegex(UserError, "carrier receipt reference; tracking number; handover timestamp"):
            picking._hub_transition("handed_to_carrier", "no proof")
        self.assertEqual(picking.hub_shipment_state, "staged")

    def test_shipment_state_cannot_be_written_directly(self):
        _order, picking = self.packed_order("L-3", carrier=self.dhl)
        with self.assertRaises(UserError):
            picking.hub_shipment_state = "delivered"

    def test_no_backwards_or_skipping_transition(self):
        _order, picking = self.packed_order("L-4", carrier=self.dhl)
        with self.assertRaisesRegex(UserError, "cannot go from Staged at the dock to Delivered"):
            picking._hub_transition("delivered", "a guess")

    def test_manager_handover_is_audited_reviewed_and_told_once(self):
        order, picking = self.packed_order("L-5", carrier=self.dhl)
        self.dhl_label(picking)
        action = picking.with_user(self.user_manager).action_hub_open_handover()
        wizard = (
            self.env["integration.shipment.handover"]
            .with_user(self.user_manager)
            .with_context(action["context"])
            .create({"carrier_receipt_ref": "DHL-RCPT-778", "reason": "DHL scanner down; driver signed our manifest"})
        )
        self.assertEqual(wizard.tracking_number, "340434310428091700")
        wizard.action_confirm()
        self.assertEqual(picking.hub_shipment_state, "handed_to_carrier")
        self.assertTrue(picking.hub_handover_manual)
        self.assertEqual(order.state, "dispatched")
        self.assertEqual((order.carrier_receipt_ref, order.tracking_number), ("DHL-RCPT-778", "340434310428091700"))
        audit = self.env["integration.audit.log"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", picking.id)]
        )
        self.assertEqual(audit.action, "forced_state")
        self.assertEqual(audit.user_id, self.user_manager)
        self.assertIn("scanner down", audit.reason)
        review = self.exceptions_of(picking, "manual_entry")
        self.assertEqual(len(review), 1)
        jobs = self.status_jobs(order)
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs._payload()["status"], "dispatched")
        self.assertEqual(jobs._payload()["tracking_number"], "340434310428091700")

    def test_operations_cannot_hand_over_by_hand(self):
        _order, picking = self.packed_order("L-6", carrier=self.dhl)
        self.dhl_label(picking)
        with self.assertRaises(AccessError):
            picking.with_user(self.user_operations).action_hub_open_handover()
        with self.assertRaises(AccessError):
            picking.with_user(self.user_operations)._hub_manual_handover(
                "R-1", "340434310428091700", fields.Datetime.now(), "I am in a hurry"
            )
        self.assertEqual(picking.hub_shipment_state, "staged")

    def test_manual_handover_needs_a_reason_and_proof(self):
        _order, picking = self.packed_order("L-7", carrier=self.dhl)
        manager_picking = picking.with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "needs a reason"):
            manager_picking._hub_manual_handover("R-1", "T-1", fields.Datetime.now(), " ")
        with self.assertRaisesRegex(UserError, "receipt reference and the tracking number"):
            manager_picking._hub_manual_handover("", "T-1", fields.Datetime.now(), "scanner down")

    def test_cancel_refused_once_the_carrier_has_the_goods(self):
        _order, picking = self.packed_order("L-8", carrier=self.dhl)
        self.dhl_label(picking)
        picking.with_user(self.user_manager)._hub_manual_handover("R-1", False, fields.Datetime.now(), "scanner down")
        with self.assertRaisesRegex(UserError, "already has the goods"):
            picking.cancel_shipment()

    def test_later_shipment_of_a_backorder_is_told_to_the_channel_once(self):
        self.channel.partial_policy = "backorder"
        _event, order = self.ingest(self.order_data("LATER-1", lines=[{"id": "1", "sku": "MUG-001", "quantity": 60}]))
        first = order._chain()["out"]
        first.sudo().carrier_id = self.dhl
        self.validate_picking(first)
        first.sudo()._hub_hand_over("R-1", "T-FIRST", fields.Datetime.now(), "first scan")
        self.assertEqual(order.state, "dispatched")
        self.stock(self.mug, 20)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        backorder.action_assign()
        self.validate_picking(backorder)
        backorder.sudo().carrier_id = self.dhl
        backorder.sudo()._hub_hand_over("R-2", "T-SECOND", fields.Datetime.now(), "first scan")
        jobs = self.env["integration.job"].search([("idempotency_key", "like", "later-shipment:%")])
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs._payload()["tracking_number"], "T-SECOND")
        self.assertEqual(order.state, "dispatched", "the order follows its first shipment")
