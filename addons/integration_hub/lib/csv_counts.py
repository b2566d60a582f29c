"""Inventory counts from a spreadsheet (the seed's fallback when the WMS is down): sku, location, counted."""

import csv
import io

REQUIRED_COLUMNS = ("sku", "location", "counted")


def parse_counts(text):
    """Return (rows, errors): rows are (line number, sku, location, counted); errors name the line and the problem."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        raise ValueError("the file is empty") from None
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ValueError(f"the header must contain {', '.join(REQUIRED_COLUMNS)}; missing: {', '.join(missing)}")
    index = {column: header.index(column) for column in REQUIRED_COLUMNS}
    rows, errors = [], []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):  # e.g. an unquoted decimal comma "2,5"
            errors.append((number, f"expected {len(header)} columns, found {len(record)}"))
            continue
        sku, location, counted = (record[index[column]].strip() for column in REQUIRED_COLUMNS)
        if not sku or not location:
            errors.append((number, "sku and location are required"))
            continue
        try:
            quantity = float(counted.replace(",", "."))
        except ValueError:
            errors.append((number, f"counted '{counted}' is not a number"))
            continue
        if quantity < 0:
            errors.append((number, f"counted {counted} is negative"))
            continue
        rows.append((number, sku, location, quantity))
    return rows, errors
