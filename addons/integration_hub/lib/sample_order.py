"""A complete generic ``order.created`` document (DESIGN.md, "Generic order format").

One builder for every place that needs a realistic order without a platform:
the go-live check's test orders, the test suite and the benchmarks. The values
are a Valencia buyer with next-day service, paid; callers override any key.
"""

DEFAULT_PLACED_AT = "2026-11-20T10:00:00+01:00"


def sample_order_data(
    external_id,
    lines=None,
    *,
    buyer_name="Lucía Pérez",
    email="lucia@example.com",
    placed_at=DEFAULT_PLACED_AT,
    **overrides,
):
    """The ``data`` object of an order message, as a dict.

    ``lines`` is a list of ``{"id", "sku", "quantity"}`` dicts (default: one mug,
    ``MUG-001`` × 1); ``placed_at`` is ISO 8601 with offset and is also the
    ``updated_at`` unless overridden. Other keyword arguments replace top-level keys.
    """
    data = {
        "id": external_id,
        "name": f"#{external_id}",
        "placed_at": placed_at,
        "updated_at": placed_at,
        "financial_status": "paid",
        "customer": {"name": buyer_name, "email": email, "phone": "+34 612 345 678"},
        "shipping_address": {
            "name": buyer_name,
            "street": "Calle de Colón 12",
            "street2": "",
            "zip": "46004",
            "city": "Valencia",
            "state": "Valencia",
            "country_code": "ES",
            "phone": "+34 612 345 678",
        },
        "service_level": "next_day",
        "special_handling": "",
        "lines": lines if lines is not None else [{"id": "l1", "sku": "MUG-001", "quantity": 1}],
    }
    data.update(overrides)
    return data


def sample_order_message(external_id, lines=None, **kwargs):
    """The whole message: ``{"type": "order.created", "data": sample_order_data(...)}``."""
    return {"type": "order.created", "data": sample_order_data(external_id, lines, **kwargs)}
