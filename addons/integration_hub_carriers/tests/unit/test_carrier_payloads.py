"""Carrier request building and response parsing, without a database."""

import json

import pytest
import requests
from lxml import etree

from odoo.addons.integration_hub.lib.errors import RetryableError
from odoo.addons.integration_hub_carriers.lib import correos, dhl_parcel_de, dpd, shipment_states, ups
from odoo.addons.integration_hub_carriers.lib.shipment import Parcel, validate
from odoo.addons.integration_hub_carriers.lib.transport import AuthError, CarrierRejected, Transport, redact

from . import fixtures as F


class FakeResponse:
    def __init__(self, status_code=200, body=None, content=None, headers=None):
        self.status_code = status_code
        self._body = body
        self.content = content if content is not None else json.dumps(body or {}).encode()
        self.text = self.content.decode()
        self.headers = headers or {}

    def json(self):
        return json.loads(self.content)


# --- validation before any call -----------------------------------------------------
def test_complete_spanish_shipment_has_no_problem():
    assert validate(F.spanish_shipment(), phone_required=True, max_parcel_kg=31.5, spanish_rules=True) == []


def test_missing_parts_are_named():
    shipment = F.spanish_shipment(parcels=[Parcel(weight_kg=0)])
    shipment.recipient.phone = ""
    shipment.recipient.city = ""
    problems = validate(shipment, phone_required=True)
    assert "recipient city" in problems
    assert "recipient phone" in problems
    assert "weight of parcel 1" in problems


def test_spanish_rules_need_province_and_five_digit_cp():
    shipment = F.spanish_shipment()
    shipment.recipient.zip = "4600"
    shipment.recipient.state = ""
    problems = validate(shipment, spanish_rules=True)
    assert any("5-digit Spanish CP" in p for p in problems)
    assert "recipient province" in problems


def test_parcel_weight_cap():
    problems = validate(F.spanish_shipment(parcels=[Parcel(weight_kg=32)]), max_parcel_kg=dpd.MAX_PARCEL_KG)
    assert problems == ["parcel 1 weighs 32 kg, over the carrier's 31.5 kg cap"]


# --- DHL Parcel DE ------------------------------------------------------------------
def test_dhl_order_request_fields():
    body = dhl_parcel_de.build_order_request(F.spanish_shipment())
    shipment = body["shipments"][0]
    assert body["profile"] == "STANDARD_GRUPPENPROFIL"
    assert shipment["product"] == "V01PAK"
    assert shipment["billingNumber"] == "33333333330102"
    assert shipment["details"]["weight"] == {"uom": "g", "value": 1250}
    assert shipment["details"]["dim"] == {"uom": "mm", "length": 300, "width": 200, "height": 100}
    assert shipment["consignee"]["country"] == "ESP"
    assert (shipment["consignee"]["addressStreet"], shipment["consignee"]["addressHouse"]) == ("Calle de Colón", "12")
    assert shipment["consignee"]["phone"] == "+34612345678"


def test_dhl_label_and_validation_error():
    [(number, label)] = dhl_parcel_de.parse_order_response(FakeResponse(200, F.DHL_ORDER_OK))
    assert number == "340434310428091700" and label == F.PDF
    with pytest.raises(CarrierRejected, match="consignee.postalCode: Die Postleitzahl"):
        dhl_parcel_de.parse_order_response(FakeResponse(400, F.DHL_ORDER_400))
    with pytest.raises(AuthError):
        dhl_parcel_de.parse_order_response(FakeResponse(401, {"status": {"title": "Unauthorized"}}))


def test_dhl_tracking_table_and_unknown_code():
    events = dhl_parcel_de.parse_tracking(F.DHL_TRACKING)
    assert [e["code"] for e in events] == ["pre-transit", "transit", "gibberish", "delivered"], "oldest first"
    assert [e["status"] for e in events] == ["label_created", "in_transit", None, "delivered"]
    assert events[0]["at"].isoformat() == "2026-11-20T11:00:00", "stored as naive UTC"


# --- UPS ----------------------------------------------------------------------------
def test_ups_ship_request_fields():
    shipment = F.spanish_shipment(service_code="11", account_number="A1B2C3")
    body = ups.build_ship_request(shipment)["ShipmentRequest"]["Shipment"]
    assert body["Service"]["Code"] == "11"
    assert body["Shipper"]["ShipperNumber"] == "A1B2C3"
    package = body["Package"][0]
    assert package["PackageWeight"] == {"UnitOfMeasurement": {"Code": "KGS"}, "Weight": "1.25"}
    assert package["Dimensions"]["UnitOfMeasurement"]["Code"] == "CM"
    assert body["ShipTo"]["Phone"]["Number"] == "+34612345678"
    assert body["PaymentInformation"]["ShipmentCharge"]["BillShipper"]["AccountNumber"] == "A1B2C3"


def test_ups_responses():
    token, expiry = ups.parse_token(FakeResponse(200, F.UPS_TOKEN), now=1000)
    assert token == "eyJ-first-token" and expiry == 1000 + 14399 - 60
    with pytest.raises(AuthError):
        ups.parse_token(FakeResponse(401, F.UPS_ERROR_401))
    shipment_id, labels, price = ups.parse_ship_response(FakeResponse(200, F.UPS_SHIP_OK))
    assert labels == [("1Z12345E0205271688", F.PDF)] and price == 12.4
    with pytest.raises(CarrierRejected, match="120100: Missing or invalid shipper number"):
        ups.parse_ship_response(FakeResponse(400, F.UPS_ERROR_400))
    assert ups.parse_void_response(FakeResponse(200, F.UPS_VOID_OK))


