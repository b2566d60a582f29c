"""A stand-in for a client's SAP Business One Service Layer (``/b1s/v1``), plugged into ``responses``.

Written from ../shared/platforms/sap_b1.md (SAP's Service Layer manual, the payloads quoted there), small
and scrubbed. It behaves as the hub must cope with:
- ``POST /Login`` with company database, user and password: ``{"SessionId", "SessionTimeout"}`` and the
  cookies ``B1SESSION`` and ``ROUTEID``; a wrong password answers 401 ``{"error": {"code": 100000027, ...}}``;
- every other call needs **both** cookies of a live session, else 401 code 301 "Invalid session or session
  already timeout."; a session times out after ``SessionTimeout`` minutes without a call (``expire_sessions``
  ends them all, as a Service Layer restart does); ``POST /Logout`` ends one;
- ``$filter`` (``field eq|ge|le|gt|lt|ne literal`` joined by ``and``), ``$select``, server-side paging
  (``PageSize`` 20, or ``Prefer: odata.maxpagesize``) with ``odata.nextLink`` (``$skip``);
- ``UpdateDate`` with day precision and no ``UpdateTime`` (as the sheet warns), moved by every change;
- ``DeliveryNotes`` / ``PurchaseDeliveryNotes`` based on order lines (BaseType 17 / 22, BaseEntry, BaseLine):
  more than the open quantity answers 400 -5002, the base lines' open quantity goes down and the order
  closes when nothing is open; ``InventoryGenEntries`` / ``InventoryGenExits`` / ``InventoryPostings`` move
  ``ItemWarehouseInfoCollection``;
- OData errors ``{"error": {"code", "message": {"lang", "value"}}}``; scripted failures (``fail_next``: a
  status, ``"timeout"`` before the call, ``"timeout_after"``: SAP did the work but the answer never came).
"""

import copy
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlparse

import requests
import responses

COMPANY_DB, USER, PASSWORD = "SBO_CLIENT", "wms", "b1-test-password"
SESSION_MINUTES = 30
ORDER = {
    "DocEntry": 812,
    "DocNum": 10231,
    "DocDate": "2026-11-19",
    "DocDueDate": "2026-11-23",
    "CardCode": "C0042",
    "CardName": "Tienda Ejemplo SL",
    "NumAtCard": "WEB-727",
    "Comments": "",
    "DocumentStatus": "bost_Open",
    "Cancelled": "tNO",
    "UpdateDate": "2026-11-19",
    "TransportationCode": 2,
    "DocCurrency": "EUR",
    "DocTotal": 24.2,
    "Address2": "Lucía Ferrer\rC/ Colón 12, 3º B\r46004 Valencia\rSPAIN",
    "AddressExtension": {
        "ShipToStreet": "C/ Colón",
        "ShipToStreetNo": "12",
        "ShipToBlock": "3º B",
        "ShipToCity": "Valencia",
        "ShipToZipCode": "46004",
        "ShipToState": "V",
        "ShipToCountry": "ES",
    },
    "DocumentLines": [],
}
# the Item properties the fake knows (a $select of another one is a 400, as on a real Service Layer)
ITEM_PROPERTIES = {
    "ItemCode", "ItemName", "BarCode", "InventoryItem", "PurchaseQtyPerPackUnit", "SalesUnitWeight", "UpdateDate",
    "ItemWarehouseInfoCollection",
}  # fmt: skip
PARTNER = {"CardCode": "C0042", "Phone1": "963 000 000", "Cellular": "+34 612 345 678", "EmailAddress": ""}


def error(status, code, text):
    return status, {}, json.dumps({"error": {"code": code, "message": {"lang": "en-us", "value": text}}})


def _literal(text):
    text = text.strip()
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return float(text)


CLAUSE = re.compile(r"^\(?\s*(\w+)\s+(eq|ne|ge|gt|le|lt)\s+('(?:[^']|'')*'|-?[\d.]+)\s*\)?$")
OPERATORS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "ge": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "le": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


def matches(row, expression):
    """``$filter`` of ``and``-joined comparisons (what the hub sends); anything else is a 400."""
    for clause in re.split(r"\s+and\s+", expression.strip()):
        match = CLAUSE.match(clause.strip())
        if not match:
            raise ValueError(clause)
        field, operator, literal = match.groups()
        value, wanted = row.get(field), _literal(literal)
        if isinstance(wanted, float):
            value = float(value or 0)
        elif value is None:
            value = ""
        if not OPERATORS[operator](value, wanted):
            return False
    return True


