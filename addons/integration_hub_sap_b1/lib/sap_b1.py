"""SAP Business One Service Layer (../shared/platforms/sap_b1.md): the client and the mapping, plain Python.

The Service Layer is OData (v3 at ``/b1s/v1``, v4 at ``/b1s/v2``) behind a cookie session: ``POST /Login``
answers ``{"SessionId", "SessionTimeout"}`` (minutes) and the cookies ``B1SESSION`` and ``ROUTEID`` (the load
balancer's node), both sent on every call. Each session holds one of the client's user licences, so the
hub keeps one per channel and reuses it (``session(renew)`` gives it, renewed after a 401), and logs out a
session it replaces. Errors are ``{"error": {"code", "message": {"lang", "value"}}}``: negative DI codes are
business validation (permanent), 401 is an expired session, 5xx and timeouts are retried.
"""

import hashlib
import json
from datetime import date, timedelta
from urllib.parse import urljoin

from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError
from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient

PAGE_SIZE = 100  # Prefer: odata.maxpagesize (the server's b1s.conf PageSize, 20 by default, applies without it)
SALES_ORDER = 17  # BaseType of a line copied from a sales order (object 17)
PURCHASE_ORDER = 22  # BaseType of a line copied from a purchase order (object 22)
YES, NO, OPEN, CLOSED = "tYES", "tNO", "bost_Open", "bost_Close"
LOGIN_FAILED = 100000027  # {"error": {"code": 100000027, "message": {"value": "Login failed"}}}


def odata_error(response):
    """(code, text) of a Service Layer error answer; (None, the start of the body) when it is not one."""
    try:
        error = (response.json() or {}).get("error") or {}
    except ValueError:
        return None, (response.text or "")[:200]
    message = error.get("message")
    text = message.get("value") if isinstance(message, dict) else message
    return error.get("code"), str(text or "")[:300]


def odata_literal(value):
    """A string literal for ``$filter`` (quotes doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


def reference_of(key):
    """A short, stable reference of a hub message for a document field (11 characters fit ``Reference2``)."""
    return "HUB" + hashlib.sha1(key.encode()).hexdigest()[:8].upper()


class SapB1Client(HttpClient):
    """Calls with the channel's session cookies; a 401 logs in again once (``session(renew=True)``).

    ``session(renew)`` returns ``{"B1SESSION", "ROUTEID"}`` (the channel keeps it encrypted with its expiry).
    Business errors (400 / 404 with a negative code) raise ``PermanentError`` naming SAP's code and text.
    """

    name = "SAP Business One"
    retry_on = (RATE_LIMITED, SERVER_ERROR)
    timeout = 60  # a document with many lines goes through the DI layer synchronously

    def __init__(self, service_url, session, **settings):
        super().__init__(service_url, [], **settings)
        self.session_of, self.cookies = session, None

    def authorize(self, call):
        if self.cookies is None:
            self.cookies = self.session_of(False)
        self.secrets = list(self.cookies.values())
        call["headers"]["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items() if value)

    def refresh_authorization(self):
        self.cookies = self.session_of(True)  # the session expired (idle timeout, restart): one new login
        return True

    def call(self, method, path, what, body=None, params=None, headers=None, accept=()):
        """One call; the JSON answer ({} for 204). SAP's business errors become ``PermanentError``."""
        response = self.request(
            method, path, what, json=body, params=params, headers=headers, accept=(400, 404, 409, *accept)
        )
        if response.status_code in (400, 404, 409) and response.status_code not in accept:
            code, text = odata_error(response)
            raise PermanentError(f"{self.name} {what}: HTTP {response.status_code} error {code}: {text}")
        if response.status_code in accept and response.status_code >= 400:
            return None
        return response.json() if response.content else {}

    def pages(self, path, what, params, first=None):
        """Yield (rows, next link) page by page: ``odata.nextLink`` (v4: ``@odata.nextLink``) until absent."""
        link = first
        while True:
            headers = {"Prefer": f"odata.maxpagesize={PAGE_SIZE}"}
            answer = self.call("GET", link or path, what, params=None if link else params, headers=headers)
            link = answer.get("odata.nextLink") or answer.get("@odata.nextLink")
            if link and link.startswith("/"):  # a link from the server's root rather than the service's
                link = urljoin(self.base_url, link)
            yield answer.get("value") or [], link
            if not link:
                return


