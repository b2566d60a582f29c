"""Mirakl Marketplace Platform, seller API (../shared/platforms/mirakl.md): the client and the mapping, plain Python.

Orders (OR11) map to the hub's generic order document: ``WAITING_ACCEPTANCE`` carries the decision
deadline (created + the operator's acceptance delay) and, with no address yet, ``address_pending``;
``SHIPPING`` and later are paid; ``REFUSED`` and ``CANCELED`` cancel (an auto-refusal is named as
such). Returns (RT11) map to return documents; stock goes out as STO01 CSV imports (OF01 offer
imports where the operator has no STO01) whose STO03 / OF03 error report names the refused lines.
"""

import csv
import io
from datetime import UTC, datetime, timedelta

from odoo.addons.integration_hub.lib.http_client import SERVER_ERROR, HttpClient

PAGE_SIZE = 100  # OR11 ``max`` (upper bound 100 per the seller OpenAPI; unconfirmed for every operator)
# OR11 / STO01: "max once per minute" (published call frequency, not HTTP-enforced): never faster
MIN_CALL_SECONDS = 60
POLLED_STATES = "WAITING_ACCEPTANCE,WAITING_DEBIT,WAITING_DEBIT_PAYMENT,SHIPPING,REFUSED,CANCELED"
SHIPPED_STATES = "SHIPPED,TO_COLLECT,RECEIVED,CLOSED"  # where refunds of goods are read without the Returns API
PAID_STATES = {"SHIPPING", "SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED"}
WAITING_STATES = {"WAITING_ACCEPTANCE", "WAITING_DEBIT", "WAITING_DEBIT_PAYMENT"}
CANCELLED_STATES = {"REFUSED", "CANCELED"}
CANCELLED_LINE_STATES = {"REFUSED", "CANCELED"}
IMPORT_RUNNING = {"WAITING", "RUNNING", "QUEUED", "SENT"}
# RT11 return states -> the hub's return statuses (state names from the seller OpenAPI; unconfirmed per operator)
RETURN_STATUS = {
    "WAITING_ACCEPTANCE": "authorized",
    "ACCEPTED": "authorized",
    "WAITING_RECEPTION": "authorized",
    "SHIPPED": "shipped_back",
    "IN_TRANSIT": "shipped_back",
    "RECEIVED": "shipped_back",
    "REFUSED": "rejected",
    "REJECTED": "rejected",
    "CANCELED": "cancelled",
    "CANCELLED": "cancelled",
}
# ISO 3166-1 alpha-3 (what Mirakl sends in country_iso_code) -> alpha-2 (what Odoo and the hub use):
# the EU, EFTA and the neighbours a Valencia 3PL ships to; another code is passed on and held as unknown.
ALPHA3 = {
    "AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK", "EST": "EE",
    "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "GR", "HUN": "HU", "IRL": "IE", "ITA": "IT", "LVA": "LV",
    "LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL", "PRT": "PT", "ROU": "RO", "SVK": "SK",
    "SVN": "SI", "ESP": "ES", "SWE": "SE", "GBR": "GB", "CHE": "CH", "NOR": "NO", "ISL": "IS", "LIE": "LI",
    "AND": "AD", "MCO": "MC", "GIB": "GI", "MAR": "MA", "USA": "US", "CAN": "CA", "ALA": "AX", "GLP": "GP",
    "MTQ": "MQ", "GUF": "GF", "REU": "RE", "MYT": "YT", "MAF": "MF",
}  # fmt: skip


class MiraklClient(HttpClient):
    """The shop API key sent raw in ``Authorization`` (no "Bearer"); ``shop_id`` for multi-shop users.

    Mirakl documents no 429 and no ``Retry-After``: its limit is the operator's call frequency. A 429
    (or a 5xx) is never retried in-process: the caller's backoff waits the documented minute.
    """

    name = "Mirakl"
    retry_on = (SERVER_ERROR,)
    default_retry_after = MIN_CALL_SECONDS

    def __init__(self, base_url, api_key, shop_id=None, **settings):
        super().__init__(f"{base_url.rstrip('/')}/api", [api_key], **settings)
        self.api_key, self.shop_id = api_key, shop_id

    def authorize(self, call):
        call["headers"]["Authorization"] = self.api_key
        if self.shop_id:
            call["params"] = {**(call.get("params") or {}), "shop_id": self.shop_id}

    def json(self, method, path, what, body=None, **kwargs):
        response = self.request(method, path, what, json=body, **kwargs)
        return response.json() if response.content else {}


def error_code(response):
    """The Mirakl error code of a 4xx answer (``ORDER_PARTIAL_ACCEPTANCE_DISABLED``...), from its JSON body.

    Classic APIs answer ``{"message", "status"}``, newer ones ``{"code", "errors": [{"code"|"field", "message"}]}``:
    the code is looked for in ``code``, in each error, then at the start of ``message``.
    """
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    for candidate in [body.get("code")] + [e.get("code") for e in body.get("errors") or [] if isinstance(e, dict)]:
        if candidate:
            return str(candidate)
    message = str(body.get("message") or "")
    head = message.split(":", maxsplit=1)[0].strip()
    return head if head.isupper() and " " not in head else ""


