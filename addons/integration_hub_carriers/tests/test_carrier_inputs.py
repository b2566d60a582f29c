"""Inputs as carriers really send them, through the entry points they use (push endpoint, labels)."""

import json
from unittest.mock import patch

import responses

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.integration_hub.tests.order_common import OrderCase

from .common import UPS_BASE, CarrierMixin
from .unit import fixtures as F

UPS_TOKEN_URL = UPS_BASE + "/security/v1/oauth/token"
UPS_SHIP_URL = UPS_BASE + "/api/shipments/v2409/ship"


@tagged("post_install", "-at_install")
class TestCarrierInputs(CarrierMixin, OrderCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_carriers()

    def push(self, carrier, message):
        url = f"/integration_hub/v1/carriers/{carrier.hub_push_token}/tracking"
        response = self.url_open(url, data=json.dumps(message), headers={"content-type": "application/json"})
        self.assertEqual(response.status_code, 200, response.text)
        return response

    def ups_label(self, picking):
        with self.stub() as mock:
            mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_TOKEN)
            mock.add(responses.POST, UPS_SHIP_URL, json=F.UPS_SHIP_OK)
            picking.send_to_shipper()
        self.assertEqual(picking.carrier_tracking_ref, "1Z12345E0205271688")

    # --- 8. carrier time stamps ---------------------------------------------------------------
    def test_ups_push_delivered_in_lisbon_after_a_scan_in_madrid_is_applied(self):
        """In transit 10:15 Madrid (09:15 UTC), then delivered 09:45 Lisbon (09:45 UTC): compared in UTC."""
        order, picking = self.packed_order("TZ-1", carrier=self.ups)
        self.ups_label(picking)
        self.push(self.ups, F.ups_push("DP", "I", "20261120", "101500", "20261120", "091500"))
        self.env["integration.event"]._cron_process_inbox()
        self.assertEqual(picking.hub_shipment_state, "in_transit")
        self.push(self.ups, F.ups_push("FS", "D", "20261120", "094500", "20261120", "094500"))
        self.env["integration.event"]._cron_process_inbox()
        self.assertEqual((picking.hub_shipment_state, order.state), ("delivered", "delivered"))
        self.assertEqual(str(picking.hub_delivered_at), "2026-11-20 09:45:00", "the delivery's own UTC moment")
        self.assertFalse(
            [body for body in picking.message_ids.mapped("body") if "Out-of-order" in body],
            "the later event is not taken for an older one",
        )
        self.assertEqual(
            sorted(self.status_jobs(order).mapped(lambda job: job._payload()["status"])),
            ["delivered", "dispatched", "in_transit"],
            "the channel is told",
        )
        events = self.env["integration.event"].search([("event_type", "=", "shipment.tracking")])
        self.assertEqual(
            sorted(events.mapped("idempotency_key")),
            [
                "hub_ups:1Z12345E0205271688:D:2026-11-20 09:45:00",
                "hub_ups:1Z12345E0205271688:I:2026-11-20 09:15:00",
            ],
            "dedupe keys are built on UTC",
        )

    def test_ups_polled_tracking_is_compared_in_utc(self):
        order, picking = self.packed_order("TZ-2", carrier=self.ups)
        self.ups_label(picking)
        self.push(self.ups, F.ups_push("DP", "I", "20261120", "101500", "20261120", "091500"))
        self.env["integration.event"]._cron_process_inbox()
        delivered_in_lisbon = {
            "trackResponse": {
                "shipment": [
                    {
                        "package": [
                            {
                                "trackingNumber": "1Z12345E0205271688",
                                "activity": [
                                    F._ups_activity("D", "DELIVERED", "FS", "20261120", "094500", offset="+00:00"),
                                    F._ups_activity("I", "On the way", "DP", "20261120", "101500", offset="+01:00"),
                                ],
                            }
                        ]
                    }
                ]
            }
        }
        with self.stub() as mock:
            mock.add(responses.GET, UPS_BASE + "/api/track/v1/details/1Z12345E0205271688", json=delivered_in_lisbon)
            stored = self.env["stock.picking"]._cron_poll_carrier_tracking(carrier_type="hub_ups")
        self.assertEqual(stored, 1, "the in-transit scan already pushed is the same UTC moment: a duplicate")
        self.env["integration.event"]._cron_process_inbox()
        self.assertEqual((picking.hub_shipment_state, order.state), ("delivered", "delivered"))

    def test_a_scan_polled_first_then_pushed_is_one_event_not_a_conflict(self):
        """The hub builds a scan's key itself: the push's other wording is the same scan, never "reused id"."""
        order, picking = self.packed_order("TZ-3", carrier=self.ups)
        self.ups_label(picking)
        polled = {
            "trackResponse": {
                "shipment": [
                    {
                        "package": [
                            {
                                "trackingNumber": "1Z12345E0205271688",
                                "activity": [
                                    F._ups_activity("I", "On the way", "DP", "20261120", "101500", offset="+01:00")
                                ],
                            }
                        ]
                    }
                ]
            }
        }
        with self.stub() as mock:
            mock.add(responses.GET, UPS_BASE + "/api/track/v1/details/1Z12345E0205271688", json=polled)
            self.assertEqual(self.env["stock.picking"]._cron_poll_carrier_tracking(carrier_type="hub_ups"), 1)
        self.push(self.ups, F.ups_push("DP", "I", "20261120", "101500", "20261120", "091500"))
        events = self.env["integration.event"].search([("event_type", "=", "shipment.tracking")])
        self.assertEqual(len(events), 1)
        self.assertEqual(events.duplicate_count, 1)
        self.assertFalse(self.env["integration.sync.exception"].search([("event_id", "in", events.ids)]))

    def test_the_push_endpoint_stores_through_the_hubs_safe_transaction(self):
        """Two identical pushes at once: stored once at READ COMMITTED, both answered 200 (see the webhook's
        real-concurrency test in integration_hub/tests/test_queue_resilience.py, same helper)."""
        _order, picking = self.packed_order("TZ-4", carrier=self.ups)
        self.ups_label(picking)
        from odoo.addons.integration_hub_carriers.controllers import carrier_push  # noqa: PLC0415

        with patch.object(
            carrier_push, "store_in_own_transaction", wraps=carrier_push.store_in_own_transaction
        ) as store:
            self.push(self.ups, F.ups_push("DP", "I", "20261120", "101500", "20261120", "091500"))
            self.push(self.ups, F.ups_push("DP", "I", "20261120", "101500", "20261120", "091500"))
        self.assertEqual(store.call_count, 2)
        self.assertEqual(len(self.env["integration.event"].search([("event_type", "=", "shipment.tracking")])), 1)

    # --- 10. a failed label claims nothing ------------------------------------------------------
    def test_failed_label_posts_no_shipment_message(self):
        _order, picking = self.packed_order("LBL-1", carrier=self.ups)
        with self.stub() as mock:
            mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_TOKEN)
            mock.add(responses.POST, UPS_SHIP_URL, json=F.UPS_ERROR_400, status=400)
            picking.send_to_shipper()
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertTrue(self.exceptions_of(picking, "carrier_error"), "the hub's 'label failed' exception")
        bodies = " ".join(picking.message_ids.mapped("body"))
        self.assertIn("failed", bodies)
        self.assertNotIn("Shipment sent to carrier", bodies)
        self.assertNotIn("tracking number False", bodies)

    def test_failed_label_at_validation_posts_no_shipment_message_either(self):
        self.warehouse.out_type_id.print_label = True
        _event, order = self.ingest(self.order_data("LBL-2"))
        picking = order._chain()["out"]
        picking.carrier_id = self.ups
        with self.stub() as mock:
            mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_TOKEN)
            mock.add(responses.POST, UPS_SHIP_URL, json=F.UPS_ERROR_400, status=400)
            self.validate_picking(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.hub_shipment_state, "staged")
        self.assertNotIn("Shipment sent to carrier", " ".join(picking.message_ids.mapped("body")))

    def test_successful_label_still_says_so(self):
        _order, picking = self.packed_order("LBL-3", carrier=self.ups)
        self.ups_label(picking)
        self.assertIn("Shipment sent to carrier UPS", " ".join(picking.message_ids.mapped("body")))

    # --- 6. the carrier is chosen once the stock is reserved -------------------------------------------
    def test_an_order_that_cannot_be_reserved_gets_no_carrier_and_no_stray_exception(self):
        Order = type(self.env["integration.channel.order"])
        with patch.object(Order, "_delivery_reserved", return_value=False):  # taken meanwhile by another order
            _event, order = self.ingest(self.order_data("RES-1", service_level="same_day"))
        self.assertEqual(order.state, "on_hold")
        self.assertIn("could not be reserved", order.validation_problems)
        transfers = self.env["sale.order"].search([("integration_order_id", "=", order.id)]).picking_ids
        stray = self.env["integration.sync.exception"].search(
            [
                ("exception_type", "=", "carrier_rule_missing"),
                ("res_model", "=", "stock.picking"),
                ("res_id", "in", transfers.ids),
            ]
        )
        self.assertTrue(transfers, "the reservation was tried")
        self.assertFalse(stray, "no 'no carrier rule' exception about a transfer that was cancelled")

    def test_a_reserved_order_gets_its_carrier_choice(self):
        self.env["integration.service.level"].create({"name": "Same day", "code": "same_day"})
        _event, order = self.ingest(self.order_data("RES-2", service_level="same_day"))
        self.assertEqual(order.state, "accepted")
        picking = order._chain()["out"]
        self.assertEqual(len(self.exceptions_of(picking, "carrier_rule_missing")), 1, "no rule: an exception")

    # --- 9. service levels ------------------------------------------------------------------------------
    def rule(self, code, carrier, service_code, **values):
        level = self.env.ref(f"integration_hub.service_level_{code}")
        return self.env["integration.carrier.rule"].create(
            {"service_level_id": level.id, "carrier_id": carrier.id, "service_code": service_code, **values}
        )

    def test_shop_shipping_methods_reach_the_carrier_through_the_channel_table(self):
        self.rule("ground", self.correos, "S0133")
        self.rule("next_day", self.dhl, "V01PAK")
        self.channel.shipping_method_ids = [
            (
                0,
                0,
                {"method": "Standard 48h", "service_level_id": self.env.ref("integration_hub.service_level_ground").id},
            ),
            (
                0,
                0,
                {"method": "Express", "service_level_id": self.env.ref("integration_hub.service_level_next_day").id},
            ),
        ]
        _event, standard = self.ingest(self.order_data("SL-1", service_level="standard 48H"))
        _event, express = self.ingest(self.order_data("SL-2", service_level="Express"))
        self.assertEqual(standard._chain()["out"].carrier_id, self.correos)
        self.assertEqual(express._chain()["out"].carrier_id, self.dhl)
        self.assertEqual(standard.service_level_id.code, "ground")

    def test_unmapped_method_opens_one_exception_fixed_from_the_exception(self):
        self.rule("ground", self.correos, "S0133")
        pickup = (
            self.env["integration.service.level"]
            .with_user(self.user_admin)
            .create({"name": "Pickup at Tienda Ruzafa", "code": "pickup_ruzafa"})
        )
        _event, first = self.ingest(self.order_data("SL-3", service_level="Standard 48h"))
        _event, second = self.ingest(self.order_data("SL-4", service_level="Standard 48h"))
        self.assertEqual((first.state, second.state), ("accepted", "accepted"), "the stock is reserved meanwhile")
        exceptions = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.channel.id), ("exception_type", "=", "service_level_unmapped")]
        )
        self.assertEqual(len(exceptions), 1, "one exception per method, not per order")
        self.assertIn("'Standard 48h'", exceptions.name)
        self.assertFalse(first._chain()["out"].carrier_id, "no carrier is guessed")
        self.assertFalse(
            self.exceptions_of(first._chain()["out"], "carrier_rule_missing"), "the method's exception says it all"
        )
        # an administrator fixes it from the exception
        action = exceptions.with_user(self.user_admin).action_open_shipping_method_map()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_admin)
            .with_context(action["context"])
            .create({"service_level_id": self.env.ref("integration_hub.service_level_ground").id})
        )
        self.assertEqual((wizard.channel_id, wizard.method), (self.channel, "Standard 48h"))
        wizard.action_map()
        self.assertEqual(exceptions.state, "resolved")
        self.assertIn("Standard 48h", exceptions.decision)
        for order in first | second:
            self.assertEqual(order.service_level_id.code, "ground")
            self.assertEqual(order._chain()["out"].carrier_id, self.correos, "the waiting orders get their carrier")
        _event, third = self.ingest(self.order_data("SL-5", service_level="Standard 48h"))
        self.assertEqual(third._chain()["out"].carrier_id, self.correos)
        self.assertTrue(pickup)

    def test_only_administrators_map_shipping_methods(self):
        _event, order = self.ingest(self.order_data("SL-6", service_level="Recogida en tienda"))
        exception = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.channel.id), ("exception_type", "=", "service_level_unmapped")]
        )
        with self.assertRaises(AccessError):
            exception.with_user(self.user_manager).action_open_shipping_method_map()
        with self.assertRaises(AccessError):
            self.env["integration.channel.shipping.method"].with_user(self.user_manager).create(
                {
                    "channel_id": self.channel.id,
                    "method": "Recogida en tienda",
                    "service_level_id": self.env.ref("integration_hub.service_level_ground").id,
                }
            )
        self.assertFalse(order.service_level_id)

    def test_the_map_wizard_only_closes_the_exception_of_that_method(self):
        self.ingest(self.order_data("SL-7", service_level="Recogida en tienda"))
        unmapped = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.channel.id), ("exception_type", "=", "service_level_unmapped")]
        )
        unrelated = self.env["integration.sync.exception"]._open("other", "Call the client", "x", record=self.channel)
        ground = self.env.ref("integration_hub.service_level_ground")
        Wizard = self.env["integration.shipping.method.map"].with_user(self.user_admin)
        for forged in (
            {"exception_id": unrelated.id, "channel_id": self.channel.id, "method": "Recogida en tienda"},
            {"exception_id": unmapped.id, "channel_id": self.channel.id, "method": "Express"},
        ):  # what an RPC caller can put in the wizard
            with self.assertRaisesRegex(UserError, "not about shipping method"):
                Wizard.create({**forged, "service_level_id": ground.id}).action_map()
        self.assertEqual((unrelated.state, unmapped.state), ("open", "open"))

    def test_order_naming_no_method_takes_the_channel_default(self):
        self.rule("economy", self.correos, "S0133")
        self.channel.default_service_level_id = self.env.ref("integration_hub.service_level_economy")
        _event, order = self.ingest(self.order_data("SL-7", service_level=""))
        self.assertEqual(order.service_level_id.code, "economy")
        self.assertEqual(order._chain()["out"].carrier_id, self.correos)

    # --- 4. territories outside the EU VAT area ---------------------------------------------------------
    def send(self, data):
        """An order through the signed generic webhook, processed by the inbox."""
        body, headers = self.signed_request({"type": "order.created", "data": data})
        response = self.url_open(
            "/integration_hub/v1/webhooks/" + self.channel.webhook_token, data=body, headers=headers
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.env["integration.event"]._cron_process_inbox()
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", data["id"])]
        )

    def test_canary_islands_order_is_flagged_and_never_given_a_mainland_service(self):
        self.rule("next_day", self.dhl, "V01PAK", country_ids=[(6, 0, self.env.ref("base.es").ids)])
        tenerife = {"zip": "38003", "city": "Santa Cruz de Tenerife", "state": "Santa Cruz de Tenerife"}
        order = self.send(self.order_data("TER-1", service_level="next_day", shipping_address=tenerife))
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.territory_id.code, "ES-CN")
        self.assertTrue(order.customs_documents_required)
        self.assertIn("Canary Islands is outside the EU VAT area", order.customs_reason)
        picking = order._chain()["out"]
        self.assertFalse(picking.carrier_id, "no domestic DHL label for Tenerife")
        exception = self.exceptions_of(picking, "carrier_rule_missing")
        self.assertIn("Canary Islands", exception.description)
        self.assertIn("customs documents", exception.description)
        self.assertIn("ES 38…", exception.description, "the postal area a rule matches on")
        self.assertNotIn("38003", exception.description, "never the customer's whole ZIP")

    def test_ceuta_and_melilla_too(self):
        self.rule("next_day", self.dhl, "V01PAK", country_ids=[(6, 0, self.env.ref("base.es").ids)])
        for number, (zip_code, city, code) in enumerate((("51001", "Ceuta", "ES-CE"), ("52001", "Melilla", "ES-ML"))):
            address = {"zip": zip_code, "city": city, "state": city}
            order = self.send(self.order_data(f"TER-2{number}", service_level="next_day", shipping_address=address))
            self.assertEqual(order.territory_id.code, code)
            self.assertIn("customs union", order.customs_reason)
            self.assertFalse(order._chain()["out"].carrier_id)

    def test_rules_can_name_territories_and_zip_prefixes(self):
        canaries = self.env.ref("integration_hub.territory_es_canary_islands")
        self.rule("next_day", self.dhl, "V01PAK", country_ids=[(6, 0, self.env.ref("base.es").ids)], sequence=20)
        self.rule("next_day", self.correos, "S0132", territory_ids=[(6, 0, canaries.ids)], sequence=10)
        self.rule("ground", self.correos, "S0133", zip_prefixes="51,52", sequence=10)
        tenerife = {"zip": "38003", "city": "Santa Cruz de Tenerife", "state": "Santa Cruz de Tenerife"}
        order = self.send(self.order_data("TER-3", service_level="next_day", shipping_address=tenerife))
        self.assertEqual(order._chain()["out"].carrier_id, self.correos, "the rule naming the territory")
        ceuta = {"zip": "51001", "city": "Ceuta", "state": "Ceuta"}
        order = self.send(self.order_data("TER-4", service_level="ground", shipping_address=ceuta))
        self.assertEqual(order._chain()["out"].hub_service_code, "S0133", "the rule naming the ZIP prefixes")
        order = self.send(self.order_data("TER-5", service_level="next_day"))  # Valencia
        self.assertEqual(order._chain()["out"].carrier_id, self.dhl, "the territory rule is not for the mainland")
        self.assertFalse(order.customs_documents_required)

    def test_a_country_outside_the_eu_needs_customs_documents(self):
        london = {"country_code": "GB", "zip": "SW1A 1AA", "city": "London", "state": "", "phone": "+447911123456"}
        order = self.send(self.order_data("TER-6", shipping_address=london))
        self.assertTrue(order.customs_documents_required)
        self.assertFalse(order.territory_id)

    # --- 5. addresses on labels --------------------------------------------------------------------------
    def address_order(self, external_id, carrier):
        address = {
            "name": "Núria «la Ceramista» Puig 🏺",
            "company": "Cerámica García & Hijos, S.L.",
            "street": "C/ de Sant Miquel, nº 12, 3º 2ª",
            "zip": "46003",
        }
        order = self.send(self.order_data(external_id, shipping_address=address))
        self.assertEqual(order.ship_company, "Cerámica García & Hijos, S.L.", "the company travels in the order")
        picking = order._chain()["out"]
        picking.carrier_id = carrier
        self.validate_picking(picking)
        self.assertEqual(picking.partner_id.company_name, "Cerámica García & Hijos, S.L.", "and on the partner")
        return order, picking

    def test_dhl_label_has_house_number_supplement_and_company(self):
        from .common import DHL_ORDERS

        _order, picking = self.address_order("ADR-1", self.dhl)
        with self.stub() as mock:
            call = mock.add(responses.POST, DHL_ORDERS, json=F.DHL_ORDER_OK)
            picking.send_to_shipper()
        consignee = json.loads(call.calls[0].request.body)["shipments"][0]["consignee"]
        self.assertEqual((consignee["addressStreet"], consignee["addressHouse"]), ("C/ de Sant Miquel", "12"))
        self.assertEqual(consignee["additionalAddressInformation1"], "3º 2ª")
        self.assertEqual(consignee["name1"], "Cerámica García & Hijos, S.L.")
        self.assertEqual(consignee["name2"], 'Núria "la Ceramista" Puig')
        self.assertIn("Label text adapted", " ".join(picking.message_ids.mapped("body")), "a note on the shipment")

    def test_ups_label_is_transliterated_with_a_note(self):
        _order, picking = self.address_order("ADR-2", self.ups)
        with self.stub() as mock:
            mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_TOKEN)
            ship = mock.add(responses.POST, UPS_SHIP_URL, json=F.UPS_SHIP_OK)
            picking.send_to_shipper()
        ship_to = json.loads(ship.calls[0].request.body)["ShipmentRequest"]["Shipment"]["ShipTo"]
        self.assertEqual(ship_to["Name"], "Ceramica Garcia & Hijos, S.L.")
        self.assertEqual(ship_to["AttentionName"], 'Nuria "la Ceramista" Puig')
        self.assertEqual(ship_to["Address"]["AddressLine"], ["C/ de Sant Miquel 12", "3o 2a"])
        self.assertNotIn("?", json.dumps(ship_to))
        note = next(body for body in picking.message_ids.mapped("body") if "Label text adapted" in body)
        self.assertIn("recipient company: á→a", note.replace("&amp;", "&"))
        self.assertNotIn("García", note, "the note names the characters, never the personal data")

    def test_correos_label_number_is_the_house_number(self):
        from .common import CORREOS_URL

        _order, picking = self.address_order("ADR-3", self.correos)
        with self.stub() as mock:
            call = mock.add(responses.POST, CORREOS_URL, body=F.CORREOS_OK)
            picking.send_to_shipper()
        body = call.calls[0].request.body.decode()
        self.assertIn("<Numero>12</Numero>", body)
        self.assertIn("<Empresa>Cerámica García &amp; Hijos, S.L.</Empresa>", body)

    def test_a_line_too_long_for_the_carrier_is_refused_before_the_call(self):
        address = {"company": "Cooperativa Agrícola y Ganadera de la Ribera Alta del Xúquer"}
        order = self.send(self.order_data("ADR-4", shipping_address=address))
        picking = order._chain()["out"]
        picking.carrier_id = self.ups
        self.validate_picking(picking)
        with self.stub() as mock:
            picking.send_to_shipper()
            self.assertFalse(mock.calls, "refused before any call")
        exception = self.exceptions_of(picking, "shipment_incomplete_data")
        self.assertIn("does not fit UPS", exception.name)
        self.assertIn("recipient company has 60 characters, UPS prints at most 35", exception.description)
        self.assertNotIn("Cooperativa", exception.description, "never the value: exceptions are read by many")
