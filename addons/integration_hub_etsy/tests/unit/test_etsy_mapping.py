"""The Etsy mapping, without a database: statuses, notes, the phone policy, the listing inventory body, PKCE."""

import base64
import copy
import hashlib
from urllib.parse import parse_qs, urlparse

from odoo.addons.integration_hub.lib.order_payload import parse_order
from odoo.addons.integration_hub_etsy.lib import etsy as E
from odoo.addons.integration_hub_etsy.tests.etsy_fake import RECEIPT, money, tee_inventory


def receipt(**changes):
    return {**copy.deepcopy(RECEIPT), **changes}


def test_a_paid_receipt_is_an_order_with_its_notes_and_no_phone_unless_the_channel_gives_one():
    hub_type, document = E.order_document(receipt(status="Paid"), "shop_phone", "+34 960 123 456")
    assert hub_type == "order.updated"
    parsed = parse_order(document)
    assert (parsed.external_id, parsed.financial_status, parsed.phone) == ("3021745515", "paid", "+34 960 123 456")
    assert str(parsed.placed_at) == "2026-11-23 09:02:01", "epoch seconds are UTC"
    assert parsed.special_handling == "Buyer's note: Gift, no invoice please\nPersonalisation of TSHIRT-S: ANA"
    assert (parsed.lines[0].variant_id, parsed.lines[0].parent_id, parsed.lines[0].price) == (
        "9876543210",
        "1234567890",
        12.5,
    )
    assert (parsed.total, parsed.shipping_price, parsed.currency) == (29.9, 4.9, "EUR")
    _type, held = E.order_document(receipt(), "hold", "+34 960 123 456")
    assert held["shipping_address"]["phone"] == "" and "Etsy receipts carry none" in held["withheld"]


def test_statuses_compare_case_insensitively():
    assert E.order_document(receipt(status="Fully Refunded"))[0] == "order.cancelled"
    assert E.order_document(receipt(status="Canceled"))[1]["cancel_reason"] == "receipt canceled on Etsy"
    waiting = E.order_document(receipt(status="Payment Processing", is_paid=False))[1]
    assert waiting["financial_status"] == "pending"
    assert E.order_document(receipt(status="Partially Refunded"))[1]["financial_status"] == "partially_refunded"
    digital = receipt()
    digital["transactions"][0]["is_digital"] = True
    assert E.order_document(digital)[1]["lines"][0]["ships"] is False


def test_the_inventory_body_changes_only_quantities_and_keeps_everything_else():
    inventory = tee_inventory()
    body, refused = E.inventory_update(inventory, {"TSHIRT-M": 7.0, "GONE": 1})
    assert refused == {"GONE": "no product of this Etsy listing has this SKU any more"}
    assert [p["sku"] for p in body["products"]] == ["TSHIRT-S", "TSHIRT-M"]
    assert [p["offerings"][0]["quantity"] for p in body["products"]] == [3, 7]
    assert [p["offerings"][0]["price"] for p in body["products"]] == [12.5, 13.9], "Money read, float written"
    assert "offering_id" not in body["products"][0]["offerings"][0]
    assert body["products"][0]["property_values"][0] == {
        "property_id": 100,
        "property_name": "Size",
        "scale_id": 17,
        "value_ids": [1001],
        "values": ["S"],
    }
    assert (body["price_on_property"], body["quantity_on_property"], body["sku_on_property"]) == ([100], [100], [100])
    assert E.inventory_update(inventory, {"TSHIRT-S": 5000})[0]["products"][0]["offerings"][0]["quantity"] == 999
    shared = tee_inventory()
    shared["quantity_on_property"] = []
    body, refused = E.inventory_update(shared, {"TSHIRT-S": 9})
    assert body is None and "quantities vary" in refused["TSHIRT-S"]
    shared["products"][1]["offerings"][0]["quantity"] = 3  # both at 3: a common figure can still be written
    body, refused = E.inventory_update(shared, {"TSHIRT-S": 3})
    assert not refused and body["products"][1]["offerings"][0]["price"] == 13.9
    body, refused = E.inventory_update(tee_inventory(), {"TSHIRT-S": 0, "TSHIRT-M": 0})
    assert body is None and "deactivate the listing on Etsy" in refused["TSHIRT-M"], "Etsy cannot zero a listing"
    assert E.inventory_update(tee_inventory(), {"TSHIRT-S": 0})[0]["products"][0]["offerings"][0]["quantity"] == 0


def test_consent_url_carries_an_s256_challenge_of_the_verifier():
    url, verifier = E.pkce_start("keystring", "https://hub.example.com/integration_hub/etsy/oauth", "7.abc")
    query = {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert (query["code_challenge"], query["code_challenge_method"], query["state"]) == (digest, "S256", "7.abc")
    assert query["scope"] == "transactions_r transactions_w listings_r listings_w"
    assert 43 <= len(verifier) <= 128
    assert E.carrier_name("Correos") == "correos" and E.carrier_name("Paquetería Levante") == "other"
    assert E.money(money(1390)) == 13.9
