"""Carrier events through the inbox: mapped by one table per carrier, deduplicated, forward only."""

from datetime import datetime

import responses

from odoo.tests import tagged

from .common import DPD_BASE, UPS_BASE, CarrierCase
from .unit import fixtures as F

DHL_TRACK = "https://api-eu.dhl.com/track/shipments"


@tagged("post_install", "-at_install")
class TestTracking(CarrierCase):
    def process_inbox(self):
        self.env["integration.event"]._cron_process_inbox()

    def tracking_events(self, picking):
        return (
            self.env["integration.event"]
            .search([("event_type", "=", "shipment.tracking"), ("channel_id", "=", self.channel.id)])
            .filtered(lambda e: e._payload().get("picking_id") == picking.id)
        )

    def deliver_event(self, picking, code, at, carrier="hub_dhl"):
        """One pushed / polled event straight into the inbox, processed."""
        Event = self.env["integration.event"]
        event_id, _new = Event._receive(
            self.channel,
            f"{carrier}:{picking.carrier_tracking_ref}:{code}:{at}",
            "shipment.tracking",
            {
                "carrier": carrier,
                "picking_id": picking.id,
                "tracking": picking.carrier_tracking_ref,
                "code": code,
                "at": at,
            },
        )
        Event.browse(event_id)._process()
        return Event.browse(event_id)

    def test_dhl_poll_tracks_to_delivered_and_tells_the_channel_once_per_step(self):
        order, picking = self.packed_order("T-1", carrier=self.dhl)
        self.dhl_label(picking)
        with self.stub() as mock:
            mock.add(responses.GET, DHL_TRACK, json=F.DHL_TRACKING)
            stored = self.env["stock.picking"]._cron_poll_carrier_tracking()
        self.assertEqual(stored, 4)
        self.process_inbox()
        self.assertEqual(set(self.tracking_events(picking).mapped("state")), {"done"})
        self.assertEqual(picking.hub_shipment_state, "delivered")
        self.assertTrue(picking.hub_carrier_receipt_ref.startswith("hub_dhl:340434310428091700:transit:"))
        self.assertEqual(picking.hub_handed_at, datetime(2026, 11, 20, 17, 0), "the first scan, in UTC")
        self.assertEqual(order.state, "delivered")
        self.assertEqual(
            sorted(self.status_jobs(order).mapped(lambda j: j._payload()["status"])),
            ["delivered", "dispatched", "in_transit"],
        )
        unknown = self.exceptions_of(picking, "carrier_status_unknown")
        self.assertEqual(len(unknown), 1)
        self.assertIn("gibberish", unknown.name)

        # the next poll brings the same events: duplicates, nothing moves, nobody is told twice
        with self.stub() as mock:
            mock.add(responses.GET, DHL_TRACK, json=F.DHL_TRACKING)
            self.env["stock.picking"].search([("id", "=", picking.id)])._cron_poll_carrier_tracking()
        self.process_inbox()
        self.assertEqual(len(self.status_jobs(order)), 3)
        self.assertEqual(len(self.tracking_events(picking)), 4)

    def test_unknown_code_opens_an_exception_and_never_guesses(self):
        _order, picking = self.packed_order("T-2", carrier=self.dhl)
        self.dhl_label(picking)
        self.deliver_event(picking, "transit", "2026-11-20T18:00:00+01:00")
        self.assertEqual(picking.hub_shipment_state, "in_transit")
        event = self.deliver_event(picking, "lost-in-space", "2026-11-21T08:00:00+01:00")
        self.assertEqual(event.state, "done", "stored and handled: the exception is the outcome")
        self.assertEqual(picking.hub_shipment_state, "in_transit")
        self.deliver_event(picking, "lost-in-space", "2026-11-21T09:00:00+01:00")
        exception = self.exceptions_of(picking, "carrier_status_unknown")
        self.assertEqual(len(exception), 1, "one open exception per unknown code")
        self.assertEqual(exception.occurrences, 2)

    def test_out_of_order_events_never_move_backwards(self):
        order, picking = self.packed_order("T-3", carrier=self.dhl)
        self.dhl_label(picking)
        self.deliver_event(picking, "delivered", "2026-11-21T09:10:00+01:00")
        self.assertEqual(picking.hub_shipment_state, "delivered")
        self.deliver_event(picking, "transit", "2026-11-20T18:00:00+01:00")  # late: older scan
        self.assertEqual(picking.hub_shipment_state, "delivered")
        self.deliver_event(picking, "transit", "2026-11-22T10:00:00+01:00")  # newer but backwards
        self.assertEqual(picking.hub_shipment_state, "delivered")
        self.assertEqual(order.state, "delivered")
        self.assertEqual(len(self.status_jobs(order)), 2, "dispatched and delivered, once each")

    def test_ups_tracking_with_token(self):
        order, picking = self.packed_order("T-4", carrier=self.ups)
        picking.carrier_tracking_ref = "1Z12345E0205271688"
        with self.stub() as mock:
            mock.add(responses.POST, UPS_BASE + "/security/v1/oauth/token", json=F.UPS_TOKEN)
            mock.add(responses.GET, UPS_BASE + "/api/track/v1/details/1Z12345E0205271688", json=F.UPS_TRACKING)
            self.env["stock.picking"]._cron_poll_carrier_tracking(carrier_type="hub_ups")
        self.process_inbox()
        self.assertEqual(picking.hub_shipment_state, "delivered")
        self.assertEqual(order.state, "delivered")
        self.assertIn("ZZ", self.exceptions_of(picking, "carrier_status_unknown").name)

    def test_dpd_tracking_first_scan_is_the_handover(self):
        order, picking = self.packed_order("T-5", carrier=self.dpd)
        picking.carrier_tracking_ref = "01635012345678"
        with self.stub() as mock:
            mock.add(responses.POST, DPD_BASE + "/LoginService/V2_0/", body=F.DPD_LOGIN_OK)
            mock.add(responses.POST, DPD_BASE + "/ParcelLifeCycleService/V2_0/", body=F.DPD_TRACKING)
            self.env["stock.picking"]._cron_poll_carrier_tracking(carrier_type="hub_dpd")
        self.process_inbox()
        self.assertEqual(picking.hub_shipment_state, "in_transit", "DELIVERED not reached yet")
        self.assertEqual(order.state, "in_transit")
        self.assertTrue(picking.hub_carrier_confirmed_at)

    def test_correos_events_and_failure_exception(self):
        _order, picking = self.packed_order("T-6", carrier=self.correos)
        picking.carrier_tracking_ref = "PQ4AAA0712345670146004Z"
        self.deliver_event(picking, "A010000V", "2026-11-20T18:00:00", carrier="hub_correos")
        self.assertEqual(picking.hub_shipment_state, "handed_to_carrier")
        self.deliver_event(picking, "H010000V", "2026-11-21T12:00:00", carrier="hub_correos")
        self.assertEqual(picking.hub_shipment_state, "delivery_failed")
        self.assertTrue(self.exceptions_of(picking, "carrier_delivery_problem"))
        self.deliver_event(picking, "I010000V", "2026-11-22T12:00:00", carrier="hub_correos")
        self.assertEqual(picking.hub_shipment_state, "delivered")

    def test_label_created_event_is_no_proof_of_receipt(self):
        _order, picking = self.packed_order("T-7", carrier=self.dhl)
        self.dhl_label(picking)
        self.deliver_event(picking, "pre-transit", "2026-11-20T12:00:00+01:00")
        self.assertEqual(picking.hub_shipment_state, "staged")
        self.assertFalse(picking.hub_carrier_confirmed_at)

    def receive_by_tracking(self, tracking, code="transit", at="2026-11-20T18:00:00+01:00"):
        """A carrier event that names only the tracking number (no transfer id)."""
        Event = self.env["integration.event"]
        event_id, _new = Event._receive(
            self.channel,
            f"hub_dhl:{tracking}:{code}:{at}",
            "shipment.tracking",
            {"carrier": "hub_dhl", "tracking": tracking, "code": code, "at": at},
        )
        event = Event.browse(event_id)
        event._process()
        return event

    def test_tracking_number_matches_exactly_never_a_substring(self):
        _order, picking = self.packed_order("T-8", carrier=self.dhl)
        picking.carrier_tracking_ref = "91234"
        event = self.receive_by_tracking("123")
        self.assertEqual(event.state, "failed", "'123' is not the shipment '91234'")
        self.assertEqual(picking.hub_shipment_state, "staged")
        self.assertFalse(self.env["stock.picking"]._hub_find_by_tracking("1234"))
        self.assertFalse(self.env["stock.picking"]._hub_find_by_tracking("9123_"), "no SQL wildcard either")
        event = self.receive_by_tracking("91234")
        self.assertEqual(event.state, "done")
        self.assertEqual(picking.hub_shipment_state, "in_transit")

    def test_tracking_number_among_several_on_one_transfer(self):
        _order, picking = self.packed_order("T-9", carrier=self.dhl)
        picking.carrier_tracking_ref = "00340434310428091700,00340434310428091717"
        Picking = self.env["stock.picking"]
        self.assertEqual(Picking._hub_find_by_tracking("00340434310428091717"), picking)
        self.assertEqual(Picking._hub_find_by_tracking(" 00340434310428091700 "), picking)
        self.assertFalse(Picking._hub_find_by_tracking("0434310428091717"))
        self.assertFalse(Picking._hub_find_by_tracking("00340434310428091700,0034"))
