import pytest

from odoo.addons.integration_hub.lib.order_validation import MAX_LINE_QUANTITY, check_quantity


@pytest.mark.parametrize("quantity", [1, 3, "2", 2.0, MAX_LINE_QUANTITY])
def test_positive_whole_units_are_valid(quantity):
    assert check_quantity("MUG-001", quantity) == []


@pytest.mark.parametrize(
    ("quantity", "reason"),
    [
        (None, "is missing"),
        (True, "is missing"),
        ("abc", "is not a number"),
        (0, "not a positive whole number"),
        (-1, "not a positive whole number"),
        (2.5, "not a positive whole number"),
        (float("nan"), "not a positive whole number"),
        (float("inf"), "not a positive whole number"),
        (1e308, "more than any line the hub takes"),
        (MAX_LINE_QUANTITY + 1, "more than any line the hub takes"),
    ],
)
def test_what_is_not_a_sellable_quantity_is_named(quantity, reason):
    (problem,) = check_quantity("MUG-001", quantity)
    assert problem.startswith("line MUG-001: quantity")
    assert reason in problem
