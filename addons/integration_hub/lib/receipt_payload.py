"""The expected receipt (ASN / purchase order to the warehouse) as its owner sends it, in plain values.

Generic ``receipt.expected``::

    {"reference": "PO-2026-0042", "supplier": {"id": "SUP-7", "name": "Cerámicas Levante"},
     "expected_date": "2026-12-01", "status": "expected",
     "lines": [{"id": "1", "sku": "MUG-001", "quantity": 120, "lot": "L2611", "expiry": "2028-11-30"},
               {"id": "2", "barcode": "8400000000024", "quantity": 48}]}

``reference`` identifies the receipt on its channel (idempotent: the same reference again is an edit or a
duplicate, never a second receipt). A line names its product by ``sku`` or ``barcode``; ``status``
``cancelled`` cancels a receipt whose goods have not arrived. Only structure is checked here (a
reference, a list of lines): a line whose quantity or code is wrong is kept and the receipt held, as for
orders, never dropped. Also the rows of a receipts CSV file (``documents_from_rows``).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from . import csv_reader
from .errors import PayloadError
from .order_payload import parse_timestamp

STATUSES = ("expected", "cancelled")


def _text(value):
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class ReceiptLine:
    external_id: str
    sku: str
    barcode: str
    quantity: object  # as sent: checked by lib/order_validation.check_quantity
    lot: str
    expiry: object  # a date, or None

    @property
    def code(self):
        """The code the line names its product by: the SKU, else the barcode."""
        return self.sku or self.barcode

    def comparable(self):
        return (self.external_id, self.sku, self.barcode, str(self.quantity), self.lot, str(self.expiry or ""))


@dataclass(frozen=True)
class ReceiptDocument:
    reference: str
    supplier_ref: str
    supplier_name: str
    expected_date: object  # naive UTC datetime, or None
    status: str
    lines: tuple

    def comparable(self):
        """What an edit compares (a redelivery of the same content is a duplicate)."""
        return (
            self.supplier_ref,
            self.supplier_name,
            str(self.expected_date or ""),
            self.status,
            tuple(line.comparable() for line in self.lines),
        )


def parse_date(value, name):
    """A calendar date ("2026-12-01"), or None; PayloadError naming the field otherwise."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise PayloadError(f"'{name}' is not a date (YYYY-MM-DD): {value!r}") from None


def parse_moment(value, name):
    """A date (start of that day) or an ISO 8601 timestamp with offset -> naive UTC datetime."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if len(text) == 10:
        return datetime.combine(parse_date(text, name), time())
    return parse_timestamp(text, name)


def parse_receipt(data):
    """A ReceiptDocument, or PayloadError when the message has no receipt to keep (no reference, no lines)."""
    if not isinstance(data, dict):
        raise PayloadError("the expected receipt must be a JSON object")
    reference = _text(data.get("reference") or data.get("id"))
    if not reference:
        raise PayloadError("the expected receipt has no 'reference' (the purchase order or ASN number)")
    status = _text(data.get("status")).lower() or "expected"
    if status not in STATUSES:
        raise PayloadError(f"receipt {reference}: unknown status '{status}'; expected one of {', '.join(STATUSES)}")
    supplier = data.get("supplier")
    if isinstance(supplier, dict):
        supplier_ref, supplier_name = _text(supplier.get("id") or supplier.get("ref")), _text(supplier.get("name"))
    elif supplier in (None, "") or isinstance(supplier, (str, int)):
        supplier_ref, supplier_name = "", _text(supplier)
    else:
        raise PayloadError(f"receipt {reference}: 'supplier' must be an object {{'id', 'name'}} or a name")
    raw_lines = data.get("lines")
    if raw_lines in (None, []) and status != "cancelled":
        raise PayloadError(f"receipt {reference} has no lines")
    raw_lines = raw_lines or []
    if not isinstance(raw_lines, list) or not all(isinstance(line, dict) for line in raw_lines):
        raise PayloadError(f"receipt {reference}: 'lines' must be a list of line objects")
    lines = tuple(
        ReceiptLine(
            external_id=_text(line.get("id")) or str(index + 1),
            sku=_text(line.get("sku")),
            barcode=_text(line.get("barcode")),
            quantity=line.get("quantity"),
            lot=_text(line.get("lot")),
            expiry=parse_date(line.get("expiry"), f"line {index + 1}: expiry"),
        )
        for index, line in enumerate(raw_lines)
    )
    known = [line.external_id for line in lines]
    twice = sorted({line_id for line_id in known if known.count(line_id) > 1})
    if twice:
        raise PayloadError(f"receipt {reference}: line id {', '.join(twice)} is used twice")
    return ReceiptDocument(
        reference=reference,
        supplier_ref=supplier_ref,
        supplier_name=supplier_name,
        expected_date=parse_moment(data.get("expected_date"), "expected_date"),
        status=status,
        lines=lines,
    )


# --- CSV files ----------------------------------------------------------------------------------
CSV_REQUIRED = ("reference", "quantity")
CSV_OPTIONAL = ("supplier", "supplier-id", "expected-date", "line-id", "sku", "barcode", "lot", "expiry")
CSV_HEADER_COLUMNS = ("supplier", "supplier-id", "expected-date")


def documents_from_rows(rows):
    """([(first line, receipt.expected data)], [(line, reason)]) from the rows of a receipts file.

    One row per line; the rows of one ``reference`` make one receipt. Its supplier and expected date must
    be the same on every row (otherwise every row of it is rejected: never last-wins). A row names its
    product by ``sku`` or ``barcode``; a quantity is read the Spanish way (``1.200`` is 1200).
    """
    rejected, groups = {}, {}
    for row in rows:
        values = row.values
        try:
            reference = values["reference"]
            if not reference:
                raise ValueError("reference is empty")
            sku = csv_reader.check_code(values.get("sku", ""), "sku")
            barcode = csv_reader.check_code(values.get("barcode", ""), "barcode")
            if not (sku or barcode):
                raise ValueError("the row names no product: give its sku or its barcode")
            quantity = csv_reader.parse_count(values["quantity"])
            parse_date(values.get("expiry"), "expiry")
            parse_moment(values.get("expected-date"), "expected-date")
        except (ValueError, PayloadError) as error:
            rejected[row.line] = str(error)
            continue
        line = {
            "id": values.get("line-id") or "",
            "sku": sku,
            "barcode": barcode,
            "quantity": int(quantity) if float(quantity).is_integer() else quantity,
            "lot": values.get("lot", ""),
            "expiry": values.get("expiry", ""),
        }
        header = tuple(values.get(column, "") for column in CSV_HEADER_COLUMNS)
        groups.setdefault(reference, []).append((row, header, line))
    documents = []
    for reference, members in groups.items():
        headers = {header for _row, header, _line in members}
        if len(headers) > 1:
            lines = ", ".join(str(row.line) for row, _h, _l in members)
            reason = f"conflict: lines {lines} give receipt {reference} different suppliers or expected dates"
            rejected.update({row.line: reason for row, _h, _l in members})
            continue
        supplier, supplier_id, expected = members[0][1]
        lines = []
        for index, (_row, _header, line) in enumerate(members):
            lines.append({**line, "id": line["id"] or str(index + 1)})
        documents.append(
            (
                members[0][0].line,
                {
                    "reference": reference,
                    "supplier": {"id": supplier_id, "name": supplier},
                    "expected_date": expected,
                    "lines": lines,
                },
            )
        )
    return documents, sorted(rejected.items())
