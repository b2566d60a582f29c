"""Only hub channel orders' deliveries are in the shipment lifecycle; the carrier's evidence is the hub's to write."""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CarrierCase


@tagged("post_install", "-at_install")
class TestHubScope(CarrierCase):
    def plain_delivery(self, carrier=None):
        """A sale order typed into Odoo (no channel order): its delivery transfer."""
        partner = self.env["res.partner"].create({"name": "Walk-in customer", "country_id": self.env.ref("base.es").id})
        sale = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [(0, 0, {"product_id": self.mug.id, "product_uom_qty": 1})],
            }
        )
        sale.action_confirm()
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(len(picking), 1)
        if carrier:
            picking.carrier_id = carrier
        return picking

    # --- finding 1: ordinary deliveries stay out of the hub ---------------------------
    def test_ordinary_delivery_is_not_staged_nor_flagged(self):
        picking = self.plain_delivery()
        self.assertFalse(picking.hub_channel_id)
        with freeze_time("2026-11-20 10:00:00"):
            self.validate_picking(picking)
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.hub_shipment_state, "an ordinary delivery is not a hub shipment")
        Picking = self.env["stock.picking"]
        with freeze_time("2026-11-22 10:00:00"):
            Picking._cron_check_incomplete_shipments()
            Picking._cron_check_carrier_receipt()
        self.assertFalse(self.exceptions_of(picking), "no hub exception for a delivery the hub does not run")
        self.assertNotIn(picking, Picking._hub_packed_without_carrier())

    def test_ordinary_delivery_is_not_polled(self):
        picking = self.plain_delivery(carrier=self.dhl)
        picking.carrier_tracking_ref = "340434310428091700"
        self.validate_picking(picking)
        with self.stub():  # no URL registered: any call would fail and open a carrier error
            stored = self.env["stock.picking"]._cron_poll_carrier_tracking()
        self.assertEqual(stored, 0)
        self.assertFalse(self.exceptions_of(picking))

    def test_channel_order_delivery_is_in_the_lifecycle(self):
        order, picking = self.packed_order("S-1", carrier=self.dhl)
        self.assertEqual(picking.hub_channel_id, self.channel)
        self.assertEqual(order.state, "packed")

    # --- finding 3: the carrier's evidence cannot be entered by hand -------------------
    def test_operations_user_cannot_write_the_carrier_evidence(self):
        _event, order = self.ingest(self.order_data("S-2"))
        picking = order._chain()["out"]
        picking.carrier_id = self.dhl
        ops_picking = picking.with_user(self.user_operations)
        # the normal flow, as a warehouse user: validation stages, the label is recorded
        self.validate_picking(ops_picking)
        self.assertEqual(picking.hub_shipment_state, "staged")
        self.dhl_label(ops_picking)
        self.assertTrue(picking.hub_labelled_at)
        picking.with_user(self.user_manager)._hub_manual_handover(
            "R-1", "340434310428091700", datetime(2026, 11, 20, 18, 0), "scanner down"
        )
        self.assertEqual(picking.hub_shipment_state, "handed_to_carrier")
        for values in (
            {"hub_carrier_confirmed_at": datetime(2026, 11, 20, 19, 0)},
            {"hub_handed_at": False},
            {"hub_carrier_receipt_ref": "forged"},
            {"hub_handover_manual": False},
            {"hub_last_carrier_event_at": datetime(2026, 11, 20, 19, 0)},
            {"hub_delivered_at": datetime(2026, 11, 20, 19, 0)},
            {"hub_labelled_at": False},
        ):
            with self.assertRaises(AccessError, msg=values):
                ops_picking.write(values)
        with self.assertRaises(AccessError):
            picking.with_user(self.user_manager).hub_carrier_confirmed_at = datetime(2026, 11, 20, 19, 0)
        with self.assertRaises(AccessError):
            ops_picking.with_context(hub_shipment_transition=True).hub_shipment_state = "delivered"
        # ordinary fields stay writable, and the 24 h alert still fires
        ops_picking.note = "Left at the dock door"
        with freeze_time("2026-11-21 19:00:00"):
            self.env["stock.picking"]._cron_check_carrier_receipt()
        self.assertTrue(self.exceptions_of(picking, "carrier_receipt_missing"))

    def test_evidence_cannot_be_set_at_creation_by_a_user(self):
        values = {
            "picking_type_id": self.warehouse.out_type_id.id,
            "location_id": self.warehouse.lot_stock_id.id,
            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            "hub_carrier_confirmed_at": datetime(2026, 11, 20, 19, 0),
        }
        with self.assertRaises(AccessError):
            self.env["stock.picking"].with_user(self.user_operations).create(values)

    # --- finding 6: the transition note is translated --------------------------------
    def test_transition_note_is_translated(self):
        self.env["res.lang"]._activate_lang("es_ES")
        _order, picking = self.packed_order("S-3", carrier=self.dhl)
        picking.with_user(self.user_manager).with_context(lang="es_ES")._hub_manual_handover(
            "R-1", "340434310428091700", datetime(2026, 11, 20, 18, 0), "escáner roto"
        )
        bodies = picking.message_ids.mapped("body")
        self.assertTrue(any("Envío" in body and "escáner roto" in body for body in bodies), bodies)