class FakeServiceLayer:
    def __init__(self, url):
        self.url = url.rstrip("/")
        self.path = urlparse(self.url).path
        self.sessions = {}  # B1SESSION -> {"route", "last"}
        self.logins, self.logouts, self.calls, self.failures = 0, 0, [], []
        self.call_failures = {}  # (method, path) -> [failure, ...]: scripted on one resource
        self.page_size = 20  # b1s.conf PageSize
        self.tables = {
            "Orders": {},
            "PurchaseOrders": {},
            "DeliveryNotes": {},
            "PurchaseDeliveryNotes": {},
            "InventoryGenEntries": {},
            "InventoryGenExits": {},
            "InventoryPostings": {},
        }
        self.items, self.partners = {}, {"C0042": dict(PARTNER)}
        self.item_udfs = {"U_UnitsPerPallet"}  # the user-defined fields the client created on items
        self.warehouses = {"3PL": {"WarehouseCode": "3PL", "WarehouseName": "3PL Valencia"}}
        self.next_entry = 500

    # --- test controls -------------------------------------------------------------------
    def install(self, mock):
        pattern = re.compile(re.escape(self.url) + r"(/.*)?$")
        for method in (responses.GET, responses.POST, responses.PATCH):
            mock.add_callback(method, pattern, callback=self._callback)
        return self

    def now(self):
        return datetime.now(UTC).replace(tzinfo=None)

    def today(self):
        return self.now().date().isoformat()

    def fail_next(self, *failures):
        self.failures.extend(failures)

    def fail_call(self, method, path, *failures):
        """Fail the next calls of one resource (e.g. the POST of a delivery note): see ``fail_next``."""
        self.call_failures.setdefault((method, path), []).extend(failures)

    def expire_sessions(self):
        self.sessions.clear()

    def touch(self, document):
        document["UpdateDate"] = self.today()  # day precision, no time: the sheet's gotcha

    def add_order(self, entry, lines, **changes):
        """A sales order; lines as [(LineNum, ItemCode, Quantity)] or [(..., WarehouseCode)]."""
        order = copy.deepcopy(ORDER)
        order.update({"DocEntry": entry, "DocNum": 10000 + entry, "UpdateDate": self.today(), **changes})
        order["DocumentLines"] = [
            {
                "LineNum": line[0],
                "ItemCode": line[1],
                "ItemDescription": f"Item {line[1]}",
                "Quantity": float(line[2]),
                "RemainingOpenQuantity": float(line[2]),
                "UnitPrice": 10.0,
                "WarehouseCode": line[3] if len(line) > 3 else "3PL",
                "LineStatus": "bost_Open",
                "UoMCode": "Manual",
            }
            for line in lines
        ]
        self.tables["Orders"][entry] = order
        return order

    def add_purchase_order(self, entry, lines, **changes):
        order = {
            "DocEntry": entry,
            "DocNum": 20000 + entry,
            "CardCode": "V0007",
            "CardName": "Cerámicas Levante",
            "DocDate": self.today(),
            "DocDueDate": "2026-12-01",
            "DocumentStatus": "bost_Open",
            "Cancelled": "tNO",
            "UpdateDate": self.today(),
            **changes,
        }
        order["DocumentLines"] = [
            {
                "LineNum": n,
                "ItemCode": code,
                "Quantity": float(quantity),
                "RemainingOpenQuantity": float(quantity),
                "WarehouseCode": "3PL",
                "LineStatus": "bost_Open",
            }
            for n, code, quantity in lines
        ]
        self.tables["PurchaseOrders"][entry] = order
        return order

    def add_item(self, code, name, stock=0.0, **fields):
        self.items[code] = {
            "ItemCode": code,
            "ItemName": name,
            "BarCode": fields.pop("BarCode", ""),
            "InventoryItem": "tYES",
            "PurchaseQtyPerPackUnit": 1.0,
            "SalesUnitWeight": 0.0,
            "UpdateDate": self.today(),
            "ItemWarehouseInfoCollection": [{"WarehouseCode": "3PL", "InStock": float(stock), "Committed": 0.0}],
            **fields,
        }
        return self.items[code]

    def stock(self, code):
        return next(
            w["InStock"] for w in self.items[code]["ItemWarehouseInfoCollection"] if w["WarehouseCode"] == "3PL"
        )

    # --- the HTTP side ---------------------------------------------------------------------
    def _callback(self, request):
        url = urlparse(request.url)
        path = unquote(url.path)[len(self.path) :].lstrip("/")
        self.calls.append((request.method, path))
        scripted = self.call_failures.get((request.method, path))
        if self.failures or scripted:
            failure = (scripted or self.failures).pop(0)
            if failure == "timeout":
                return (0, {}, requests.ReadTimeout("read timed out"))
            if failure != "timeout_after":
                return error(failure, -1, "Internal server error") if failure >= 500 else error(failure, -1, "?")
            self._handle(request, path, url)  # SAP posts the document; the answer is lost on the way
            return (0, {}, requests.ReadTimeout("read timed out"))
        return self._handle(request, path, url)

    def _handle(self, request, path, url):
        if request.method == "POST" and path == "Login":
            return self._login(request)
        session = self._session(request)
        if session is None:
            return error(401, 301, "Invalid session or session already timeout.")
        if request.method == "POST" and path == "Logout":
            self.logouts += 1
            self.sessions.pop(session, None)
            return 204, {}, ""
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        body = json.loads(request.body) if request.body else {}
        try:
            return self._route(request, path, query, body)
        except ValueError as bad:
            return error(400, -1000, f"Invalid query: {bad}")

    def _login(self, request):
        body = json.loads(request.body)
        if (body.get("CompanyDB"), body.get("UserName"), body.get("Password")) != (COMPANY_DB, USER, PASSWORD):
            return error(401, 100000027, "Login failed")
        self.logins += 1
        session = str(uuid.uuid4())
        self.sessions[session] = {"route": ".node1", "last": self.now()}
        headers = [("Set-Cookie", f"B1SESSION={session}; HttpOnly"), ("Set-Cookie", "ROUTEID=.node1; path=/b1s")]
        answer = {"odata.metadata": f"{self.url}/$metadata#B1Sessions/@Element", "SessionId": session}
        answer.update(Version="1000190", SessionTimeout=SESSION_MINUTES)
        return 200, headers, json.dumps(answer)

    def _session(self, request):
        cookies = dict(
            part.strip().split("=", 1) for part in (request.headers.get("Cookie") or "").split(";") if "=" in part
        )
        session = self.sessions.get(cookies.get("B1SESSION"))
        if not session or cookies.get("ROUTEID") != session["route"]:
            return None
        if self.now() - session["last"] > timedelta(minutes=SESSION_MINUTES):  # idle timeout
            self.sessions.pop(cookies["B1SESSION"])
            return None
        session["last"] = self.now()
        return cookies["B1SESSION"]

    def _route(self, request, path, query, body):
        method = request.method
        single = re.fullmatch(r"(\w+)\((?:'([^']*)'|(\d+))\)", path)
        if method == "GET" and single:
            entity, key = single.group(1), single.group(2) or int(single.group(3))
            row = self._table(entity).get(key)
            if row is None:
                return error(404, -2028, "No matching records found (ODBC -2028)")
            return 200, {}, json.dumps(self._select(row, query))
        if method == "PATCH" and single:
            row = self._table(single.group(1)).get(int(single.group(3)))
            if row is None:
                return error(404, -2028, "No matching records found (ODBC -2028)")
            row.update(body)
            return 204, {}, ""
        if method == "GET":
            return self._list(request, path, query)
        if method == "POST" and path in ("DeliveryNotes", "PurchaseDeliveryNotes"):
            return self._based_document(path, body)
        if method == "POST" and path in ("InventoryGenEntries", "InventoryGenExits", "InventoryPostings"):
            return self._stock_document(path, body)
        return error(404, -1, f"Resource not found for the segment '{path}'")

    def _table(self, entity):
        if entity == "Items":
            return self.items
        if entity == "BusinessPartners":
            return self.partners
        if entity == "Warehouses":
            return self.warehouses
        return self.tables.get(entity, {})

    def _select(self, row, query):
        fields = query.get("$select")
        if not fields:
            return copy.deepcopy(row)
        if "ItemWarehouseInfoCollection" in row:  # an item: only its properties and the client's fields
            unknown = set(fields.split(",")) - ITEM_PROPERTIES - self.item_udfs
            if unknown:
                raise ValueError(f"Property '{sorted(unknown)[0]}' of 'Item' is invalid")
        return {key: row.get(key) for key in fields.split(",")}

    def _list(self, request, path, query):
        rows = list(self._table(path).values())
        if query.get("$filter"):
            rows = [row for row in rows if matches(row, query["$filter"])]
        rows.sort(key=lambda row: row.get("DocEntry") or row.get("ItemCode") or "")
        prefer = re.search(r"odata\.maxpagesize=(\d+)", request.headers.get("Prefer") or "")
        size = int(query.get("$top") or (prefer.group(1) if prefer else self.page_size))
        skip = int(query.get("$skip") or 0)
        answer = {"odata.metadata": f"{self.url}/$metadata#{path}", "value": []}
        answer["value"] = [self._select(row, query) for row in rows[skip : skip + size]]
        if skip + size < len(rows) and not query.get("$top"):
            rest = "&".join(f"{key}={value}" for key, value in query.items() if key != "$skip")
            answer["odata.nextLink"] = f"{path}?{rest}&$skip={skip + size}"
        return 200, {}, json.dumps(answer)

    def _based_document(self, entity, body):
        base_type, base_table = (17, "Orders") if entity == "DeliveryNotes" else (22, "PurchaseOrders")
        lines = body.get("DocumentLines") or []
        if not lines or not body.get("CardCode"):
            return error(400, -5002, "Document must have CardCode and lines")
        for line in lines:
            base = self.tables[base_table].get(line.get("BaseEntry"))
            if line.get("BaseType") != base_type or base is None:
                return error(400, -5002, f"Base document {line.get('BaseEntry')} not found")
            if base["CardCode"] != body["CardCode"] or base["DocumentStatus"] != "bost_Open":
                return error(400, -5002, "Base document closed or of another business partner")
            target = next((b for b in base["DocumentLines"] if b["LineNum"] == line.get("BaseLine")), None)
            if target is None or line["Quantity"] > target["RemainingOpenQuantity"] + 1e-9:
                return error(400, -5002, f"Quantity exceeds the open quantity of line {line.get('BaseLine')}")
        for line in lines:  # all checked: the document is added as a whole (DI layer transaction)
            base = self.tables[base_table][line["BaseEntry"]]
            target = next(b for b in base["DocumentLines"] if b["LineNum"] == line["BaseLine"])
            target["RemainingOpenQuantity"] -= line["Quantity"]
            if target["RemainingOpenQuantity"] <= 1e-9:
                target["LineStatus"] = "bost_Close"
            if all(b["LineStatus"] == "bost_Close" for b in base["DocumentLines"]):
                base["DocumentStatus"] = "bost_Close"
            self.touch(base)
            sign = -1 if entity == "DeliveryNotes" else 1
            if target["ItemCode"] in self.items:
                self._move(target["ItemCode"], line["WarehouseCode"], sign * line["Quantity"])
        return self._created(entity, body)

    def _stock_document(self, entity, body):
        if entity == "InventoryPostings":
            for line in body.get("InventoryPostingLines") or []:
                if line["ItemCode"] not in self.items:
                    return error(400, -5002, f"Item {line['ItemCode']} not found")
                self._move(
                    line["ItemCode"], line["WarehouseCode"], line["CountedQuantity"] - self.stock(line["ItemCode"])
                )
            return self._created(entity, body)
        sign = 1 if entity == "InventoryGenEntries" else -1
        for line in body.get("DocumentLines") or []:
            if line["ItemCode"] not in self.items:
                return error(400, -5002, f"Item {line['ItemCode']} not found")
            if sign < 0 and self.stock(line["ItemCode"]) < line["Quantity"]:
                return error(400, -10, f"Quantity falls into negative inventory [{line['ItemCode']}]")
        for line in body.get("DocumentLines") or []:
            self._move(line["ItemCode"], line["WarehouseCode"], sign * line["Quantity"])
        return self._created(entity, body)

    def _move(self, code, warehouse, quantity):
        rows = self.items[code]["ItemWarehouseInfoCollection"]
        row = next((r for r in rows if r["WarehouseCode"] == warehouse), None)
        if row is None:
            row = {"WarehouseCode": warehouse, "InStock": 0.0, "Committed": 0.0}
            rows.append(row)
        row["InStock"] += quantity

    def _created(self, entity, body):
        self.next_entry += 1
        document = {**copy.deepcopy(body), "DocEntry": self.next_entry, "DocNum": 90000 + self.next_entry}
        document["UpdateDate"] = self.today()
        self.tables[entity][self.next_entry] = document
        return 201, {}, json.dumps(document)