def _text(value):
    return "" if value is None else str(value).strip()


def _amount(value):
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _taxes(items):
    return round(sum(_amount(item.get("amount")) or 0.0 for item in items or [] if isinstance(item, dict)), 2)


def _name(party):
    party = party or {}
    return " ".join(p for p in (_text(party.get("firstname")), _text(party.get("lastname"))) if p)


def country_code(address):
    """Alpha-2 from Mirakl's alpha-3 ``country_iso_code`` (an unknown code is passed on, and held by the hub)."""
    code = _text(address.get("country_iso_code")).upper()
    return ALPHA3.get(code, code)


def _timestamp(value):
    """Mirakl's ISO 8601 (``...Z`` or an offset) as it is; a naive one is UTC."""
    text = _text(value)
    if text and not (text.endswith("Z") or "+" in text[10:] or "-" in text[11:]):
        text += "Z"
    return text


def decision_deadline(order, acceptance_delay_hours):
    """When the operator auto-refuses a ``WAITING_ACCEPTANCE`` order: created + its acceptance delay (ISO, UTC).

    OR11 names no deadline: the delay is the operator's (3 days on one marketplace, 5 on another).
    """
    created = _text(order.get("created_date"))
    if not created or not acceptance_delay_hours:
        return None
    moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (moment.astimezone(UTC) + timedelta(hours=acceptance_delay_hours)).isoformat()


def order_document(order, acceptance_delay_hours=72):
    """(hub type, document) of an OR11 order: the generic order document (README), amounts as sent."""
    state = _text(order.get("order_state"))
    order_id = _text(order.get("order_id"))
    if state == "STAGING":  # the operator's fraud check: not the seller's yet
        return "noop", {"order_id": order_id, "reason": "order in STAGING (fraud check) is not the seller's yet"}
    customer = order.get("customer") or {}
    address = customer.get("shipping_address")
    pending = address is None and state in WAITING_STATES
    address = address or {}
    phone = _text(address.get("phone")) or _text(address.get("phone_secondary"))
    lines, shipping_tax = [], 0.0
    for line in order.get("order_lines") or []:
        quantity = line.get("quantity")
        unit = _amount(line.get("price_unit"))
        if unit is None and _amount(line.get("price")) is not None and quantity:
            unit = round(_amount(line.get("price")) / quantity, 4)  # ``price`` is the line's price
        shipping_tax += _taxes(line.get("shipping_taxes"))
        lines.append(
            {
                "id": _text(line.get("order_line_id")),
                "sku": _text(line.get("offer_sku")),
                "variant_id": _text(line.get("offer_id")),
                "quantity": quantity,
                "name": _text(line.get("product_title")),
                "price": unit,
                "tax": _taxes(line.get("taxes")),
                "discount": round(
                    sum(_amount(p.get("deduced_amount")) or 0.0 for p in line.get("promotions") or []), 2
                ),
                "cancelled": _text(line.get("order_line_state")) in CANCELLED_LINE_STATES,
            }
        )
    document = {
        "id": order_id,
        "name": _text(order.get("commercial_id")) or order_id,
        "placed_at": _timestamp(order.get("created_date")),
        "updated_at": _timestamp(order.get("last_updated_date")),
        "financial_status": "paid" if state in PAID_STATES else "pending",
        "customer": {
            "name": _name(customer) or _name(address),
            "email": _text(order.get("customer_notification_email")),  # the operator's anonymised relay
            "phone": phone,
        },
        "shipping_address": {
            "name": _name(address),
            "company": _text(address.get("company")),
            "street": _text(address.get("street_1")),
            "street2": _text(address.get("street_2")),
            "zip": _text(address.get("zip_code")),
            "city": _text(address.get("city")),
            "state": _text(address.get("state")),
            "country_code": country_code(address),
            "phone": phone,
        },
        "address_pending": pending,
        "service_level": _text(order.get("shipping_type_code")) or _text(order.get("shipping_type_label")),
        "special_handling": "",
        "currency": _text(order.get("currency_iso_code")),
        "prices_include_tax": _text(order.get("order_tax_mode")) != "TAX_EXCLUDED",
        "shipping_price": _amount(order.get("shipping_price")),
        "shipping_tax": round(shipping_tax, 2),
        "total": _amount(order.get("total_price")),
        "lines": lines,
    }
    if state == "WAITING_ACCEPTANCE":  # the seller must accept or refuse each line (OR21)
        document["decision_deadline"] = decision_deadline(order, acceptance_delay_hours)
    if state in CANCELLED_STATES:
        if state == "REFUSED" and not order.get("acceptance_decision_date"):
            document["cancel_reason"] = "auto-refused by the operator: not accepted before the acceptance deadline"
        else:
            document["cancel_reason"] = f"order {state} in Mirakl"
        return "order.cancelled", document
    return "order.updated", document


