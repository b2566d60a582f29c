"""The four connectors through Odoo's delivery.carrier contract, against documented payloads."""

import json

import responses

from odoo.tests import tagged

from .common import CORREOS_URL, DHL_ORDERS, DPD_BASE, SECRETS, UPS_BASE, CarrierCase
from .unit import fixtures as F

UPS_TOKEN_URL = UPS_BASE + "/security/v1/oauth/token"
UPS_SHIP_URL = UPS_BASE + "/api/shipments/v2409/ship"


@tagged("post_install", "-at_install")
class TestCarrierConnectors(CarrierCase):
    def labels_of(self, picking):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", picking.id), ("name", "like", "LabelShipping-")]
        )

    def assert_no_secret_logged(self, delivery_type):
        logs = self.env["ir.logging"].sudo().search([("path", "=", delivery_type)])
        self.assertTrue(logs, "request logging is on for the test carriers")
        text = "\n".join(logs.mapped("message"))
        for secret in SECRETS[delivery_type].values():
            self.assertNotIn(secret, text)

    # --- DHL ---------------------------------------------------------------------------
    def test_dhl_label_success(self):
        _order, picking = self.packed_order("C-DHL-1", carrier=self.dhl)
        with self.stub() as mock:
            call = mock.add(responses.POST, DHL_ORDERS, json=F.DHL_ORDER_OK, status=200)
            picking.send_to_shipper()
        self.assertEqual(picking.carrier_tracking_ref, "340434310428091700")
        self.assertEqual(self.labels_of(picking).mimetype, "application/pdf")
        sent = json.loads(call.calls[0].request.body)
        self.assertEqual(sent["shipments"][0]["product"], "V01PAK")
        self.assertEqual(sent["shipments"][0]["details"]["weight"], {"uom": "g", "value": 500})
        self.assertEqual(sent["shipments"][0]["consignee"]["postalCode"], "46004")
        self.assertEqual(call.calls[0].request.headers["dhl-api-key"], "dhl-ApiKey-123")
        self.assertIn("dhl.de", picking.carrier_tracking_url)
        self.assert_no_secret_logged("hub_dhl")
        self.assertEqual(picking.hub_shipment_state, "staged", "a label is no proof of handover")

    def test_dhl_validation_error_is_an_exception_with_dhl_words(self):
        _order, picking = self.packed_order("C-DHL-2", carrier=self.dhl)
        with self.stub() as mock:
            mock.add(responses.POST, DHL_ORDERS, json=F.DHL_ORDER_400, status=400)
            picking.send_to_shipper()
        self.assertFalse(picking.carrier_tracking_ref)
        exception = self.exceptions_of(picking, "carrier_error")
        self.assertIn("consignee.postalCode", exception.description)

    def test_dhl_auth_failure(self):
        _order, picking = self.packed_order("C-DHL-3", carrier=self.dhl)
        with self.stub() as mock:
            mock.add(
                responses.POST, DHL_ORDERS, json={"status": {"title": "Unauthorized", "statusCode": 401}}, status=401
            )
            picking.send_to_shipper()
        exception = self.exceptions_of(picking, "carrier_error")
        self.assertIn("authentication failed", exception.name)

    def test_dhl_5xx_is_retried(self):
        _order, picking = self.packed_order("C-DHL-4", carrier=self.dhl)
        with self.stub() as mock:
            mock.add(responses.POST, DHL_ORDERS, status=503)
            mock.add(responses.POST, DHL_ORDERS, status=502)
            mock.add(responses.POST, DHL_ORDERS, json=F.DHL_ORDER_OK, status=200)
            picking.send_to_shipper()
            self.assertEqual(len(mock.calls), 3)
        self.assertEqual(picking.carrier_tracking_ref, "340434310428091700")

    def test_dhl_5xx_every_time_is_an_exception_not_a_crash(self):
        _order, picking = self.packed_order("C-DHL-5", carrier=self.dhl)
        with self.stub() as mock:
            mock.add(responses.POST, DHL_ORDERS, status=500)
            picking.send_to_shipper()
            self.assertEqual(len(mock.calls), 3)
        self.assertIn("could not be reached", self.exceptions_of(picking, "carrier_error").name)

    def test_dhl_cancel(self):
        _order, picking = self.packed_order("C-DHL-6", carrier=self.dhl)
        self.dhl_label(picking)
        with self.stub() as mock:
            call = mock.add(responses.DELETE, DHL_ORDERS, json={"status": {"title": "OK", "statusCode": 200}})
            picking.cancel_shipment()
            self.assertIn("shipment=340434310428091700", call.calls[0].request.url)
        self.assertFalse(picking.carrier_tracking_ref)

    def test_missing_weight_and_phone_are_named_before_any_call(self):
        self.mug.weight = 0.0
        _order, picking = self.packed_order("C-DATA-1", carrier=self.correos)
        (picking.partner_id | picking.partner_id.commercial_partner_id).write({"phone": False, "mobile": False})
        picking.sale_id.integration_order_id.sudo().write({"phone_e164": False, "ship_phone": False})
        with self.stub() as mock:
            picking.send_to_shipper()
            self.assertFalse(mock.calls, "no carrier call with incomplete data")
        exception = self.exceptions_of(picking, "shipment_incomplete_data")
        self.assertIn("weight of parcel 1", exception.name)
        self.assertIn("recipient phone", exception.name)

    def test_rates_not_available_is_clear(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.warehouse.partner_id.id, "order_line": [(0, 0, {"product_id": self.mug.id})]}
        )
        for carrier in (self.dhl, self.dpd, self.correos):
            result = carrier.rate_shipment(order)
            self.assertFalse(result["success"])
            self.assertIn("rates are not available", result["error_message"])

    # --- UPS ---------------------------------------------------------------------------
    def test_ups_label_with_oauth_token(self):
        _order, picking = self.packed_order("C-UPS-1", carrier=self.ups)
        with self.stub() as mock:
            token = mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_TOKEN)
            ship = mock.add(responses.POST, UPS_SHIP_URL, json=F.UPS_SHIP_OK)
            picking.send_to_shipper()
            self.assertIn("grant_type=client_credentials", token.calls[0].request.body)
            self.assertEqual(ship.calls[0].request.headers["Authorization"], "Bearer eyJ-first-token")
            sent = json.loads(ship.calls[0].request.body)["ShipmentRequest"]["Shipment"]
        self.assertEqual(sent["Service"]["Code"], "11")
        self.assertEqual(sent["Package"][0]["PackageWeight"]["UnitOfMeasurement"]["Code"], "KGS")
        self.assertEqual(picking.carrier_tracking_ref, "1Z12345E0205271688")
        self.assertTrue(self.labels_of(picking))
        self.assert_no_secret_logged("hub_ups")
        logs = "\n".join(self.env["ir.logging"].sudo().search([("path", "=", "hub_ups")]).mapped("message"))
        self.assertNotIn("eyJ-first-token", logs, "the access token is a secret too")

    def test_ups_expired_token_is_renewed_once(self):
        _order, picking = self.packed_order("C-UPS-2", carrier=self.ups)
        with self.stub() as mock:
            mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_TOKEN)
            mock.add(responses.POST, UPS_TOKEN_URL, json=dict(F.UPS_TOKEN, access_token="eyJ-second-token"))
            ship_expired = mock.add(responses.POST, UPS_SHIP_URL, json=F.UPS_ERROR_401, status=401)
            picking.send_to_shipper()
            self.assertEqual(ship_expired.call_count, 2, "one renewal, one repeat, then it stops")
        self.assertFalse(picking.carrier_tracking_ref, "the stub keeps answering 401: no label, an exception")
        self.assertIn("authentication failed", self.exceptions_of(picking, "carrier_error").name)

    def test_ups_refresh_then_success(self):
        _order, picking = self.packed_order("C-UPS-3", carrier=self.ups)
        with self.stub() as mock:
            mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_TOKEN)
            mock.add(responses.POST, UPS_TOKEN_URL, json=dict(F.UPS_TOKEN, access_token="eyJ-second-token"))
            mock.add(responses.POST, UPS_SHIP_URL, json=F.UPS_ERROR_401, status=401)
            mock.add(responses.POST, UPS_SHIP_URL, json=F.UPS_SHIP_OK)
            picking.send_to_shipper()
            ship_calls = [c for c in mock.calls if c.request.url.startswith(UPS_SHIP_URL)]
            self.assertEqual(
                [c.request.headers["Authorization"] for c in ship_calls],
                ["Bearer eyJ-first-token", "Bearer eyJ-second-token"],
            )
        self.assertEqual(picking.carrier_tracking_ref, "1Z12345E0205271688")

    def test_ups_cached_token_is_reused(self):
        _order, first = self.packed_order("C-UPS-4", carrier=self.ups)
        _order, second = self.packed_order("C-UPS-5", carrier=self.ups)
        with self.stub() as mock:
            token = mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_TOKEN)
            mock.add(responses.POST, UPS_SHIP_URL, json=F.UPS_SHIP_OK)
            first.send_to_shipper()
            second.send_to_shipper()
            self.assertEqual(token.call_count, 1)

    def test_ups_client_credentials_refused(self):
        _order, picking = self.packed_order("C-UPS-6", carrier=self.ups)
        with self.stub() as mock:
            mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_ERROR_401, status=401)
            picking.send_to_shipper()
        self.assertIn("OAuth client credentials refused", self.exceptions_of(picking, "carrier_error").description)

    def test_ups_void(self):
        _order, picking = self.packed_order("C-UPS-7", carrier=self.ups)
        picking.carrier_tracking_ref = "1Z12345E0205271688"
        with self.stub() as mock:
            mock.add(responses.POST, UPS_TOKEN_URL, json=F.UPS_TOKEN)
            void = mock.add(
                responses.DELETE, UPS_BASE + "/api/shipments/v2409/void/cancel/1Z12345E0205271688", json=F.UPS_VOID_OK
            )
            picking.cancel_shipment()
            self.assertEqual(void.call_count, 1)
        self.assertFalse(picking.carrier_tracking_ref)

    # --- DPD ---------------------------------------------------------------------------
    def test_dpd_label_and_fault(self):
        _order, picking = self.packed_order("C-DPD-1", carrier=self.dpd)
        with self.stub() as mock:
            mock.add(responses.POST, DPD_BASE + "/LoginService/V2_0/", body=F.DPD_LOGIN_OK)
            store = mock.add(responses.POST, DPD_BASE + "/ShipmentService/V4_4/", body=F.DPD_STORE_OK)
            picking.send_to_shipper()
            self.assertIn(b"<product>CL</product>", store.calls[0].request.body)
            self.assertIn(b"<weight>50</weight>", store.calls[0].request.body, "0.5 kg = 50 decagrams")
        self.assertEqual(picking.carrier_tracking_ref, "01635012345678")
        self.assert_no_secret_logged("hub_dpd")
        logs = "\n".join(self.env["ir.logging"].sudo().search([("path", "=", "hub_dpd")]).mapped("message"))
        self.assertNotIn("dpd-token-123", logs)

        _order, other = self.packed_order("C-DPD-2", carrier=self.dpd)
        with self.stub() as mock:
            mock.add(responses.POST, DPD_BASE + "/LoginService/V2_0/", body=F.DPD_LOGIN_OK)
            mock.add(responses.POST, DPD_BASE + "/ShipmentService/V4_4/", body=F.DPD_STORE_FAULT)
            other.send_to_shipper()
        self.assertIn("COMMON_7", self.exceptions_of(other, "carrier_error").description)

    def test_dpd_parcel_weight_cap(self):
        self.mug.weight = 1.0
        _order, picking = self.packed_order(
            "C-DPD-3", carrier=self.dpd, lines=[{"id": "1", "sku": "MUG-001", "quantity": 40}]
        )
        with self.stub() as mock:
            picking.send_to_shipper()
            self.assertFalse(mock.calls)
        self.assertIn("over the carrier's 31.5 kg cap", self.exceptions_of(picking, "shipment_incomplete_data").name)

    # --- Correos -----------------------------------------------------------------------
    def test_correos_label_cancel_and_error(self):
        _order, picking = self.packed_order("C-COR-1", carrier=self.correos)
        with self.stub() as mock:
            call = mock.add(responses.POST, CORREOS_URL, body=F.CORREOS_OK)
            picking.send_to_shipper()
            body = call.calls[0].request.body
            self.assertIn(b"<CodProducto>S0132</CodProducto>", body)
            self.assertIn(b"<CP>46004</CP>", body)
            self.assertIn(b"<Provincia>Valencia</Provincia>", body)
            self.assertIn(b"<Valor>500</Valor>", body)
        self.assertEqual(picking.carrier_tracking_ref, "PQ4AAA0712345670146004Z")
        self.assert_no_secret_logged("hub_correos")
        with self.stub() as mock:
            mock.add(responses.POST, CORREOS_URL, body=F.CORREOS_CANCEL_OK)
            picking.cancel_shipment()
        self.assertFalse(picking.carrier_tracking_ref)

        _order, other = self.packed_order("C-COR-2", carrier=self.correos)
        with self.stub() as mock:
            mock.add(responses.POST, CORREOS_URL, body=F.CORREOS_ERROR)
            other.send_to_shipper()
        self.assertIn("Codigo postal del destinatario erroneo", self.exceptions_of(other, "carrier_error").description)

    def test_correos_spanish_address_rules(self):
        order, picking = self.packed_order("C-COR-3", carrier=self.correos)
        # the order passed intake; the address was edited in Odoo afterwards
        picking.partner_id.write({"zip": "4600", "state_id": False})
        order.sudo().ship_state = False
        with self.stub() as mock:
            picking.send_to_shipper()
            self.assertFalse(mock.calls)
        name = self.exceptions_of(picking, "shipment_incomplete_data").name
        self.assertIn("5-digit Spanish CP", name)
        self.assertIn("recipient province", name)

    # --- credentials ---------------------------------------------------------------------
    def test_credentials_are_write_only_and_encrypted(self):
        carrier = self.dhl.with_user(self.user_admin)
        self.assertFalse(carrier.hub_password)
        self.assertIn("Password", carrier.secrets_set)
        stored = (
            self.env["integration.secret"]
            .sudo()
            .search([("res_model", "=", "delivery.carrier"), ("res_id", "=", self.dhl.id)])
        )
        self.assertTrue(stored)
        self.assertNotIn("gkp-Pa55word", "".join(stored.mapped("ciphertext")))
        self.assertEqual(self.dhl._get_secret("hub_password"), "gkp-Pa55word")
