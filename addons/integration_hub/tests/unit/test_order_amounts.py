"""The amounts contract of the order document (lib/order_payload.py; README "The generic webhook format")."""

from odoo.addons.integration_hub.lib.order_payload import parse_order


def document(**fields):
    return {"id": "A-1", "lines": [{"id": "1", "sku": "MUG-001", "quantity": 2}], **fields}


def test_amounts_as_numbers_or_decimal_strings():
    doc = parse_order(
        document(
            currency="eur",
            prices_include_tax="true",
            shipping_price="4.90",
            shipping_tax=0.85,
            total="27.30",
            lines=[{"id": "1", "sku": "MUG-001", "quantity": 2, "price": "9.95", "discount": "1.00", "tax": 3.28}],
        )
    )
    assert (doc.currency, doc.prices_include_tax) == ("EUR", True)
    assert (doc.shipping_price, doc.shipping_tax, doc.total) == (4.9, 0.85, 27.3)
    line = doc.lines[0]
    assert (line.price, line.discount, line.tax) == (9.95, 1.0, 3.28)


def test_amounts_not_sent_or_unreadable_are_none_never_a_refusal():
    doc = parse_order(document(total="n/a", prices_include_tax="no"))
    assert (doc.currency, doc.prices_include_tax, doc.shipping_price, doc.total) == ("", False, None, None)
    assert (doc.lines[0].price, doc.lines[0].discount, doc.lines[0].tax) == (None, None, None)
