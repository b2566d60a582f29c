"""The files a B2B partner drops, recognised by their header, read by the hub's one CSV reader.

Formats (column names compared as lib/csv_reader.column_key does: ``Order ID`` = ``order-id``):

- ``purchase_orders``: ``order-id, sku, quantity, delivery-date, special-notes``; the rows of one
  order-id form one order (seed: "B2B purchase orders"), the delivery date is the requested date, the
  notes the special handling;
- ``returns``: ``return-id, original-order-id, reason, disposition`` (the returns import's format);
- ``counts``: ``sku, location, counted`` (the count import's format).

``detect(raw)`` -> (format, Table) or CsvFileError naming the header found and what each format needs.
``purchase_orders(rows)`` -> (documents, rejected): one order document (the hub's generic format) per
order-id, with the lines it came from, and (line, reason) for every row refused.
"""

import csv
import hashlib
import io
import json
import re
from datetime import datetime

from odoo.addons.integration_hub.lib import csv_reader

FORMATS = {
    "purchase_orders": ("order-id", "sku", "quantity", "delivery-date", "special-notes"),
    "returns": ("return-id", "original-order-id", "reason", "disposition"),
    "counts": ("sku", "location", "counted"),
}
LABELS = {"purchase_orders": "purchase orders", "returns": "returns", "counts": "inventory counts"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def detect(raw):
    """(format name, csv_reader.Table) of the first format whose columns the header holds.

    Raises csv_reader.CsvFileError when the file cannot be read or its header matches no format; the
    message names the header found and the columns of every format.
    """
    text, _encoding = csv_reader.decode(raw)
    for name, columns in FORMATS.items():
        try:
            csv_reader.detect_delimiter(text, columns)
        except csv_reader.CsvFileError:
            continue
        return name, csv_reader.read_table(raw, columns)
    header = next((line for line in text.splitlines() if line.strip()), "")
    expected = "; ".join(f"{LABELS[name]}: {', '.join(columns)}" for name, columns in FORMATS.items())
    raise csv_reader.CsvFileError(
        f"the header {header[:200]!r} is not one of the file formats, so no row was read. Expected ({expected})"
    )


def parse_date(text):
    """A delivery date as people write it: 2026-03-31, 31/03/2026, 31-03-2026 or 31.03.2026."""
    value = (text or "").strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"delivery-date '{value}' is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def purchase_orders(rows, buyer=None):
    """Order documents from purchase-order rows: ([(first line, lines, document)], [(line, reason)]).

    ``buyer``: {"customer": {...}, "shipping_address": {...}, "vat": ...} of the channel's B2B buyer,
    copied into every document. A row is refused for an empty order-id, an SKU in scientific notation,
    a quantity that is not a whole positive number, an unreadable delivery date; an order whose rows
    name different delivery dates is refused whole (never last-wins). A refused row does not hold the
    other rows of its order back: the order is taken with the rows that are good.
    """
    rejected, orders = [], {}
    for row in rows:
        values = row.values
        try:
            order_id = values["order-id"]
            if not order_id:
                raise ValueError("order-id is empty")
            sku = csv_reader.check_code(values["sku"], "SKU")
            if not sku:
                raise ValueError("sku is empty")
            quantity = csv_reader.parse_count(values["quantity"])
            if quantity <= 0:
                raise ValueError(f"quantity '{values['quantity']}' must be more than 0")
            requested = parse_date(values["delivery-date"])
        except ValueError as error:
            rejected.append((row.line, str(error)))
            continue
        orders.setdefault(order_id, []).append((row, sku, int(quantity), requested))
    documents = []
    for order_id, entries in orders.items():
        lines = [entry[0].line for entry in entries]
        dates = {entry[3] for entry in entries}
        if len(dates) > 1:
            listed = ", ".join(sorted(day.isoformat() for day in dates))
            for line in lines:
                rejected.append((line, f"order {order_id}: its rows give different delivery dates ({listed})"))
            continue
        notes = []
        for row, *_rest in entries:
            note = row.values.get("special-notes", "")
            if note and note not in notes:
                notes.append(note)
        requested = dates.pop()
        document = {
            "id": order_id,
            "name": order_id,
            "special_handling": "\n".join(notes),
            "requested_date": requested.isoformat(),
            "lines": [{"id": str(row.line), "sku": sku, "quantity": quantity} for row, sku, quantity, _day in entries],
            **(buyer or {}),
        }
        documents.append((lines[0], lines, document))
    return documents, sorted(rejected)


def digest(document):
    """A short stable digest of a document, for idempotency keys."""
    return hashlib.sha1(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()[:16]


def rejected_csv(rejected):
    """The ``<name>.rejected.csv`` beside a file: line, reason (UTF-8, comma separated)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["line", "reason"])
    writer.writerows(rejected)
    return buffer.getvalue().encode()


def stamped(prefix, code, moment, suffix="csv"):
    """'<prefix>_<code>_<YYYYmmddTHHMMSSZ>.csv': every file the hub writes has a time stamp in its name."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", code or "")
    return f"{prefix}_{safe}_{moment.strftime('%Y%m%dT%H%M%SZ')}.{suffix}"
