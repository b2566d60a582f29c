"""Oracle NetSuite SuiteTalk REST (../shared/platforms/netsuite.md): the client and the mapping, plain Python.

- Every call is signed with OAuth 1.0a token-based authentication (HMAC-SHA256, ``realm`` = the account id in
  upper case with an underscore: ``1234567_SB1``) by requests-oauthlib; the host is the account id in lower case
  with a hyphen (``1234567-sb1.suitetalk.api.netsuite.com``).
- NetSuite governs concurrency per account (REST, SOAP and RESTlets together): a channel sends one request at a
  time by default (``gate``: a slot held around each call); 429 and ``CONCURRENCY_LIMIT_EXCEEDED`` are retryable.
- NetSuite has no idempotency keys: what the hub creates carries an ``externalId`` the hub derives from its own
  key (``external_id()``), looked up (``GET …/eid:<externalId>``) before anything is created again.
- Documents: a sales order becomes the hub's order document, a purchase order a ``receipt.expected``, an
  inventory item a ``product.upserted``; a shipment becomes the body of the sales order's transform into an item
  fulfillment, a receipt confirmation the purchase order's transform into an item receipt, an inventory position
  an inventory adjustment by delta (``adjustQtyBy``).
"""

import re
from contextlib import nullcontext
from datetime import UTC, datetime

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from requests_oauthlib import OAuth1

from odoo.addons.integration_hub.lib.errors import PermanentError, RetryableError
from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient, redact

PAGE_SIZE = 100  # SuiteQL rows per page (limit 1..1000; the offset must be a multiple of it)
SUITEQL_TIME = "%Y-%m-%d %H:%M:%S"
CONCURRENCY_CODES = {"CONCURRENCY_LIMIT_EXCEEDED", "SSS_REQUEST_LIMIT_EXCEEDED"}
# sales order status (SalesOrd:<x>): A pending approval, B pending fulfillment, C cancelled, D partially fulfilled,
# E pending billing / partially fulfilled, F pending billing, G billed, H closed
SO_RELEASED, SO_CANCELLED, SO_DONE = frozenset("BDE"), frozenset("CH"), frozenset("FG")
# purchase order status (PurchOrd:<x>): A pending supervisor approval, B pending receipt, C rejected, D partially
# received, E pending billing / partially received, F pending bill, G fully billed, H closed
PO_OPEN, PO_CANCELLED = frozenset("BDE"), frozenset("CH")
KG_PER = {"kg": 1.0, "g": 0.001, "lb": 0.45359237, "oz": 0.028349523125}


def host_of(account_id):
    """``1234567_SB1`` -> ``1234567-sb1`` (the account id as NetSuite's host names spell it)."""
    return (account_id or "").strip().lower().replace("_", "-")


def realm_of(account_id):
    """``1234567-sb1`` -> ``1234567_SB1`` (the OAuth realm: upper case, underscore)."""
    return (account_id or "").strip().upper().replace("-", "_")


def base_url(account_id):
    return f"https://{host_of(account_id)}.suitetalk.api.netsuite.com/services/rest"


def external_id(prefix, key):
    """An ``externalId`` NetSuite accepts (letters, digits, ``_`` and ``-``; ``|`` would split it) from a hub key."""
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9_-]+', '-', str(key)).strip('-')}"[:200]


def suiteql_time(moment):
    return moment.strftime(SUITEQL_TIME)