def return_document(rma):
    """(hub type, document) of an RT11 return: its lines by order line, else offer SKU."""
    lines = [
        {
            "line_id": _text(line.get("order_line_id")),
            "sku": _text(line.get("offer_sku")),
            "quantity": line.get("quantity"),
        }
        for line in rma.get("return_lines") or []
        if line.get("quantity")
    ]
    if not lines:
        return "noop", {"order_id": _text(rma.get("order_id")), "reason": "return without goods"}
    tracking = rma.get("tracking") or {}
    document = {
        "id": _text(rma.get("id")),
        "order_id": _text(rma.get("order_id")),
        "reason": _text(rma.get("reason_code")) or "Mirakl return",
        "claim": _text(rma.get("rma")),
        "tracking": _text(tracking.get("tracking_number")) if isinstance(tracking, dict) else _text(tracking),
        "status": RETURN_STATUS.get(_text(rma.get("state")), "authorized"),
        "lines": lines,
    }
    return "return.created", document


def refund_documents(order):
    """[(key, hub type, document)] of an OR11 order's line refunds that give goods back (``quantity`` > 0).

    For operators without the Returns API (RT11): a refund with a quantity is a return of those units.
    """
    documents = []
    for line in order.get("order_lines") or []:
        for refund in line.get("refunds") or []:
            if not refund.get("quantity"):
                continue  # money only: nothing for the warehouse
            document = {
                "id": f"refund-{_text(refund.get('id'))}",
                "order_id": _text(order.get("order_id")),
                "reason": _text(refund.get("reason_code")) or "Mirakl refund",
                "status": "authorized",
                "lines": [
                    {"line_id": _text(line.get("order_line_id")), "sku": _text(line.get("offer_sku")),
                     "quantity": refund.get("quantity")}
                ],
            }  # fmt: skip
            documents.append((f"refund:{_text(refund.get('id'))}", "return.created", document))
    return documents


# --- inventory: the import files ----------------------------------------------------------------
def stock_file(quantities):
    """STO01 CSV: ``offer-sku;quantity;warehouse-code;update-delete``, one line per SKU in sorted order.

    No warehouse code: the offer's global quantity. The line number of an SKU is its rank + 1 (header).
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["offer-sku", "quantity", "warehouse-code", "update-delete"])
    for sku in sorted(quantities):
        writer.writerow([sku, int(quantities[sku]), "", "update"])
    return out.getvalue().encode()


def offer_file(quantities):
    """OF01 CSV for operators without STO01: ``sku;quantity;update-delete`` (imported as a partial update)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["sku", "quantity", "update-delete"])
    for sku in sorted(quantities):
        writer.writerow([sku, int(quantities[sku]), "update"])
    return out.getvalue().encode()


def error_report(text, skus):
    """{sku: "line n: reason"} from an STO03 / OF03 error report (CSV, ``;``-separated, with a header).

    Per the seller OpenAPI the first column is the line number in error and the second the reason, followed
    by the line itself (ready to fix and re-import; column names unconfirmed): the SKU is read from
    ``offer-sku`` / ``sku``, else found from the line number in the file sent (``skus`` in file order).
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    if not rows:
        return {}
    header = [name.strip().lower().replace("_", "-") for name in rows[0]]

    def column(*names):
        return next((header.index(name) for name in names if name in header), None)

    # STO03: "the first column contains the line number in error, the second the error reason", then the line
    sku_at = column("offer-sku", "sku")
    line_at = column("error-line", "line-number", "line")
    line_at = 0 if line_at is None else line_at
    message_at = column("error-message", "errors", "message", "error", "error-reason")
    message_at = 1 if message_at is None else message_at
    errors = {}
    for row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        number, sku, message = (
            row[at].strip() if at is not None and at < len(row) else "" for at in (line_at, sku_at, message_at)
        )
        if not sku and number.isdigit() and 2 <= int(number) <= len(skus) + 1:
            sku = skus[int(number) - 2]
        key = sku or f"line {number or '?'}"
        where = f"line {number}: " if number else ""
        errors[key] = f"{where}{message or 'refused without a reason'}"
    return errors


# --- shipments ----------------------------------------------------------------------------------
def tracking_body(tracking, carriers):
    """OR23 / ST tracking: the operator's registered carrier code (SH21) when the hub's carrier is one of
    them (by code or name, without case), else its name and full tracking URL."""
    tracking = tracking or {}
    company = _text(tracking.get("company"))
    body = {"tracking_number": _text(tracking.get("number"))}
    wanted = company.lower()
    for carrier in carriers or []:
        if wanted and wanted in (_text(carrier.get("code")).lower(), _text(carrier.get("label")).lower()):
            body["carrier_code"] = carrier["code"]
            return body
    body["carrier_name"] = company or "Carrier"
    if tracking.get("url"):
        body["carrier_url"] = _text(tracking.get("url"))
    return body
