"""The PrestaShop mapping, without a database: XML and JSON answers alike, states, combinations, returns."""

import json

import pytest

from odoo.addons.integration_hub.lib.errors import PayloadError
from odoo.addons.integration_hub.lib.order_payload import parse_order
from odoo.addons.integration_hub_prestashop.lib import prestashop as P
from odoo.addons.integration_hub_prestashop.tests.prestashop_fake import FakePrestaShop, order_row

MEANINGS = {"2": P.READY, "4": P.SHIPPED, "6": P.CANCELLED, "10": P.WAITING}
# the sheet's example (GET /api/orders/5), trimmed: XML with CDATA, xlink attributes, nodeType rows
EXAMPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">
 <order>
  <id><![CDATA[5]]></id>
  <id_address_delivery xlink:href="https://shop.example/api/addresses/12"><![CDATA[12]]></id_address_delivery>
  <current_state xlink:href="https://shop.example/api/order_states/2"><![CDATA[2]]></current_state>
  <date_add><![CDATA[2025-03-04 10:12:01]]></date_add>
  <date_upd><![CDATA[2025-03-04 10:13:40]]></date_upd>
  <reference><![CDATA[XKBKNABJK]]></reference>
  <total_paid><![CDATA[29.900000]]></total_paid>
  <associations>
   <order_rows nodeType="order_row" virtualEntity="true">
    <order_row>
     <id><![CDATA[9]]></id>
     <product_id><![CDATA[93]]></product_id>
     <product_attribute_id><![CDATA[101]]></product_attribute_id>
     <product_quantity><![CDATA[2]]></product_quantity>
     <product_name><![CDATA[Tee - Size : M, Color : Blue]]></product_name>
     <product_reference><![CDATA[TEE-BLU-M]]></product_reference>
     <unit_price_tax_incl><![CDATA[12.500000]]></unit_price_tax_incl>
    </order_row>
   </order_rows>
  </associations>
 </order>