def quoted(value):
    """A SuiteQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def error_text(answer):
    """NetSuite's words in an error answer: each ``o:errorDetails`` entry's code and detail."""
    if not isinstance(answer, dict):
        return ""
    details = answer.get("o:errorDetails") or []
    texts = [
        f"{d.get('o:errorCode')}: {d.get('detail')}" if d.get("o:errorCode") else str(d.get("detail") or "")
        for d in details
        if isinstance(d, dict)
    ]
    return "; ".join(t for t in texts if t) or str(answer.get("title") or "")


def error_codes(answer):
    details = (answer or {}).get("o:errorDetails") if isinstance(answer, dict) else None
    return {str(d.get("o:errorCode")) for d in details or [] if isinstance(d, dict)}


class NetSuiteClient(HttpClient):
    """``https://<account>.suitetalk.api.netsuite.com/services/rest/…`` signed per call (TBA, HMAC-SHA256).

    ``gate()`` returns the context manager that holds one of the channel's concurrency slots around each call
    (the adapter's PostgreSQL advisory lock); 400 answers naming a concurrency error are retryable like 429.
    """

    name = "NetSuite"
    retry_on = (RATE_LIMITED, SERVER_ERROR)
    default_retry_after = 5.0  # NetSuite sends no Retry-After with its 429

    def __init__(self, account_id, credentials, gate=None, **settings):
        self.consumer_key, self.consumer_secret, self.token, self.token_secret = credentials
        self.realm = realm_of(account_id)
        self.gate = gate or nullcontext
        super().__init__(base_url(account_id), credentials, **settings)

    def authorize(self, call):
        # a fresh signer per call: each attempt gets its own nonce and timestamp
        call["auth"] = OAuth1(
            self.consumer_key,
            client_secret=self.consumer_secret,
            resource_owner_key=self.token,
            resource_owner_secret=self.token_secret,
            signature_method=SIGNATURE_HMAC_SHA256,
            realm=self.realm,
        )

    def request(self, method, path, what, accept=(), **kwargs):
        with self.gate():
            response = super().request(method, path, what, accept=(*accept, 400), **kwargs)
        if response.status_code != 400 or 400 in accept:
            return response
        answer = _json(response)
        if error_codes(answer) & CONCURRENCY_CODES:
            text = redact(error_text(answer), self.secrets)
            raise RetryableError(f"NetSuite {what}: {text}", seconds=self.default_retry_after)
        raise PermanentError(f"NetSuite {what}: {redact(error_text(answer), self.secrets) or 'HTTP 400'}")

    def json(self, method, path, what, body=None, **kwargs):
        response = self.request(method, path, what, json=body, **kwargs)
        return _json(response) if response.content else {}

    def suiteql(self, query, what, offset=0, limit=None):
        """(rows of one page, more pages after it). ``Prefer: transient`` as SuiteQL over REST requires."""
        limit = limit or PAGE_SIZE
        answer = self.json(
            "POST",
            f"query/v1/suiteql?limit={limit}&offset={offset}",
            what,
            {"q": query},
            headers={"Prefer": "transient"},
        )
        return answer.get("items") or [], bool(answer.get("hasMore"))

    def record(self, record_type, record_id, what):
        return self.json("GET", f"record/v1/{record_type}/{record_id}?expandSubResources=true", what)

    def find(self, record_type, external, what):
        """The record whose ``externalId`` the hub set, or None (``GET …/eid:<externalId>``; 404: none)."""
        response = self.request("GET", f"record/v1/{record_type}/eid:{external}", what, accept=(404,))
        return None if response.status_code == 404 else _json(response)

    def create(self, path, body, what):
        """POST a record (or a transform); NetSuite answers 204 with the new record's URL in ``Location``."""
        response = self.request("POST", path, what, json=body)
        return (response.headers.get("Location") or "").rstrip("/").rsplit("/", 1)[-1]


def _json(response):
    try:
        return response.json()
    except ValueError:
        return {}


# --- reading NetSuite's records ------------------------------------------------------------------
def _text(value):
    return "" if value is None else str(value).strip()


def _ref(value):
    """The id of a select field (``{"id", "refName"}``) or of a plain value."""
    return _text(value.get("id")) if isinstance(value, dict) else _text(value)


def _ref_name(value):
    return _text(value.get("refName")) if isinstance(value, dict) else _text(value)


def _status(record):
    """A transaction's status letter (``B``) from ``{"id": "B"}`` or ``"SalesOrd:B"``."""
    status = _ref(record.get("status") or record.get("orderStatus"))
    return status.rsplit(":", 1)[-1][:1].upper()


def _lines(record):
    items = record.get("item") or {}
    return items.get("items") or [] if isinstance(items, dict) else items


def item_sku(line):
    """The SKU of a line: the item's name (``itemId``); a matrix child's ``Parent : Child`` keeps the child."""
    return _ref_name(line.get("item")).rsplit(" : ", 1)[-1].strip()


def _number(value):
    number = float(value or 0)
    return int(number) if number.is_integer() else number


def stamp(value):
    """NetSuite's ``lastModifiedDate`` (ISO 8601) as a naive UTC cursor text, '' when unreadable."""
    text = _text(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _ours(line_or_record, location):
    """Does this line (or purchase order) belong to the warehouse's NetSuite location? No location set: all do."""
    return not location or _ref(line_or_record.get("location")) in ("", str(location))


def order_document(order, location=None):
    """(hub type, document) of a sales order (``GET salesOrder/{id}?expandSubResources=true``).

    Released (B, D, E) → ``order.updated`` (an ERP order is paid for the warehouse's purposes); cancelled or closed
    (C, H) → ``order.cancelled``; pending approval (A) or already fulfilled (F, G) → ``noop``. Lines at another
    location are not the warehouse's and are left out; closed lines are cancelled lines.
    """
    status, order_id = _status(order), _text(order.get("id"))
    if status in SO_CANCELLED:
        reason = f"sales order {order.get('tranId') or order_id} {_ref_name(order.get('status')) or status} in NetSuite"
        return "order.cancelled", {"id": order_id, "cancel_reason": reason}
    if status not in SO_RELEASED:
        why = "pending approval" if status == "A" else f"status {_ref_name(order.get('status')) or status}"
        return "noop", {"order_id": order_id, "reason": f"sales order not released to the warehouse ({why})"}
    lines = []
    for line in _lines(order):
        if not _ours(line, location):
            continue
        quantity = _number(line.get("quantity"))
        document_line = {
            "id": _text(line.get("line")),
            "sku": item_sku(line),
            "variant_id": _ref(line.get("item")),
            "quantity": quantity,
            "name": _text(line.get("description")) or _ref_name(line.get("item")),
            "price": line.get("rate"),
        }
        if line.get("isClosed"):
            document_line["cancelled"] = True
        lines.append(document_line)
    if not lines:
        reason = f"no line of sales order {order.get('tranId') or order_id} ships from location {location}"
        return "noop", {"order_id": order_id, "reason": reason}
    address = order.get("shippingAddress") or {}
    country = address.get("country")
    customer = _ref_name(order.get("entity"))
    document = {
        "id": order_id,
        "name": _text(order.get("tranId")) or order_id,
        "placed_at": f"{order['tranDate']}T00:00:00+00:00" if order.get("tranDate") else None,
        "updated_at": _text(order.get("lastModifiedDate")) or None,
        "financial_status": "paid",
        "customer": {"name": customer, "email": _text(order.get("email")), "phone": _text(address.get("addrPhone"))},
        "shipping_address": {
            "name": _text(address.get("addressee")) or customer,
            "company": _text(address.get("attention")),
            "street": _text(address.get("addr1")),
            "street2": _text(address.get("addr2")),
            "zip": _text(address.get("zip")),
            "city": _text(address.get("city")),
            "state": _text(address.get("state")),
            "country_code": (_ref(country) if isinstance(country, dict) else _text(country)).upper(),
            "phone": _text(address.get("addrPhone")),
        },
        "service_level": _ref_name(order.get("shipMethod")),
        "special_handling": _text(order.get("memo")),
        "currency": _ref_name(order.get("currency")) if order.get("currency") else None,
        "lines": lines,
    }
    return "order.updated", {k: v for k, v in document.items() if v is not None}


def receipt_document(purchase, location=None):
    """(hub type, document) of a purchase order: ``receipt.expected`` while open (B, D, E) at the warehouse's
    location, its lines with what is still to receive; cancelled / closed (C, H) → ``"status": "cancelled"``."""
    status, reference = _status(purchase), _text(purchase.get("tranId")) or _text(purchase.get("id"))
    if not _ours(purchase, location):
        return "noop", {"reason": f"purchase order {reference} is for another location"}
    supplier = purchase.get("entity") or {}
    document = {
        "reference": reference,
        "supplier": {"id": _ref(supplier), "name": _ref_name(supplier)},
        "expected_date": _text(purchase.get("dueDate") or purchase.get("tranDate")) or None,
        "lines": [],
    }
    if status in PO_CANCELLED:
        return "receipt.expected", {**document, "status": "cancelled"}
    if status not in PO_OPEN:
        return "noop", {"reason": f"purchase order {reference} is not open for receipt (status {status})"}
    for line in _lines(purchase):
        remaining = _number(line.get("quantity")) - _number(line.get("quantityReceived"))
        if line.get("isClosed") or remaining <= 0:
            continue
        document["lines"].append({"id": _text(line.get("line")), "sku": item_sku(line), "quantity": remaining})
    return "receipt.expected", {k: v for k, v in document.items() if v is not None}


def weight_kg(item):
    unit = _ref_name(item.get("weightUnit")).lower() or "kg"
    if not item.get("weight"):
        return None
    return round(float(item["weight"]) * KG_PER.get(unit, 1.0), 4)


def product_document(item, carton_field="", pallet_field=""):
    """``product.upserted`` of an inventory item: ``itemId`` is the SKU, ``upcCode`` the barcode, the weight in
    kg; units per carton / pallet from the account's custom fields when the channel names them."""
    item_id = _text(item.get("id"))
    if item.get("isInactive"):
        return "noop", {"reason": f"item {item.get('itemId') or item_id} is inactive in NetSuite"}
    document = {
        "id": item_id,
        "name": _text(item.get("displayName")) or _text(item.get("itemId")),
        "sku": _text(item.get("itemId")),
        "barcode": _text(item.get("upcCode")) or None,
        "updated_at": _text(item.get("lastModifiedDate")) or None,
        "weight_kg": weight_kg(item),
    }
    pack = {}
    for key, field in (("carton", carton_field), ("pallet", pallet_field)):
        if field and item.get(field):
            pack[key] = _number(item[field])
    if pack:
        document["pack"] = pack
    return "product.upserted", {k: v for k, v in document.items() if v is not None}


# --- writing to NetSuite -----------------------------------------------------------------------
def fulfillment_body(order, shipped, tracking, location, xid, ship_status="C"):
    """The item fulfillment of ``shipped`` ({order line: quantity}) from the sales order as NetSuite has it.

    Every line of the order is named: shipped ones with their quantity and location, the others
    ``itemReceive: false`` (a partial shipment; NetSuite would otherwise fulfil them all).
    """
    lines = []
    for line in _lines(order):
        number = _text(line.get("line"))
        quantity = shipped.get(number, 0)
        if quantity > 0:
            row = {"orderLine": int(number), "quantity": quantity, "itemReceive": True}
            if location:
                row["location"] = {"id": str(location)}
            lines.append(row)
        else:
            lines.append({"orderLine": int(number), "itemReceive": False})
    body = {"externalId": xid, "shipStatus": {"id": ship_status}, "item": {"items": lines}}
    if tracking.get("number"):
        body["package"] = {
            "items": [{"packageTrackingNumber": tracking["number"], "packageDescr": tracking.get("company") or ""}]
        }
    return body


def item_receipt_body(purchase, confirmation, location, xid):
    """The item receipt of a receipt confirmation: each PO line its good units; damaged and unexpected in memo."""
    received = {str(line["line_id"]): line["received"] for line in confirmation.get("lines") or []}
    lines = []
    for line in _lines(purchase):
        number = _text(line.get("line"))
        quantity = received.get(number, 0)
        if quantity > 0:
            row = {"orderLine": int(number), "quantity": quantity, "itemReceive": True}
            if location:
                row["location"] = {"id": str(location)}
            lines.append(row)
        else:
            lines.append({"orderLine": int(number), "itemReceive": False})
    notes = [
        f"{line['sku']}: {line['damaged']:g} damaged (in quarantine)"
        for line in confirmation.get("lines") or []
        if line.get("damaged")
    ]
    notes += [f"{line['sku']}: {line['received']:g} not on the order" for line in confirmation.get("unexpected") or []]
    body = {"externalId": xid, "item": {"items": lines}}
    if notes:
        body["memo"] = ("Integration Hub: " + "; ".join(notes))[:999]
    return body


def adjustment_body(position, item_id, location, account, subsidiary, xid):
    """An inventory adjustment of ``position["delta"]`` units of one item at the warehouse's location."""
    reason = position.get("reason") or position.get("kind") or ""
    body = {
        "externalId": xid,
        "account": {"id": str(account)},
        "adjLocation": {"id": str(location)},
        "memo": f"Integration Hub {position.get('reference')}: {reason}"[:999],
        "inventory": {
            "items": [
                {
                    "item": {"id": str(item_id)},
                    "location": {"id": str(location)},
                    "adjustQtyBy": position["delta"],
                    "memo": f"counted {position.get('on_hand')} at {position.get('location') or ''}"[:999],
                }
            ]
        },
    }
    if subsidiary:
        body["subsidiary"] = {"id": str(subsidiary)}
    if position.get("counted_at"):
        body["tranDate"] = str(position["counted_at"])[:10]
    return body
