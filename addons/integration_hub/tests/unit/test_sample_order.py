from odoo.addons.integration_hub.lib.order_payload import parse_order
from odoo.addons.integration_hub.lib.order_validation import check_address
from odoo.addons.integration_hub.lib.sample_order import sample_order_data, sample_order_message


def test_the_sample_is_a_complete_generic_order():
    """The go-live check, the tests and the benchmarks send it: it must pass the hub's own parser and checks."""
    order = parse_order(sample_order_data("GL-1"))
    assert (order.external_id, order.name, order.financial_status) == ("GL-1", "#GL-1", "paid")
    assert order.placed_at == order.updated_at
    assert order.special_handling == ""
    assert [(line.sku, line.quantity) for line in order.lines] == [("MUG-001", 1)]
    assert check_address(order.shipping_address) == []
    assert order.phone


def test_lines_buyer_and_time_are_the_callers():
    lines = [{"id": "a", "sku": "TEE-S", "quantity": 2}, {"id": "b", "sku": "KIT-1", "quantity": 1}]
    data = sample_order_data(
        "GL-2", lines, buyer_name="Go-live Test", email="golive@example.com", placed_at="2026-12-01T08:00:00+00:00"
    )
    order = parse_order(data)
    assert [(line.external_id, line.sku) for line in order.lines] == [("a", "TEE-S"), ("b", "KIT-1")]
    assert data["customer"]["name"] == data["shipping_address"]["name"] == "Go-live Test"
    assert data["customer"]["email"] == "golive@example.com"
    assert order.placed_at.isoformat() == "2026-12-01T08:00:00"


def test_overrides_replace_top_level_keys_and_the_message_wraps_the_data():
    message = sample_order_message("GL-3", financial_status="pending", special_handling="fragile")
    assert message["type"] == "order.created"
    assert (message["data"]["financial_status"], message["data"]["special_handling"]) == ("pending", "fragile")
    # a fresh dict each call: a caller that edits its copy changes no other order
    message["data"]["lines"].append({"id": "l2", "sku": "X", "quantity": 1})
    assert len(sample_order_data("GL-4")["lines"]) == 1
