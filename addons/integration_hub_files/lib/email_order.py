"""Purchase orders written in an email: a documented, forgiving text format.

The buyer writes (any case, English or Spanish keys, ``:`` or ``=``, extra text above and below ignored)::

    Order: PO-4711                  (also: PO, Purchase order, Pedido, Order id)
    Delivery date: 15/12/2026       (also: Delivery, Fecha de entrega, Entrega)
    Notes: dock 3, mornings only    (also: Special notes, Notas, Observaciones)
    MUG-001 x 12                    (a line: SKU and quantity, as "SKU x 12", "SKU: 12", "12 x SKU")
    TSHIRT-M x 6

One order per email (a CSV attachment in the purchase-order format may hold several). ``parse(text)``
returns the rows a purchase-order file would have (lib/file_formats.purchase_orders reads them), or
raises ``EmailOrderError`` with everything that could not be read.
"""

import re

from odoo.addons.integration_hub.lib.csv_reader import Row

KEYS = {
    "order-id": ("order", "order id", "order-id", "po", "po number", "purchase order", "pedido", "numero de pedido"),
    "delivery-date": ("delivery date", "delivery-date", "delivery", "fecha de entrega", "entrega", "fecha"),
    "special-notes": ("notes", "special notes", "special-notes", "notas", "observaciones"),
}
FIELD = re.compile(r"^\s*([A-Za-zÁÉÍÓÚáéíóúñÑ .#-]+?)\s*[:=]\s*(.*?)\s*$")
LINE_PATTERNS = (
    re.compile(
        r"^\s*[-*•]?\s*(?P<sku>[A-Za-z0-9][\w./-]*)\s*(?:x|×|:|=)\s*(?P<qty>\d+(?:[.,]\d+)?)\s*(?:u|uds?|units?|pcs)?\.?\s*$",
        re.I,
    ),
    re.compile(r"^\s*[-*•]?\s*(?P<qty>\d+)\s*(?:x|×)\s*(?P<sku>[A-Za-z0-9][\w./-]*)\s*$", re.I),
)


class EmailOrderError(ValueError):
    """What could not be read in the email, line by line, for the automatic reply."""


def _key(label):
    label = re.sub(r"\s+", " ", label.strip().lower().rstrip("#").strip())
    return next((key for key, names in KEYS.items() if label in names), None)


def parse(text):
    """[csv_reader.Row] in the purchase-order format from the email's text; EmailOrderError when unreadable."""
    header, items = {}, []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        for pattern in LINE_PATTERNS:
            match = pattern.match(line)
            if match and not _key(match["sku"]):
                items.append((number, match["sku"], match["qty"]))
                break
        else:
            field = FIELD.match(line)
            key = field and _key(field[1])
            if key and key not in header:
                header[key] = field[2]
    problems = []
    if not header.get("order-id"):
        problems.append("no order number (a line 'Order: <your PO number>')")
    if not header.get("delivery-date"):
        problems.append("no delivery date (a line 'Delivery date: 15/12/2026')")
    if not items:
        problems.append("no order lines (one line per product: 'SKU x quantity', e.g. 'MUG-001 x 12')")
    if problems:
        raise EmailOrderError("; ".join(problems))
    return [
        Row(
            number,
            {
                "order-id": header["order-id"],
                "sku": sku,
                "quantity": quantity,
                "delivery-date": header["delivery-date"],
                "special-notes": header.get("special-notes", ""),
            },
        )
        for number, sku, quantity in items
    ]


def allowed(sender, allowlist):
    """Is ``sender`` (an address) in ``allowlist`` (addresses or domains, '@example.com' or 'example.com')?"""
    address = (sender or "").strip().lower()
    domain = address.rpartition("@")[2]
    for entry in re.split(r"[\s,;]+", (allowlist or "").strip().lower()):
        if entry and (entry == address or entry.lstrip("@") == domain):
            return True
    return False
