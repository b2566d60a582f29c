"""The one CSV reader: files as spreadsheets save them, every bad row named with its line, never a crash."""

import pytest

from odoo.addons.integration_hub.lib import csv_reader as C

COUNTS = ("sku", "location", "counted")
RETURNS = ("return-id", "original-order-id", "reason", "disposition")


def test_spanish_excel_file_bom_semicolon_crlf_and_quotes():
    raw = '\ufeffSKU;Location;Counted\r\nMUG-001;WH/Stock;"1.250"\r\n"TSHIRT-S";"WH/Stock";12\r\n'.encode()
    table = C.read_table(raw, COUNTS)
    assert (table.encoding, table.delimiter) == ("UTF-8 (with BOM)", ";")
    assert [(row.line, row.values) for row in table.rows] == [
        (2, {"sku": "MUG-001", "location": "WH/Stock", "counted": "1.250"}),
        (3, {"sku": "TSHIRT-S", "location": "WH/Stock", "counted": "12"}),
    ]
    assert table.describe() == "read as UTF-8 (with BOM), separator semicolon"


def test_blank_lines_above_the_header_are_skipped_and_line_numbers_stay_right():
    raw = b"\r\n\r\nsku;location;counted\r\nMUG-001;WH/Stock;3\r\nTSHIRT-S;WH/Stock;x;y\r\n"
    table = C.read_table(raw, COUNTS)
    assert table.header == ["sku", "location", "counted"]
    assert [(row.line, row.values["sku"]) for row in table.rows] == [(4, "MUG-001")]
    assert [line for line, _reason in table.rejected] == [5]


def test_windows_1252_is_detected():
    raw = "sku;location;counted\nTAZA-AÑO;Almacén/Stock;3\n".encode("cp1252")
    table = C.read_table(raw, COUNTS)
    assert table.encoding == "Windows-1252"
    assert table.rows[0].values["location"] == "Almacén/Stock"


def test_row_with_an_unquoted_separator_is_rejected_with_its_line_and_the_rest_kept():
    raw = (
        b"return-id,original-order-id,reason,disposition\n"
        b"R-1,2015,damaged,rework\n"
        b"R-2,2016,wrong size, too small,sellable\n"
        b'R-3,2017,"wrong colour, too dark",sellable\n'
    )
    table = C.read_table(raw, RETURNS)
    assert [row.values["return-id"] for row in table.rows] == ["R-1", "R-3"]
    assert table.rows[1].values["reason"] == "wrong colour, too dark"
    (line, reason), = table.rejected  # fmt: skip
    assert line == 3
    assert reason.startswith("5 fields, 4 expected")


def test_quoted_value_over_two_lines_keeps_the_line_numbers_right():
    raw = b'sku,location,counted\nMUG-001,"WH/\nStock",1\nTSHIRT-S,WH/Stock,2,3\n'
    table = C.read_table(raw, COUNTS)
    assert [row.line for row in table.rows] == [2]
    assert table.rejected[0][0] == 4


@pytest.mark.parametrize(
    "text, number",
    [("1.250", 1250), ("12.500.000", 12500000), ("2,5", 2.5), ("1.250,5", 1250.5), ("1,250.5", 1250.5),
     ("12.5", 12.5), ("0.250", 0.25), ("7", 7), (" 3 ", 3), ("-2", -2)],
)  # fmt: skip
def test_numbers_are_read_the_spanish_way(text, number):
    assert C.parse_number(text) == number


def test_spanish_thousands_are_never_decimals():
    assert C.parse_count("1.250") == 1250, "1250 units, never 1.25"


@pytest.mark.parametrize(
    "text, reason",
    [("2,5", "not a whole unit"), ("8,4E+12", "scientific notation"), ("many", "not a number"),
     ("-1", "negative"), ("", "no quantity")],
)  # fmt: skip
def test_bad_counts_are_refused_with_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        C.parse_count(text, whole_units=True)


def test_decimal_count_is_fine_for_a_product_not_counted_in_units():
    assert C.parse_count("2,5", whole_units=False) == 2.5


def test_barcode_mangled_by_a_spreadsheet_is_refused():
    with pytest.raises(ValueError, match="scientific notation"):
        C.check_code("8,4E+12", "SKU")
    assert C.check_code(" 8400000000017 ") == "8400000000017"


def test_same_key_with_different_values_is_a_conflict_never_last_wins():
    raw = b"sku,location,counted\nMUG-001,WH/Stock,5\nMUG-001,WH/Stock,6\nTEE,WH/Stock,2\nTEE,WH/Stock,2\n"
    table = C.read_table(raw, COUNTS)
    rejected, repeats = C.conflicts(
        table.rows, key=lambda r: (r.values["sku"], r.values["location"]), value=lambda r: r.values["counted"]
    )
    assert sorted(rejected) == [2, 3]
    assert "lines 2, 3" in rejected[2]
    assert repeats == {5: "repeats line 4: applied once"}


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "empty"),
        (b"PK\x03\x04rest-of-a-zip", "workbook"),
        (b"product|qty\nA|1\n", "missing: sku, location, counted"),
        (b"sku\x00location", "binary"),
        (b"sku,sku,location,counted\n", "more than once"),
    ],
)
def test_files_that_cannot_be_read_are_refused_naming_what_was_found(raw, message):
    with pytest.raises(C.CsvFileError, match=message):
        C.read_table(raw, COUNTS)


def test_column_names_are_matched_loosely():
    table = C.read_table(b"Return ID;Original_Order_ID;Reason;Disposition\nR-1;2015;x;\n", RETURNS)
    assert table.rows[0].values["original-order-id"] == "2015"
