import copy
import json
from pathlib import Path

from odoo.addons.integration_hub.lib.order_payload import parse_order
from odoo.addons.integration_hub_shopify.lib import shopify_mapping as M
from odoo.addons.integration_hub_shopify.tests.shopify_fake import FakeShopify

FIXTURE = json.loads((Path(__file__).parent.parent / "fixtures" / "orders_create.json").read_text())


def order(**changes):
    data = copy.deepcopy(FIXTURE)
    data.update(changes)
    return data


def test_signature_is_base64_hmac_sha256_of_the_raw_body():
    body = b'{"id": 1}'
    signature = M.sign("shhh", body)
    assert M.signature_matches("shhh", body, signature)
    assert not M.signature_matches("shhh", body + b" ", signature)
    assert not M.signature_matches("other", body, signature)
    assert not M.signature_matches("shhh", body, "")
    assert not M.signature_matches("", body, signature)


def test_rest_order_maps_to_the_generic_document():
    data = M.to_generic_order(FIXTURE)
    assert data["id"] == "820982911946154508"
    assert data["name"] == "#9999"
    assert data["financial_status"] == "paid"
    assert data["customer"] == {"name": "Jon Doe", "email": "jon@example.com", "phone": "+34 612 345 678"}
    assert data["shipping_address"]["street"] == "Calle de Colón 12"
    assert data["shipping_address"]["street2"] == "3º B"
    assert data["shipping_address"]["country_code"] == "ES"
    assert data["service_level"] == "next_day"
    assert data["special_handling"] == "Leave at the porter's desk\nTags: gift, fragile"
    assert [(line["id"], line["sku"], line["quantity"]) for line in data["lines"]] == [
        ("866550311766439020", "MUG-001", 2),
        ("141249953214522974", "TSHIRT-S", 1),
    ]
    document = parse_order(data)  # the hub's own parser accepts it
    assert document.phone == "+34 612 345 678"
    assert document.updated_at.isoformat() == "2026-11-20T09:00:00"


def test_order_phone_wins_over_the_shipping_phone():
    data = M.to_generic_order(order(phone="+34 699 000 111"))
    assert data["shipping_address"]["phone"] == "+34 699 000 111"
    assert data["customer"]["phone"] == "+34 699 000 111"


def test_no_note_and_no_tags_means_nothing_special_not_unknown():
    data = M.to_generic_order(order(note=None, tags=""))
    assert data["special_handling"] == ""
    assert parse_order(data).special_handling == ""


def test_line_without_sku_resolves_through_its_variant_and_removed_lines_are_cancelled():
    source = order()
    source["line_items"][0]["sku"] = ""
    source["line_items"][1]["current_quantity"] = 0
    lines = M.to_generic_order(source)["lines"]
    assert lines[0]["sku"] == "shopify-variant:808950810"
    assert lines[1]["cancelled"] is True and lines[1]["quantity"] == 1
    source["line_items"][0]["variant_id"] = None
    assert M.to_generic_order(source)["lines"][0]["sku"] == ""


def test_cancelled_order_carries_its_reason():
    data = M.to_generic_order(order(cancelled_at="2026-11-20T12:00:00+01:00", cancel_reason="customer"))
    assert data["cancel_reason"] == "customer"
    assert M.is_cancelled(order(cancelled_at="2026-11-20T12:00:00+01:00"))


def test_graphql_node_maps_like_the_webhook_of_the_same_order():
    node = FakeShopify().add_order(
        "5001", "2026-11-20T10:00:00Z", lines=(("MUG-001", 2),), note="Ring twice", tags=["vip"]
    )
    rest = M.rest_order_from_graphql(node)
    data = M.to_generic_order(rest)
    assert data["id"] == "5001"
    assert data["financial_status"] == "paid"
    assert data["special_handling"] == "Ring twice\nTags: vip"
    assert data["lines"] == [{"id": "50011", "sku": "MUG-001", "quantity": 2, "cancelled": False, "variant_id": "91"}]
    assert data["shipping_address"]["phone"] == "+34612345678"
    assert parse_order(data).external_id == "5001"


def test_ids_and_settings_formats():
    assert M.legacy_id("gid://shopify/Order/42") == "42"
    assert M.gid("Location", 7) == "gid://shopify/Location/7"
    assert M.gid("Location", "gid://shopify/Location/7") == "gid://shopify/Location/7"
    assert M.SHOP_DOMAIN_PATTERN.match("my-shop.myshopify.com")
    assert not M.SHOP_DOMAIN_PATTERN.match("my-shop.com")
    assert M.API_VERSION_PATTERN.match("2025-10")
    assert not M.API_VERSION_PATTERN.match("2025-11")


def test_the_hubs_own_status_tags_are_not_special_handling():
    data = M.to_generic_order(order(tags="gift, hub-dispatched, fragile, HUB-cancel-acknowledged"))
    assert data["special_handling"] == "Leave at the porter's desk\nTags: gift, fragile"
    # only hub tags: the same as no tags at all
    assert M.to_generic_order(order(note=None, tags="hub-dispatched"))["special_handling"] == ""
    node = FakeShopify().add_order("5002", "2026-11-20T10:00:00Z", note=None, tags=["vip", "hub-in-transit"])
    assert M.to_generic_order(M.rest_order_from_graphql(node))["special_handling"] == "Tags: vip"