class SapB1Login(HttpClient):
    """``POST /Login`` and ``POST /Logout`` (no session of its own)."""

    name = "SAP Business One"
    retry_on = (SERVER_ERROR,)

    def login(self, company_db, user, password, now):
        """({"B1SESSION", "ROUTEID"}, expires_at naive UTC); AuthError when SAP refuses the user."""
        self.secrets = [password]
        body = {"CompanyDB": company_db, "UserName": user, "Password": password}
        response = self.request("POST", "Login", "Login", json=body, accept=(400, 401))
        if response.status_code >= 400:
            code, text = odata_error(response)
            raise AuthError(
                f"SAP Business One refused the login of user {user} to {company_db} (error {code}: {text}): check "
                "the company database, user and password, and that the user has a free licence"
            )
        answer = response.json()
        cookies = {"B1SESSION": response.cookies.get("B1SESSION") or answer.get("SessionId")}
        cookies["ROUTEID"] = response.cookies.get("ROUTEID") or ""
        minutes = int(answer.get("SessionTimeout") or 30)
        return cookies, now + timedelta(minutes=minutes)

    def logout(self, cookies):
        """Free the licence of a session we replace; a session already gone is fine."""
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items() if value)
        self.request("POST", "Logout", "Logout", headers={"Cookie": cookie}, accept=(400, 401))


# --- mapping: SAP -> the hub's documents -------------------------------------------------
def _text(value):
    return "" if value is None else str(value).strip()


def updated_at(document):
    """``UpdateDate`` (day precision) plus ``UpdateTime`` when SAP sends it, as ISO 8601 UTC."""
    day = _text(document.get("UpdateDate"))[:10] or _text(document.get("DocDate"))[:10]
    moment = _text(document.get("UpdateTime"))
    if len(moment) == 8 and moment.count(":") == 2:
        return f"{day}T{moment}+00:00"
    return f"{day}T00:00:00+00:00" if day else None