def test_ups_tracking_table():
    events = ups.parse_tracking(F.UPS_TRACKING)
    assert [(e["code"], e["status"]) for e in events] == [
        ("M", "label_created"),
        ("I", "in_transit"),
        ("ZZ", None),
        ("D", "delivered"),
    ]


# --- DPD ----------------------------------------------------------------------------
def test_dpd_store_orders_request():
    shipment = F.spanish_shipment(service_code="CL", account_number="0163")
    root = etree.fromstring(dpd.build_store_orders(shipment, "sandboxdpd", "dpd-token-123"))
    assert root.xpath("string(//*[local-name()='generalShipmentData']/product)") == "CL"
    assert root.xpath("string(//*[local-name()='generalShipmentData']/sendingDepot)") == "0163"
    assert root.xpath("string(//parcels/weight)") == "125", "decagrams"
    assert root.xpath("string(//*[local-name()='authentication']/authToken)") == "dpd-token-123"
    assert root.xpath("string(//recipient/zipCode)") == "46004"


def test_dpd_responses():
    assert dpd.parse_login(FakeResponse(200, content=F.DPD_LOGIN_OK)) == "dpd-token-123"
    numbers, pdf = dpd.parse_store_orders(FakeResponse(200, content=F.DPD_STORE_OK))
    assert numbers == ["01635012345678"] and pdf == F.PDF
    with pytest.raises(CarrierRejected, match="COMMON_7: Zip code invalid"):
        dpd.parse_store_orders(FakeResponse(200, content=F.DPD_STORE_FAULT))
    events = dpd.parse_tracking(F.DPD_TRACKING, "01635012345678")
    assert [(e["code"], e["status"]) for e in events] == [("ACCEPTED", "picked_up"), ("ON_THE_ROAD", "in_transit")]


# --- Correos ------------------------------------------------------------------------
def test_correos_preregistro_request():
    shipment = F.spanish_shipment(service_code="S0132", account_number="XXX1")
    root = etree.fromstring(correos.build_preregistro(shipment, "XXX1"))
    ns = {"c": correos.NS}
    assert root.findtext(".//c:PreregistroEnvio/c:CodEtiquetador", namespaces=ns) == "XXX1"
    assert root.findtext(".//c:Envio/c:CodProducto", namespaces=ns) == "S0132"
    assert root.findtext(".//c:Envio/c:Pesos/c:Peso/c:TipoPeso", namespaces=ns) == "R"
    assert root.findtext(".//c:Envio/c:Pesos/c:Peso/c:Valor", namespaces=ns) == "1250", "grams"
    assert root.findtext(".//c:Destinatario/c:CP", namespaces=ns) == "46004"
    assert root.findtext(".//c:Destinatario/c:DatosDireccion/c:Provincia", namespaces=ns) == "Valencia"
    assert root.findtext(".//c:Destinatario/c:Telefonocontacto", namespaces=ns) == "+34612345678"


def test_correos_responses():
    number, pdf = correos.parse_preregistro(FakeResponse(200, content=F.CORREOS_OK))
    assert number == "PQ4AAA0712345670146004Z" and pdf == F.PDF
    with pytest.raises(CarrierRejected, match="31: Codigo postal del destinatario erroneo"):
        correos.parse_preregistro(FakeResponse(200, content=F.CORREOS_ERROR))
    assert correos.parse_cancel(FakeResponse(200, content=F.CORREOS_CANCEL_OK))
    events = correos.parse_tracking(F.CORREOS_TRACKING)
    assert [e["status"] for e in events] == ["picked_up", "delivered"]


# --- status tables only map to hub statuses -----------------------------------------------
@pytest.mark.parametrize("module", [dhl_parcel_de, ups, dpd, correos])
def test_status_tables_map_into_hub_statuses(module):
    assert set(module.STATUS_TABLE.values()) <= set(shipment_states.TRACKING_STATUSES)


# --- transport: retries and redaction ----------------------------------------------------
class FakeSession:
    def __init__(self, responses):
        self.responses = list(responses)
        self.calls = 0

    def request(self, method, url, **kwargs):
        self.calls += 1
        item = self.responses.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def test_transport_retries_5xx_then_succeeds_and_logs_redacted():
    logs = []
    session = FakeSession(
        [FakeResponse(503), requests.ConnectionError("down"), FakeResponse(200, {"ok": "s3cr3t-key"})]
    )
    transport = Transport(
        "DHL", secrets=["s3cr3t-key"], log=lambda op, text: logs.append(text), session=session, sleep=lambda s: None
    )
    response = transport.request("POST", "https://x", "create label", headers={"dhl-api-key": "s3cr3t-key"})
    assert response.status_code == 200 and session.calls == 3
    assert all("s3cr3t-key" not in line for line in logs)


def test_transport_gives_up_after_attempts():
    session = FakeSession([FakeResponse(500), FakeResponse(502), FakeResponse(503)])
    transport = Transport("UPS", session=session, sleep=lambda s: None)
    with pytest.raises(RetryableError, match="HTTP 503"):
        transport.request("GET", "https://x", "tracking")


def test_redact_hides_basic_auth_forms():
    import base64

    header = "Basic " + base64.b64encode(b"user:pass-word").decode()
    assert "pass-word" not in redact(f"Authorization: {header} pass-word", ["user", "pass-word"])
    assert base64.b64encode(b"user:pass-word").decode() not in redact(header, ["user", "pass-word"])