</prestashop>"""


def bundle(order, **extra):
    return {
        "order": order,
        "address": {"firstname": "Lucía", "lastname": "Ferrer", "address1": "C/ Colón 12", "postcode": "46004"},
        "customer": {"email": "lucia@example.com"},
        "country_iso": "es",
        "currency_iso": "EUR",
        "carrier": {"name": "Express 24h"},
        **extra,
    }


def test_the_documented_xml_order_reads_like_json():
    order = P.parse_xml(EXAMPLE)["order"]
    (row,) = order["associations"]["order_rows"]
    assert (order["id"], order["current_state"], row["product_reference"]) == ("5", "2", "TEE-BLU-M")
    hub_type, document = P.order_document(bundle(order), MEANINGS, "Europe/Madrid")
    assert hub_type == "order.updated"
    parsed = parse_order(document)
    assert (parsed.external_id, parsed.name, parsed.financial_status) == ("5", "XKBKNABJK", "paid")
    assert str(parsed.updated_at) == "2025-03-04 09:13:40", "shop-local Madrid time (CET) is UTC+1"
    assert parsed.shipping_address["country_code"] == "ES" and parsed.service_level == "Express 24h"
    (line,) = parsed.lines
    assert (line.sku, line.variant_id, line.parent_id, line.quantity, line.price) == (
        "TEE-BLU-M",
        "93-101",
        "93",
        2,
        12.5,
    )
    assert (document["currency"], document["prices_include_tax"], document["total"]) == ("EUR", True, 29.9)


def test_a_list_of_one_is_a_list_and_a_bare_json_list_is_empty():
    body = b"<prestashop><orders><order><id>1</id></order></orders></prestashop>"
    assert P.parse_xml(body) == {"orders": [{"id": "1"}]}
    assert P.parse_xml(b"<prestashop><orders/></prestashop>") == {"orders": ""}
    with pytest.raises(PayloadError):
        P.parse_xml(b"<html><body>502 Bad Gateway")


def test_xml_entities_are_never_expanded():
    body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><prestashop><order><id>&e;</id></order></prestashop>'
    assert "root" not in json.dumps(P.parse_xml(body))


def test_states_map_through_the_channel_and_an_unmapped_one_is_named():
    order = P.parse_xml(EXAMPLE)["order"]
    assert (
        P.order_document(bundle(dict(order, current_state="10")), MEANINGS, "UTC")[1]["financial_status"] == "pending"
    )
    assert P.order_document(bundle(dict(order, current_state="6")), MEANINGS, "UTC")[0] == "order.cancelled"
    with pytest.raises(P.UnmappedState, match="state 14 of order XKBKNABJK is not mapped"):
        P.order_document(bundle(dict(order, current_state="14")), MEANINGS, "UTC")


def test_amounts_follow_the_contract():
    order = {
        "id": "8",
        "current_state": "2",
        "total_paid": "34.800000",
        "total_shipping_tax_incl": "4.840000",
        "total_shipping_tax_excl": "4.000000",
        "associations": {"order_rows": [order_row(1, 50, 0, 2, "MUG-001", price="12.100000")]},
    }
    document = P.order_document(bundle(order), MEANINGS, "UTC")[1]
    assert (document["shipping_price"], document["shipping_tax"], document["total"]) == (4.84, 0.84, 34.8)
    (line,) = document["lines"]
    assert (line["price"], line["tax"], line["variant_id"], line["discount"]) == (12.1, 4.2, "50-0", 0.0)
    reduced = dict(order_row(1, 50, 0, 2, "MUG-001", price="12.100000"), product_price="12.000000")
    reduced["unit_price_tax_excl"] = "10.000000"  # 12.00 before a 2.00 reduction, 21 % VAT
    order["associations"]["order_rows"] = [reduced]
    (line,) = P.order_document(bundle(order), MEANINGS, "UTC")[1]["lines"]
    assert line["discount"] == 4.84, "(12.00 - 10.00) x 1.21 x 2, tax included like the prices"


def test_a_combination_without_reference_keeps_its_combination_id():
    order = {"id": "9", "current_state": "2", "associations": {"order_rows": [order_row(1, 93, 102, 1, "")]}}
    (line,) = P.order_document(bundle(order), MEANINGS, "UTC")[1]["lines"]
    assert (line["sku"], line["variant_id"]) == ("", "93-102")


def test_returns_take_the_returned_quantities_of_the_order_details():
    details = [
        dict(order_row(9, 93, 101, 2, "TSHIRT-S"), product_quantity_return="1"),
        dict(order_row(10, 50, 0, 1, "MUG-001"), product_quantity_return="0"),
    ]
    hub_type, document = P.return_document(
        {"order_return": {"id": "4", "id_order": "77", "state": "2", "question": "too small"}, "details": details}
    )
    assert hub_type == "return.created"
    assert (document["id"], document["status"], document["reason"]) == ("return-4", "authorized", "too small")
    assert document["lines"] == [
        {"line_id": "9", "sku": "TSHIRT-S", "variant_id": "93-101", "name": "Item", "quantity": 1.0}
    ]
    assert P.return_document({"order_return": {"id": "5", "id_order": "77"}, "details": []})[0] == "noop"


def test_the_fake_renders_what_the_parser_reads_in_both_formats():
    shop = FakePrestaShop()
    order = shop.add_order(77, "2026-11-20 10:00:00")
    xml = shop._render({"orders": [order]}, as_json=False)
    assert P.parse_xml(xml)["orders"][0]["associations"]["order_rows"][0]["product_reference"] == "TSHIRT-S"
    states = shop._render({"order_states": list(shop.data["order_states"].values())}, as_json=False)
    assert P.parse_xml(states)["order_states"][1]["name"] == "Payment accepted", "the first language's text"
    assert json.loads(shop._render({"orders": []}, as_json=True)) == []


def test_errors_are_read_from_xml_or_json():
    assert P.errors_of(b'{"errors":[{"code":25,"message":"Bad key"}]}') == "Bad key"
    shop = FakePrestaShop()
    _status, _headers, body = shop._error(400, 41, 'parameter "quantity" required')
    assert P.errors_of(body.encode()) == 'parameter "quantity" required'


def test_write_bodies_are_xml_with_every_field():
    body = P.to_xml("stock_available", {"id": "3", "quantity": 7, "associations": {"x": 1}})
    assert P.parse_xml(body) == {"stock_available": {"id": "3", "quantity": "7"}}