def message_key(kind, document, entry="DocEntry"):
    """The inbox key of a version: the document, its update date and time, and a hash of what it says.

    ``UpdateDate`` has day precision, so a poll re-reads the whole day: the same version is the same key
    (a duplicate), while a second edit on the same day (no ``UpdateTime``) has another hash.
    """
    digest = hashlib.sha1(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()[:12]
    stamp = f"{_text(document.get('UpdateDate'))[:10]}T{_text(document.get('UpdateTime'))}"
    return f"{kind}:{document.get(entry)}:{stamp}:{digest}"


def _street(extension):
    return " ".join(p for p in (_text(extension.get("ShipToStreet")), _text(extension.get("ShipToStreetNo"))) if p)


def order_document(order, warehouse_code, partner=None):
    """(hub type, document) of a sales order (``GET /Orders``): the generic order (README).

    Lines of another SAP warehouse than the channel's are ``fulfilled_by`` that warehouse. SAP has no paid
    flag: an order released to the warehouse is ready to ship (``financial_status`` "paid"). A cancelled
    order (``Cancelled`` tYES) cancels; a closed one whose lines were all delivered is nothing new, one
    closed with quantities still open was closed by hand in SAP: it cancels what is left.
    """
    entry = str(order.get("DocEntry"))
    lines = order.get("DocumentLines") or []
    if order.get("Cancelled") == YES:
        return "order.cancelled", {"id": entry, "cancel_reason": "order cancelled in SAP Business One"}
    if order.get("DocumentStatus") == CLOSED:
        left = sum(float(line.get("RemainingOpenQuantity") or 0) for line in lines)
        if not left:
            return "noop", {"order_id": entry, "reason": "order closed in SAP Business One: every line delivered"}
        reason = f"order closed in SAP Business One with {left:g} units not delivered"
        return "order.cancelled", {"id": entry, "cancel_reason": reason}
    extension, partner = order.get("AddressExtension") or {}, partner or {}
    address_lines = [p for p in _text(order.get("Address2")).replace("\n", "\r").split("\r") if p.strip()]
    phone = _text(partner.get("Cellular")) or _text(partner.get("Phone1"))
    document = {
        "id": entry,
        "name": str(order.get("DocNum") or entry),
        "placed_at": f"{_text(order.get('DocDate'))[:10]}T00:00:00+00:00",
        "updated_at": updated_at(order),
        "financial_status": "paid",
        "customer": {"name": _text(order.get("CardName")), "email": _text(partner.get("EmailAddress")), "phone": phone},
        "shipping_address": {
            "name": address_lines[0].strip() if address_lines else _text(order.get("CardName")),
            "company": "",  # the ship-to's first line names who receives it; CardName may be the shop itself
            "street": _street(extension),
            "street2": " ".join(
                p for p in (_text(extension.get("ShipToBlock")), _text(extension.get("ShipToBuilding"))) if p
            ),
            "zip": _text(extension.get("ShipToZipCode")),
            "city": _text(extension.get("ShipToCity")),
            "state": _text(extension.get("ShipToState")),
            "country_code": _text(extension.get("ShipToCountry")).upper(),
            "phone": phone,
        },
        "service_level": _text(order.get("TransportationCode")),
        "special_handling": _text(order.get("Comments")),
        "lines": [_order_line(line, warehouse_code) for line in lines],
        "currency": _text(order.get("DocCurrency")),
        "total": order.get("DocTotal"),
    }
    if order.get("DocDueDate"):
        document["ship_by"] = f"{_text(order['DocDueDate'])[:10]}T23:59:59+00:00"
    return "order.updated", document


def _order_line(line, warehouse_code):
    document = {
        "id": str(line.get("LineNum")),
        "sku": _text(line.get("ItemCode")),
        "quantity": line.get("Quantity"),
        "name": _text(line.get("ItemDescription")),
        "price": line.get("UnitPrice", line.get("Price")),
    }
    warehouse = _text(line.get("WarehouseCode"))
    if warehouse_code and warehouse and warehouse != warehouse_code:
        document["fulfilled_by"] = f"SAP warehouse {warehouse}"
    return document


def item_document(item, pallet_field=None):
    """(hub type, document) of an item (``GET /Items``): ``product.upserted`` (README "Catalog").

    The owner's id and the SKU are the ``ItemCode``; units per carton are ``PurchaseQtyPerPackUnit``, per
    pallet the user-defined field ``pallet_field`` (no standard Item field has it); the weight
    ``SalesUnitWeight`` (kg: the company's weight unit must be kilograms). A non-inventory item (a service)
    is nothing for the warehouse.
    """
    code = _text(item.get("ItemCode"))
    if item.get("InventoryItem") == NO:
        return "noop", {"reason": f"item {code} is not an inventory item"}
    document = {
        "id": code,
        "name": _text(item.get("ItemName")) or code,
        "sku": code,
        "barcode": _text(item.get("BarCode")),
        "updated_at": updated_at(item),
    }
    pack = {"carton": item.get("PurchaseQtyPerPackUnit"), "pallet": item.get(pallet_field) if pallet_field else None}
    pack = {level: units for level, units in pack.items() if units}
    if pack:
        document["pack"] = pack
    if item.get("SalesUnitWeight"):
        document["weight_kg"] = item["SalesUnitWeight"]
    return "product.upserted", document


def purchase_order_document(order, warehouse_code):
    """(hub type, document) of a purchase order (``GET /PurchaseOrders``): ``receipt.expected`` (README "Inbound").

    The reference is the human ``DocNum`` (the receipt confirmation looks the order up by it); lines are
    by ``LineNum`` with the ``ItemCode`` and the quantity still open; only lines to the channel's warehouse.
    A cancelled order cancels the receipt; a closed one is nothing new.
    """
    reference = str(order.get("DocNum"))
    if order.get("Cancelled") == YES:
        return "receipt.expected", {"reference": reference, "status": "cancelled", "lines": []}
    if order.get("DocumentStatus") == CLOSED:
        return "noop", {"reference": reference, "reason": "purchase order closed in SAP Business One"}
    lines = [
        {
            "id": str(line.get("LineNum")),
            "sku": _text(line.get("ItemCode")),
            "quantity": line.get("RemainingOpenQuantity", line.get("Quantity")),
        }
        for line in order.get("DocumentLines") or []
        if line.get("LineStatus", OPEN) == OPEN
        and (not warehouse_code or _text(line.get("WarehouseCode")) in ("", warehouse_code))
    ]
    if not lines:
        return "noop", {"reference": reference, "reason": f"no open line to warehouse {warehouse_code}"}
    return "receipt.expected", {
        "reference": reference,
        "supplier": {"id": _text(order.get("CardCode")), "name": _text(order.get("CardName"))},
        "expected_date": _text(order.get("DocDueDate"))[:10] or None,
        "lines": lines,
    }


# --- mapping: the hub's messages -> SAP documents -----------------------------------------
def delivery_note(order, shipment, warehouse_code, reference_field, tracking_field):
    """The ``DeliveryNotes`` body of one shipment, its lines based on the sales order's (BaseType 17).

    ``order`` is the sales order as SAP has it now; a line already delivered in full or not open is refused
    (``PermanentError``) rather than delivered twice. Raises ``PermanentError`` for an unknown line.
    """
    open_lines = {str(line.get("LineNum")): line for line in order.get("DocumentLines") or []}
    lines = []
    for shipped in shipment["lines"]:
        line = open_lines.get(str(shipped["line_id"]))
        if line is None:
            raise PermanentError(f"sales order {order.get('DocNum')} has no line {shipped['line_id']}")
        remaining = float(line.get("RemainingOpenQuantity", line.get("Quantity")) or 0)
        if line.get("LineStatus", OPEN) != OPEN or remaining + 1e-6 < float(shipped["quantity"]):
            raise PermanentError(
                f"sales order {order.get('DocNum')} line {shipped['line_id']} ({line.get('ItemCode')}) has "
                f"{remaining:g} open in SAP, {shipped['quantity']:g} shipped: it was delivered (or closed) in SAP "
                "already; compare the order's delivery notes with the shipment before sending it again"
            )
        lines.append(
            {
                "BaseType": SALES_ORDER,
                "BaseEntry": int(order["DocEntry"]),
                "BaseLine": int(shipped["line_id"]),
                "Quantity": shipped["quantity"],
                "WarehouseCode": _text(line.get("WarehouseCode")) or warehouse_code,
            }
        )
    tracking = shipment.get("tracking") or {}
    body = {
        "CardCode": order.get("CardCode"),
        "DocDate": (shipment.get("shipped_at") or date.today().isoformat())[:10],
        "NumAtCard": order.get("NumAtCard") or None,
        "Comments": _carrier_note(tracking),
        reference_field: reference_of(shipment["shipment_key"]),
        "DocumentLines": lines,
    }
    if tracking.get("number") and tracking_field:
        body[tracking_field] = tracking["number"]
    return {key: value for key, value in body.items() if value is not None}


def _carrier_note(tracking):
    parts = [tracking.get("company"), tracking.get("number"), tracking.get("url")]
    return ("Shipped by the warehouse: " + " ".join(p for p in parts if p))[:254] if any(parts) else None


def goods_receipt_po(order, confirmation, warehouse_code, damaged_warehouse_code, reference_field):
    """(``PurchaseDeliveryNotes`` body or None, {sku: why not posted}) of a receipt confirmation.

    Lines are based on the purchase order's (BaseType 22): good units to the channel's warehouse, damaged
    ones to the damaged-goods warehouse when one is set (else they are not posted: the order line stays
    open for the client's purchasing). Items nobody ordered cannot be based on the order: named, not posted.
    """
    known = {str(line.get("LineNum")): line for line in order.get("DocumentLines") or []}
    lines, refused = [], {}
    for figure in confirmation["lines"]:
        line = known.get(str(figure["line_id"]))
        if line is None:
            refused[figure["sku"]] = f"purchase order {order.get('DocNum')} has no line {figure['line_id']}"
            continue
        base = {"BaseType": PURCHASE_ORDER, "BaseEntry": int(order["DocEntry"]), "BaseLine": int(figure["line_id"])}
        if figure["received"]:
            lines.append({**base, "Quantity": figure["received"], "WarehouseCode": warehouse_code})
        if figure["damaged"] and damaged_warehouse_code:
            lines.append({**base, "Quantity": figure["damaged"], "WarehouseCode": damaged_warehouse_code})
        elif figure["damaged"]:
            refused[figure["sku"]] = (
                f"{figure['damaged']:g} damaged units in quarantine not posted (no damaged-goods warehouse set): "
                "the purchase order line stays open for them"
            )
    for item in confirmation.get("unexpected") or []:
        refused[item["sku"]] = (
            f"{item['received'] + item['damaged']:g} units received but not on purchase order {order.get('DocNum')}: "
            "not posted; agree with the client's purchasing"
        )
    if not lines:
        return None, refused
    body = {
        "CardCode": order.get("CardCode"),
        "DocDate": confirmation["received_at"][:10],
        reference_field: reference_of(f"receipt:{confirmation['reference']}"),
        "Comments": f"Received by the warehouse: {confirmation['reference']}",
        "DocumentLines": lines,
    }
    return body, refused


def inventory_adjustment(position, warehouse_code, reference_field):
    """(entity, body) of a count by its delta: a goods receipt (``InventoryGenEntries``) for units found, a
    goods issue (``InventoryGenExits``) for units missing; (None, None) for a zero delta."""
    delta = float(position["delta"])
    if abs(delta) < 1e-9:
        return None, None
    entity = "InventoryGenEntries" if delta > 0 else "InventoryGenExits"
    return entity, {
        "DocDate": position["counted_at"][:10],
        reference_field: reference_of(position["reference"]),
        "Comments": _position_note(position),
        "DocumentLines": [{"ItemCode": position["sku"], "Quantity": abs(delta), "WarehouseCode": warehouse_code}],
    }


def inventory_posting(position, warehouse_code, in_stock, reference_field):
    """The ``InventoryPostings`` body: SAP's quantity in the warehouse (``in_stock``, read first) plus the
    count's delta as the counted quantity (SAP posts the difference)."""
    return {
        "CountDate": position["counted_at"][:10],
        reference_field: reference_of(position["reference"]),
        "Remarks": _position_note(position),
        "InventoryPostingLines": [
            {
                "ItemCode": position["sku"],
                "WarehouseCode": warehouse_code,
                "CountedQuantity": max(0.0, float(in_stock) + float(position["delta"])),
            }
        ],
    }


def _position_note(position):
    return (
        f"{position['reference']}: {position.get('kind')} at {position.get('location')}, "
        f"{position.get('previous')} -> {position.get('on_hand')} ({position.get('reason') or ''})"
    )[:254]


def warehouse_stock(item, warehouse_code):
    """``InStock`` of ``warehouse_code`` in an item's ``ItemWarehouseInfoCollection`` (0 when absent)."""
    for row in item.get("ItemWarehouseInfoCollection") or []:
        if row.get("WarehouseCode") == warehouse_code:
            return float(row.get("InStock") or 0)
    return 0.0


def day_filter(field, since_day, extra=""):
    """``$filter`` of what changed since a day (SAP's ``UpdateDate`` has day precision), plus the client's rule."""
    clause = f"{field} ge {odata_literal(since_day.isoformat())}"
    return f"{clause} and ({extra})" if extra else clause
