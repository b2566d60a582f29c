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


def test_line_without_sku_carries_its_variant_and_removed_lines_are_cancelled():
    source = order()
    source["line_items"][0]["sku"] = ""
    source["line_items"][1]["current_quantity"] = 0
    lines = M.to_generic_order(source)["lines"]
    assert (lines[0]["sku"], lines[0]["variant_id"]) == ("", "808950810"), "the hub resolves the variant id"
    assert lines[1]["cancelled"] is True and lines[1]["quantity"] == 1
    document = parse_order(M.to_generic_order(source))
    assert (document.lines[0].sku, document.lines[0].variant_id) == ("", "808950810")


def test_tip_and_digital_gift_card_need_no_shipping():
    """A mug, a tip (no SKU, no variant) and a digital gift card: only the mug ships."""
    source = order()
    source["line_items"] = [
        dict(source["line_items"][0], requires_shipping=True),
        {"id": 11, "title": "Tip", "sku": None, "variant_id": None, "quantity": 1, "price": "3.00",
         "requires_shipping": False, "tip": {}},
        {"id": 12, "title": "Gift card", "sku": "", "variant_id": 44000000000199, "quantity": 1, "price": "25.00",
         "requires_shipping": False, "gift_card": True},
    ]  # fmt: skip
    document = parse_order(M.to_generic_order(source))
    assert [(line.sku, line.ships, line.price) for line in document.lines] == [
        ("MUG-001", True, 9.95),
        ("", False, 3.0),
        ("", False, 25.0),
    ]
    assert document.lines[1].name == "Tip"
    physical_card = dict(source["line_items"][2], requires_shipping=True)
    assert M.line_ships(physical_card), "a gift card sent by post is goods"


def test_lines_of_another_fulfillment_service_or_location_are_fulfilled_elsewhere():
    source = order()
    source["line_items"][1]["fulfillment_service"] = "printful"
    lines = M.to_generic_order(source)["lines"]
    assert [line["fulfilled_by"] for line in lines] == ["", "printful"], "no assignment known: the payload's service"
    line_ids = [str(line["id"]) for line in source["line_items"]]
    assigned = {line_ids[0]: "Madrid store", line_ids[1]: ""}
    lines = M.to_generic_order(source, assigned)["lines"]
    assert [line["fulfilled_by"] for line in lines] == ["Madrid store", ""], "the fulfillment orders decide"


def test_refund_lines_carry_line_item_sku_and_variant():
    refund = {
        "id": 509562971,
        "order_id": 1016,
        "refund_line_items": [
            {"line_item_id": 1, "quantity": 1, "restock_type": "return", "line_item": {"sku": "MUG-001"}},
            {"line_item_id": 2, "quantity": 1, "restock_type": "return",
             "line_item": {"sku": None, "variant_id": 49148385, "title": "T-shirt - S"}},
            {"line_item_id": 3, "quantity": 1, "restock_type": "no_restock", "line_item": {"sku": "X"}},
        ],
    }  # fmt: skip
    assert M.refund_return_lines(refund) == [
        {"line_id": "1", "sku": "MUG-001", "variant_id": "", "name": "", "quantity": 1},
        {"line_id": "2", "sku": "", "variant_id": "49148385", "name": "T-shirt - S", "quantity": 1},
    ]


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
    assert data["lines"] == [
        {
            "id": "50011",
            "name": "",
            "sku": "MUG-001",
            "variant_id": "91",
            "quantity": 2,
            "price": None,
            "discount": None,
            "tax": None,
            "cancelled": False,
            "ships": True,
            "fulfilled_by": "",
        }
    ]
    assert data["shipping_address"]["phone"] == "+34612345678"
    assert parse_order(data).external_id == "5001"


def test_a_polled_order_carries_the_amounts_the_webhook_carries():
    money = lambda amount: {"shopMoney": {"amount": amount}}  # noqa: E731
    node = FakeShopify().add_order("5003", "2026-11-20T10:00:00Z", lines=(("MUG-001", 2),))
    node.update(currencyCode="EUR", taxesIncluded=True, totalPriceSet=money("29.20"))
    node["shippingLines"] = {
        "nodes": [
            {"title": "Standard", "code": "standard", "discountedPriceSet": money("4.95"),
             "taxLines": [{"priceSet": money("0.86")}]}
        ]
    }  # fmt: skip
    line = node["lineItems"]["nodes"][0]
    line.update(
        originalUnitPriceSet=money("12.50"),
        totalDiscountSet=money("1.00"),
        taxLines=[{"priceSet": money("4.17")}],
    )
    data = M.to_generic_order(M.rest_order_from_graphql(node))
    amounts = {key: data[key] for key in ("currency", "prices_include_tax", "shipping_price", "shipping_tax", "total")}
    assert amounts == {
        "currency": "EUR",
        "prices_include_tax": True,
        "shipping_price": 4.95,
        "shipping_tax": 0.86,
        "total": "29.20",
    }
    assert (data["lines"][0]["price"], data["lines"][0]["discount"], data["lines"][0]["tax"]) == ("12.50", "1.00", 4.17)


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
