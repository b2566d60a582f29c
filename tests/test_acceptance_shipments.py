"""The seed's shipment acceptance scenario, end to end.

An order arrives through the signed webhook, is accepted, picked and packed;
the carrier is chosen by the rules table and the label is made at validation;
the carrier's first scan hands it over, tracking takes it to delivered, and
the channel is told exactly once per step (dispatched, in transit, delivered).
"""

import json

import responses

from odoo.tests import HttpCase, tagged

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin
from odoo.addons.integration_hub_carriers.tests.common import DHL_ORDERS, CarrierMixin
from odoo.addons.integration_hub_carriers.tests.unit import fixtures as F

ROUTE = "/integration_hub/v1/webhooks/"
DHL_TRACK = "https://api-eu.dhl.com/track/shipments"
SHOP_API = "https://shop.example/hub/events"
TRACKING = "340434310428091700"


def dhl_events(*events):
    return {
        "shipments": [
            {
                "id": TRACKING,
                "events": [{"timestamp": at, "statusCode": code, "description": text} for code, at, text in events],
            }
        ]
    }


@tagged("post_install", "-at_install")
class TestShipmentAcceptance(CarrierMixin, HubFactoryMixin, CatalogMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        cls.stock(cls.mug, 10)
        cls.setup_carriers()
        cls.warehouse.out_type_id.print_label = True  # the label is made when the transfer is validated
        cls.channel.api_base_url = SHOP_API
        cls.env["integration.carrier.rule"].create(
            {
                "service_level_id": cls.env.ref("integration_hub.service_level_next_day").id,
                "country_ids": [(6, 0, cls.env.ref("base.es").ids)],
                "weight_max": 30,
                "carrier_id": cls.dhl.id,
                "service_code": "V01PAK",
            }
        )

    def send_order(self, payload):
        body, headers = self.signed_request(payload, msg_id="msg_ship_1")
        response = self.url_open(ROUTE + self.channel.webhook_token, data=body, headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        self.env["integration.event"]._cron_process_inbox()

    def poll(self, document):
        with self.stub() as mock:
            mock.add(responses.GET, DHL_TRACK, json=document)
            self.env["stock.picking"]._cron_poll_carrier_tracking()
        self.env["integration.event"]._cron_process_inbox()

    def run_outbox(self):
        """Deliver due outbox jobs to the shop; return the statuses it received."""
        with self.stub() as mock:
            mock.add(responses.POST, SHOP_API, json={"ok": True})
            self.env["integration.job"]._cron_run_outbox()
            return [json.loads(call.request.body)["data"]["status"] for call in mock.calls]

    def test_order_to_delivered_with_carrier_proof(self):
        self.send_order(self.order_payload("SHIP-1"))
        order = self.env["integration.channel.order"].search([("external_id", "=", "SHIP-1")])
        self.assertEqual(order.state, "accepted")
        picking = order._chain()["out"]
        self.assertEqual((picking.carrier_id, picking.hub_service_code), (self.dhl, "V01PAK"))

        # picked and packed: validating the transfer makes the label, and stages the goods
        with self.stub() as mock:
            label = mock.add(responses.POST, DHL_ORDERS, json=F.DHL_ORDER_OK)
            for move in picking.move_ids:
                move.picked = True
            picking.button_validate()
            self.assertEqual(label.call_count, 1)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, TRACKING)
        self.assertEqual((picking.hub_shipment_state, order.state), ("staged", "packed"))
        self.assertEqual(self.run_outbox(), [], "nothing is told before the carrier has the goods")

        # the carrier's first scan is the proof of receipt: handed over, then in transit
        first = dhl_events(
            ("pre-transit", "2026-11-20T12:00:00+01:00", "The shipment data was transmitted"),
            ("transit", "2026-11-20T18:00:00+01:00", "The shipment was picked up"),
        )
        self.poll(first)
        self.assertEqual(picking.hub_shipment_state, "in_transit")
        self.assertTrue(picking.hub_carrier_receipt_ref)
        self.assertEqual(order.state, "in_transit")
        self.assertEqual(order.tracking_number, TRACKING)
        self.assertEqual(self.run_outbox(), ["dispatched", "in_transit"])

        # the same events again, then the delivery (listed out of order by the carrier)
        self.poll(first)
        self.assertEqual(self.run_outbox(), [])
        self.poll(
            dhl_events(
                ("delivered", "2026-11-21T09:10:00+01:00", "The shipment was delivered"),
                ("transit", "2026-11-20T18:00:00+01:00", "The shipment was picked up"),
                ("pre-transit", "2026-11-20T12:00:00+01:00", "The shipment data was transmitted"),
            )
        )
        self.assertEqual((picking.hub_shipment_state, order.state), ("delivered", "delivered"))
        self.assertEqual(self.run_outbox(), ["delivered"])
        self.poll(dhl_events(("delivered", "2026-11-21T09:10:00+01:00", "The shipment was delivered")))
        self.assertEqual(self.run_outbox(), [], "told exactly once per step")
        jobs = self.env["integration.job"].search([("res_model", "=", order._name), ("res_id", "=", order.id)])
        self.assertEqual(sorted(jobs.mapped("state")), ["done", "done", "done"])

    def test_ups_pushes_tracking_through_the_hub_endpoint(self):
        self.send_order(self.order_payload("SHIP-2"))
        order = self.env["integration.channel.order"].search([("external_id", "=", "SHIP-2")])
        picking = order._chain()["out"]
        picking.carrier_id = self.ups
        with self.stub() as mock:
            mock.add(responses.POST, "https://wwwcie.ups.com/security/v1/oauth/token", json=F.UPS_TOKEN)
            mock.add(responses.POST, "https://wwwcie.ups.com/api/shipments/v2409/ship", json=F.UPS_SHIP_OK)
            for move in picking.move_ids:
                move.picked = True
            picking.button_validate()
        self.assertEqual(picking.carrier_tracking_ref, "1Z12345E0205271688")
        push = {
            "trackingNumber": "1Z12345E0205271688",
            "localActivityDate": "20261122",
            "localActivityTime": "101500",
            "gmtActivityDate": "20261122",
            "gmtActivityTime": "091500",
            "activityStatus": {"type": "D", "code": "FS", "description": "DELIVERED"},
        }
        url = f"/integration_hub/v1/carriers/{self.ups.hub_push_token}/tracking"
        headers = {"content-type": "application/json"}
        self.assertEqual(
            self.url_open("/integration_hub/v1/carriers/nope/tracking", data="{}", headers=headers).status_code, 404
        )
        for _attempt in range(2):  # UPS retries: the second delivery is a duplicate
            response = self.url_open(url, data=json.dumps(push), headers=headers)
            self.assertEqual(response.status_code, 200, response.text)
        self.env["integration.event"]._cron_process_inbox()
        self.assertEqual((picking.hub_shipment_state, order.state), ("delivered", "delivered"))
        self.assertEqual(self.run_outbox(), ["dispatched", "delivered"])

    def test_pushed_tracking_number_must_match_exactly(self):
        self.send_order(self.order_payload("SHIP-3"))
        order = self.env["integration.channel.order"].search([("external_id", "=", "SHIP-3")])
        picking = order._chain()["out"]
        picking.write({"carrier_id": self.ups.id, "carrier_tracking_ref": "1Z12345E0205271688"})
        self.warehouse.out_type_id.print_label = False
        for move in picking.move_ids:
            move.picked = True
        picking.button_validate()
        self.assertEqual(picking.hub_shipment_state, "staged")
        url = f"/integration_hub/v1/carriers/{self.ups.hub_push_token}/tracking"
        headers = {"content-type": "application/json"}
        push = {
            "trackingNumber": "1Z12345E020527",  # a prefix of the real number: another shipment
            "localActivityDate": "20261122",
            "localActivityTime": "101500",
            "gmtActivityDate": "20261122",
            "gmtActivityTime": "091500",
            "activityStatus": {"type": "D", "code": "FS", "description": "DELIVERED"},
        }
        response = self.url_open(url, data=json.dumps(push), headers=headers)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("0 event(s) stored", response.text)
        self.env["integration.event"]._cron_process_inbox()
        self.assertEqual((picking.hub_shipment_state, order.state), ("staged", "packed"))
        push["trackingNumber"] = "1Z12345E0205271688"
        response = self.url_open(url, data=json.dumps(push), headers=headers)
        self.assertIn("1 event(s) stored", response.text)
        self.env["integration.event"]._cron_process_inbox()
        self.assertEqual((picking.hub_shipment_state, order.state), ("delivered", "delivered"))
