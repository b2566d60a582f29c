"""Expected receipts as owners send them (API and CSV) and the figures a receipt is confirmed with."""

import datetime

import pytest

from odoo.addons.integration_hub.lib import csv_reader
from odoo.addons.integration_hub.lib import receipt_figures as F
from odoo.addons.integration_hub.lib import receipt_payload as P
from odoo.addons.integration_hub.lib.errors import PayloadError


def test_a_purchase_order_with_sku_and_barcode_lines():
    document = P.parse_receipt(
        {
            "reference": "PO-42",
            "supplier": {"id": "SUP-7", "name": "Cerámicas Levante"},
            "expected_date": "2026-12-01",
            "lines": [
                {"id": "1", "sku": "MUG-001", "quantity": 120, "lot": "L2611", "expiry": "2028-11-30"},
                {"barcode": "8400000000024", "quantity": "48"},
            ],
        }
    )
    assert (document.reference, document.supplier_ref, document.supplier_name) == (
        "PO-42",
        "SUP-7",
        "Cerámicas Levante",
    )
    assert document.expected_date == datetime.datetime(2026, 12, 1)
    first, second = document.lines
    assert (first.code, first.lot, first.expiry) == ("MUG-001", "L2611", datetime.date(2028, 11, 30))
    assert (second.external_id, second.code, second.quantity) == ("2", "8400000000024", "48")


def test_a_timestamp_with_offset_is_kept_in_utc():
    document = P.parse_receipt({"reference": "PO-1", "expected_date": "2026-12-01T09:00:00+01:00", "lines": [{}]})
    assert document.expected_date == datetime.datetime(2026, 12, 1, 8, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lines": [{"sku": "A", "quantity": 1}]}, "no 'reference'"),
        ({"reference": "PO-1"}, "has no lines"),
        ({"reference": "PO-1", "lines": "A x 1"}, "'lines' must be a list"),
        ({"reference": "PO-1", "status": "shipped", "lines": [{}]}, "unknown status 'shipped'"),
        ({"reference": "PO-1", "lines": [{"id": "1"}, {"id": "1"}]}, "line id 1 is used twice"),
        ({"reference": "PO-1", "lines": [{"expiry": "30/11/2028"}]}, "is not a date"),
    ],
)
def test_a_message_without_a_receipt_to_keep_is_refused_with_the_reason(data, message):
    with pytest.raises(PayloadError, match=message):
        P.parse_receipt(data)


def test_a_cancellation_needs_no_lines():
    assert P.parse_receipt({"reference": "PO-1", "status": "cancelled"}).status == "cancelled"


def test_receipt_csv_rows_group_by_reference_and_reject_conflicts():
    raw = (
        b"reference;supplier;expected-date;sku;barcode;quantity;lot\n"
        b"PO-1;Levante;2026-12-01;MUG-001;;1.200;L1\n"
        b"PO-1;Levante;2026-12-01;;8400000000024;48;\n"
        b"PO-2;Norte;2026-12-02;MUG-001;;10;\n"
        b"PO-2;Sur;2026-12-02;MUG-002;;10;\n"
        b"PO-3;Levante;2026-12-03;;;10;\n"
        b"PO-4;Levante;2026-12-03;MUG-001;;2,5;\n"
    )
    table = csv_reader.read_table(raw, P.CSV_REQUIRED, P.CSV_OPTIONAL)
    documents, rejected = P.documents_from_rows(table.rows)
    assert len(documents) == 1
    line, data = documents[0]
    assert line == 2 and data["reference"] == "PO-1"
    assert [(row["id"], row["sku"] or row["barcode"], row["quantity"]) for row in data["lines"]] == [
        ("1", "MUG-001", 1200),
        ("2", "8400000000024", 48),
    ]
    assert P.parse_receipt(data).lines[0].lot == "L1"
    reasons = dict(rejected)
    assert "conflict" in reasons[4] and "conflict" in reasons[5]
    assert "names no product" in reasons[6]
    assert "not a whole unit" in reasons[7]


@pytest.mark.parametrize(
    ("expected", "received", "damaged", "tolerance", "result", "difference", "beyond"),
    [
        (10, 10, 0, 0, F.AS_EXPECTED, 0, False),
        (10, 8, 0, 0, F.SHORT, -2, True),
        (10, 12, 0, 0, F.OVER, 2, True),
        (100, 98, 0, 5, F.SHORT, -2, False),  # within 5 %
        (100, 94, 0, 5, F.SHORT, -6, True),
        (10, 9, 1, 0, F.AS_EXPECTED, 0, True),  # all there, one damaged: into quarantine, beyond 0 %
        (0, 3, 0, 50, F.UNEXPECTED, 3, True),
    ],
)
def test_line_figures(expected, received, damaged, tolerance, result, difference, beyond):
    figures = F.line_figures(expected, received, damaged, tolerance)
    assert (figures.result, figures.difference, figures.beyond_tolerance) == (result, difference, beyond)


def test_figures_read_as_a_person_says_them():
    assert F.describe("MUG-001", F.line_figures(10, 8, 1, 0)) == (
        "MUG-001: expected 10, received 9 (1 damaged, into quarantine): short by 1"
    )
    assert F.describe("TS-S", F.line_figures(0, 2, 0, 0)) == "TS-S: not expected, received 2"
