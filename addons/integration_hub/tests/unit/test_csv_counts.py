import pytest

from odoo.addons.integration_hub.lib.csv_counts import parse_counts


def test_good_and_bad_rows_are_separated_with_line_numbers():
    rows, errors = parse_counts(
        "SKU,Location,Counted\nMUG-001,WH/Stock,80\n,WH/Stock,3\nTEE,WH/Stock,many\nTEE,WH/Stock,-1\nTEE,WH/Stock,2,5\n\nCAP,WH/Stock,4.0\n"
    )
    assert rows == [(2, "MUG-001", "WH/Stock", 80.0), (8, "CAP", "WH/Stock", 4.0)]
    assert [number for number, _ in errors] == [3, 4, 5, 6], "an unquoted '2,5' is refused, not read as 2"
    assert "not a number" in errors[1][1]


def test_header_is_validated():
    with pytest.raises(ValueError, match="missing: counted"):
        parse_counts("sku,location,qty\nA,B,1\n")
    with pytest.raises(ValueError, match="empty"):
        parse_counts("")
