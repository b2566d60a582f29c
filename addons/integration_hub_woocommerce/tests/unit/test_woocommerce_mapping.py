"""The WooCommerce mapping, without a database: statuses, variations, refunds, delivery keys."""

import copy

from odoo.addons.integration_hub.lib.order_payload import parse_order
from odoo.addons.integration_hub_woocommerce.lib import woocommerce as W
from odoo.addons.integration_hub_woocommerce.tests.woocommerce_fake import ORDER


def order(**changes):
    return {**copy.deepcopy(ORDER), **changes}


def test_processing_is_paid_and_the_document_parses():
    hub_type, document = W.order_document(order())
    assert hub_type == "order.updated"
    parsed = parse_order(document)
    assert (parsed.external_id, parsed.name, parsed.financial_status) == ("727", "#727", "paid")
    assert str(parsed.updated_at) == "2026-11-20 09:13:40", "GMT dates without an offset are UTC"
    assert parsed.shipping_address["street2"] == "3º B" and parsed.phone == "+34600111222"
    (line,) = parsed.lines
    assert (line.sku, line.variant_id, line.parent_id, line.quantity) == ("TSHIRT-S", "101", "93", 2)


def test_statuses_map_onto_the_hub_vocabulary():
    assert W.order_document(order(status="on-hold"))[1]["financial_status"] == "pending"
    assert W.order_document(order(status="pending"))[1]["financial_status"] == "pending"
    for status in ("cancelled", "failed", "refunded", "trash"):
        assert W.order_document(order(status=status))[0] == "order.cancelled", status
    assert W.order_document(order(status="checkout-draft"))[0] == "noop"


def test_a_simple_product_line_has_no_parent():
    line = dict(ORDER["line_items"][0], variation_id=0, product_id=50, sku="MUG-001")
    (document_line,) = W.order_document(order(line_items=[line]))[1]["lines"]
    assert (document_line["variant_id"], document_line["parent_id"]) == ("50", "")


def test_refund_items_are_a_return_money_only_is_nothing():
    refund = {
        "id": 61,
        "reason": "",
        "line_items": [
            {
                "sku": "TSHIRT-S",
                "product_id": 93,
                "variation_id": 101,
                "quantity": -2,
                "meta_data": [{"key": "_refunded_item_id", "value": "315"}],
            }
        ],
    }
    hub_type, document = W.refund_document(727, refund)
    assert hub_type == "return.created"
    assert document["lines"] == [{"line_id": "315", "sku": "TSHIRT-S", "variant_id": "101", "name": "", "quantity": 2}]
    assert W.refund_document(727, {"id": 62, "line_items": []})[0] == "noop"


def test_delivery_key_tells_two_versions_apart_under_one_delivery_id():
    headers = {"X-WC-Webhook-ID": "11", "X-WC-Webhook-Delivery-ID": "same-second"}
    first = W.webhook_key(headers.get, b'{"id": 727, "date_modified_gmt": "2026-11-20T09:13:40"}')
    second = W.webhook_key(headers.get, b'{"id": 727, "date_modified_gmt": "2026-11-20T09:13:41"}')
    assert first != second
    assert first == W.webhook_key(headers.get, b'{"id": 727, "date_modified_gmt": "2026-11-20T09:13:40"}')
    assert W.webhook_key(headers.get, b"not json") == "11:same-second::"
