"""The 24 h carrier-receipt rule and the packed-without-carrier rule."""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CarrierCase

RECEIPT_MISSING = "carrier never confirmed receipt — goods may still be at the dock"


@tagged("post_install", "-at_install")
class TestControlPoints(CarrierCase):
    def hand_over_by_hand(self, picking, at):
        picking.with_user(self.user_manager)._hub_manual_handover("R-77", "340434310428091700", at, "scanner down")

    def test_no_carrier_confirmation_within_24h_opens_one_exception(self):
        _order, picking = self.packed_order("CP-1", carrier=self.dhl)
        self.hand_over_by_hand(picking, datetime(2026, 11, 20, 18, 0))
        Picking = self.env["stock.picking"]
        with freeze_time("2026-11-21 17:00:00"):
            Picking._cron_check_carrier_receipt()
        self.assertFalse(self.exceptions_of(picking, "carrier_receipt_missing"), "23 h: still within the limit")
        with freeze_time("2026-11-21 18:30:00"):
            Picking._cron_check_carrier_receipt()
        with freeze_time("2026-11-21 19:30:00"):
            Picking._cron_check_carrier_receipt()
        exception = self.exceptions_of(picking, "carrier_receipt_missing")
        self.assertEqual(len(exception), 1)
        self.assertIn(RECEIPT_MISSING, exception.name)
        # closed by a manager, it does not come back on the next run
        exception.with_user(self.user_manager)._decide("resolved", "Driver confirmed by phone.")
        with freeze_time("2026-11-22 19:30:00"):
            Picking._cron_check_carrier_receipt()
        self.assertEqual(len(self.exceptions_of(picking, "carrier_receipt_missing")), 1)

    def test_channel_limit_is_used(self):
        self.channel.carrier_receipt_hours = 4
        _order, picking = self.packed_order("CP-2", carrier=self.dhl)
        self.hand_over_by_hand(picking, datetime(2026, 11, 20, 18, 0))
        with freeze_time("2026-11-20 22:30:00"):
            self.env["stock.picking"]._cron_check_carrier_receipt()
        self.assertTrue(self.exceptions_of(picking, "carrier_receipt_missing"))

    def test_a_carrier_scan_is_the_confirmation(self):
        _order, picking = self.packed_order("CP-3", carrier=self.dhl)
        self.hand_over_by_hand(picking, datetime(2026, 11, 20, 18, 0))
        picking._hub_apply_tracking(
            {"code": "transit", "status": "in_transit", "at": datetime(2026, 11, 20, 20, 0), "key": "scan"}
        )
        with freeze_time("2026-11-22 18:00:00"):
            self.env["stock.picking"]._cron_check_carrier_receipt()
        self.assertFalse(self.exceptions_of(picking, "carrier_receipt_missing"))

    def test_packed_with_no_carrier_is_an_incomplete_shipment_held(self):
        with freeze_time("2026-11-20 10:00:00"):
            order, picking = self.packed_order("CP-4")
        self.assertFalse(picking.carrier_id)
        exception = self.exceptions_of(picking, "incomplete_shipment")
        self.assertEqual(len(exception), 1)
        self.assertIn("no carrier assigned", exception.name)
        with freeze_time("2026-11-20 14:00:00"):
            self.env["stock.picking"]._cron_check_incomplete_shipments()
        self.assertEqual(len(self.exceptions_of(picking, "incomplete_shipment")), 1, "one exception, counted")
        with self.assertRaisesRegex(UserError, "a carrier assigned"):
            picking.with_user(self.user_manager)._hub_manual_handover("R-1", "T-1", datetime(2026, 11, 20), "why not")
        self.assertEqual(order.state, "packed", "held")

    def test_cron_finds_packed_orders_whose_outgoing_transfer_has_no_carrier(self):
        # pick -> pack -> ship: the order is packed before the outgoing transfer is validated
        self.warehouse.delivery_steps = "pick_pack_ship"
        _event, order = self.ingest(self.order_data("CP-5"))
        self.validate_picking(order._chain()["pick"])
        self.validate_picking(order._chain()["pack"])
        chain = order._chain()
        self.assertEqual(order.state, "packed")
        self.env["stock.picking"]._cron_check_incomplete_shipments()
        self.assertTrue(self.exceptions_of(chain["out"], "incomplete_shipment"))
