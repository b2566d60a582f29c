"""A fake Business Central (API v2.0) and Microsoft Entra ID token endpoint, at the HTTP boundary (``responses``).

Built from Microsoft's documentation (MicrosoftDocs/dynamics365smb-devitpro-pb, see lib/business_central.py):
client-credentials tokens that expire (401 ``Authentication_InvalidCredentials`` until a new one is asked for),
OData server-driven paging (``Prefer: odata.maxpagesize`` → ``@odata.nextLink``), ``$filter`` on
``lastModifiedDateTime``, ETags required in ``If-Match`` (412 otherwise), 429 / 5xx on demand, per-document
errors ``{"error": {"code", "message"}}``, the ``shipAndInvoice`` bound action (ships AND invoices what is in
Qty. to Ship; a fully shipped and invoiced order is deleted), and webhook subscriptions: the validation
handshake against the real notification URL on POST and PATCH, a 3-day expiry, 200 per environment.
"""

import copy
import itertools
import json
import re
import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import requests

API = "https://api.businesscentral.dynamics.com"
LOGIN = "https://login.microsoftonline.com"
TENANT = "7a1c3e52-0d4b-4c1e-9b7a-2f6e8d9c0a11"
COMPANY = "f64eba74-dacd-4854-a584-1834f68cfc3a"
ENVIRONMENT = "production"
CLIENT_ID, CLIENT_SECRET = "3f2b8c4d-1e6a-4b9f-8c7d-5a4e3b2c1d0f", "entra-secret~value"
LOCATION_3PL = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
LOCATION_MAIN = "2a1b0c9d-8e7f-4a6b-9c5d-4e3f2a1b0c9d"
NO_ID = "00000000-0000-0000-0000-000000000000"
SUBSCRIPTION_DAYS = 3

ORDER = {
    "id": "b6f4017a-b749-ee11-ad0b-a1422c0f7f1f",
    "number": "101005",
    "externalDocumentNumber": "WEB-727",
    "orderDate": "2026-11-20",
    "requestedDeliveryDate": "2026-11-23",
    "status": "Open",
    "fullyShipped": False,
    "partialShipping": True,
    "customerNumber": "10000",
    "customerName": "Tienda Ejemplo SL",
    "shipToName": "Tienda Ejemplo SL",
    "shipToContact": "Lucía Ferrer",
    "shipToAddressLine1": "C/ Colón 12",
    "shipToAddressLine2": "3º B",
    "shipToCity": "Valencia",
    "shipToState": "V",
    "shipToPostCode": "46004",
    "shipToCountry": "ES",
    "phoneNumber": "+34600111222",
    "email": "lucia@example.com",
    "currencyCode": "EUR",
    "pricesIncludeTax": False,
    "totalAmountIncludingTax": 72.6,
    "shipmentMethodId": "774c550b-593f-ee11-be74-6045bdc8c285",
    "lastModifiedDateTime": "2026-11-20T09:13:40.5Z",
}
LINE = {
    "lineType": "Item",
    "itemVariantId": NO_ID,
    "unitOfMeasureCode": "PCS",
    "shippedQuantity": 0,
    "invoicedQuantity": 0,
    "locationId": LOCATION_3PL,
    "shipmentDate": "2026-11-21",
}
PURCHASE_ORDER = {
    "id": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
    "number": "106001",
    "orderDate": "2026-11-20",
    "vendorNumber": "20000",
    "vendorName": "Cerámicas Levante",
    "status": "Open",
    "fullyReceived": False,
    "lastModifiedDateTime": "2026-11-20T08:00:00Z",
}


def _now():
    return datetime.utcnow()  # freezegun moves it


def _stamp(moment=None):
    return (moment or _now()).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-4] + "Z"


def _etag():
    return f'W/"JzE5O{uuid.uuid4().hex[:20]}Oyc="'


def _error(status, code, message):
    return status, {"content-type": "application/json"}, json.dumps({"error": {"code": code, "message": message}})


class FakeBusinessCentral:
    def __init__(self):
        self.tokens = {}  # token -> expires_at
        self.token_requests = 0
        self.orders, self.purchase_orders, self.items = {}, {}, {}
        self.inventory_positions = []
        self.subscriptions = {}
        self.handshakes = []  # (url, status, echoed)
        self.calls = []  # (method, path, query, body)
        self.failures = []  # [(method, path regex, status, headers)] answered once, in order
        self.posted = []  # (order number, {line id: units shipped and invoiced})
        self.page_size = 100
        self.secret = CLIENT_SECRET
        self.locations = {"3PL": LOCATION_3PL, "MAIN": LOCATION_MAIN}
        self._line_ids = itertools.count(1)

    def install(self, mock):
        mock.add_callback("POST", re.compile(re.escape(LOGIN) + r"/.*"), callback=self._token)
        for method in ("GET", "POST", "PATCH", "DELETE"):
            mock.add_callback(method, re.compile(re.escape(API) + r"/.*"), callback=self._api)
        return self

    # --- data the tests set up ------------------------------------------------------------------
    def add_order(self, order_id=None, lines=None, **fields):
        order = copy.deepcopy(ORDER)
        order["lastModifiedDateTime"] = _stamp()
        order.update(fields)
        if order_id:
            order["id"] = order_id
        order["@odata.etag"] = _etag()
        order["shipmentMethod"] = {"id": order["shipmentMethodId"], "code": "STANDARD", "displayName": "Standard"}
        order["salesOrderLines"] = []
        for sequence, line in enumerate(lines or [{"lineObjectNumber": "MUG-001", "quantity": 2}], start=1):
            self._add_line(order, {"sequence": sequence * 10000, **line})
        self.orders[order["id"]] = order
        return order

    def _add_line(self, order, line):
        data = {**copy.deepcopy(LINE), "id": str(uuid.UUID(int=next(self._line_ids))), "documentId": order["id"]}
        data.update(line)
        data.setdefault("description", data.get("lineObjectNumber") or "")
        data.setdefault("unitPrice", 30.0)
        if data["lineType"] == "Comment":
            data.update(quantity=0, locationId=NO_ID)
        data.setdefault("shipQuantity", data.get("quantity", 0) - data["shippedQuantity"])  # BC's default: all
        data["@odata.etag"] = _etag()
        order["salesOrderLines"].append(data)
        return data

    def touch(self, order_id, **fields):
        order = self.orders[order_id]
        order.update(fields, lastModifiedDateTime=_stamp(), **{"@odata.etag": _etag()})
        return order

    def add_purchase_order(self, lines, **fields):
        purchase_order = {**copy.deepcopy(PURCHASE_ORDER), **fields, "@odata.etag": _etag()}
        purchase_order["purchaseOrderLines"] = [
            {
                "id": str(uuid.UUID(int=next(self._line_ids))),
                "lineType": "Item",
                "quantity": 0,
                "receivedQuantity": 0,
                "receiveQuantity": 0,
                "locationId": LOCATION_3PL,
                "expectedReceiptDate": "2026-12-01",
                "@odata.etag": _etag(),
                **line,
            }
            for line in lines
        ]
        self.purchase_orders[purchase_order["id"]] = purchase_order
        return purchase_order

    def add_item(self, number, name, gtin="", **fields):
        item = {
            "id": str(uuid.uuid4()),
            "number": number,
            "displayName": name,
            "type": "Inventory",
            "blocked": False,
            "gtin": gtin,
            "baseUnitOfMeasureCode": "PCS",
            "lastModifiedDateTime": _stamp(),
            **fields,
        }
        self.items[item["id"]] = item
        return item

    def fail(self, method, path, status, headers=None, message="try again later"):
        """The next call matching ``method`` and ``path`` (a regex) answers ``status`` once (an exception class
        such as ``requests.Timeout`` is raised instead: the network failed)."""
        self.failures.append((method, re.compile(path), status, {"message": message, **(headers or {})}))

    def expire_tokens(self):
        self.tokens = {token: _now() - timedelta(seconds=1) for token in self.tokens}

    # --- Entra ID --------------------------------------------------------------------------------
    def _token(self, request):
        form = {key: values[0] for key, values in parse_qs(request.body or "").items()}
        if urlparse(request.url).path != f"/{TENANT}/oauth2/v2.0/token":
            return 400, {}, json.dumps({"error": "invalid_request", "error_description": "AADSTS90002: Tenant"})
        if form.get("grant_type") != "client_credentials" or form.get("scope") != f"{API}/.default":
            return 400, {}, json.dumps({"error": "invalid_scope", "error_description": "AADSTS70011"})
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != self.secret:
            body = {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}
            return 401, {"content-type": "application/json"}, json.dumps(body)
        self.token_requests += 1
        token = f"eyJ0eXAiOiJKV1Qi.{uuid.uuid4().hex}"
        self.tokens[token] = _now() + timedelta(seconds=3599)
        body = {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}
        return 200, {"content-type": "application/json"}, json.dumps(body)

    # --- the API ---------------------------------------------------------------------------------
    def _api(self, request):
        url = urlparse(request.url)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        body = json.loads(request.body) if request.body else None
        self.calls.append((request.method, url.path, query, body))
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if token not in self.tokens or self.tokens[token] <= _now():
            return _error(401, "Authentication_InvalidCredentials", "The credentials provided are incorrect")
        for index, (method, path, status, given) in enumerate(self.failures):
            if method == request.method and path.search(url.path):
                del self.failures[index]
                if isinstance(status, type):
                    raise status("the fake network failed")
                headers = dict(given)
                message = headers.pop("message")
                code = {429: "TooManyRequests", 400: "Application_RecordNotFound"}.get(status, "Internal_ServerError")
                return status, headers, json.dumps({"error": {"code": code, "message": message}})
        prefix = f"/v2.0/{TENANT}/{ENVIRONMENT}/"
        if not url.path.startswith(prefix):
            return _error(404, "BadRequest_NotFound", "No environment")
        path = url.path[len(prefix) :]
        if path.startswith("api/v2.0/subscriptions"):
            return self._subscriptions(request, path[len("api/v2.0/subscriptions") :], body)
        company = f"api/v2.0/companies({COMPANY})"
        custom = re.match(r"api/contoso/warehouse/v1\.0/companies\(" + COMPANY + r"\)/inventoryPositions$", path)
        if custom:
            return self._inventory_positions(request, query, body)
        if not path.startswith(company):
            return _error(404, "BadRequest_NotFound", "No company")
        return self._company(request, path[len(company) :].lstrip("/"), query, body)

    def _company(self, request, path, query, body):
        method = request.method
        if path == "" and method == "GET":
            return 200, {}, json.dumps({"id": COMPANY, "name": "CRONUS ES", "displayName": "CRONUS España S.A."})
        if path == "locations":
            rows = [{"id": i, "code": c} for c, i in self.locations.items()]
            return self._page(request, rows, query)
        for entity, records, lines in (
            ("salesOrders", self.orders, "salesOrderLines"),
            ("purchaseOrders", self.purchase_orders, "purchaseOrderLines"),
            ("items", self.items, None),
        ):
            if path == entity and method == "GET":
                return self._page(request, list(records.values()), query, lines)
            found = re.match(entity + r"\(([^)]+)\)(?:/(.*))?$", path)
            if not found:
                continue
            record = records.get(found.group(1))
            if record is None:
                return _error(404, "BadRequest_NotFound", f"The {entity} does not exist.")
            rest = found.group(2) or ""
            if not rest and method == "GET":
                return 200, {}, json.dumps(self._shape(record, query.get("$expand"), lines))
            if rest == "Microsoft.NAV.shipAndInvoice" and method == "POST":
                return self._ship_and_invoice(record)
            if lines and rest.startswith(lines):
                return self._lines(request, record, lines, rest[len(lines) :], body)
        return _error(404, "BadRequest_MethodNotFound", f"No resource {path}")

    def _shape(self, record, expand, lines):
        shaped = {key: value for key, value in record.items() if key not in (lines, "shipmentMethod")}
        for name in (expand or "").split(","):
            if name and name in record:
                shaped[name] = copy.deepcopy(record[name])
        return shaped

    def _page(self, request, rows, query, lines=None):
        rows = [row for row in rows if _matches(row, query.get("$filter"))]
        if query.get("$orderby", "").startswith("lastModifiedDateTime"):
            rows.sort(key=lambda row: row["lastModifiedDateTime"])
        wanted = re.search(r"odata\.maxpagesize=(\d+)", request.headers.get("Prefer") or "")
        size = min(self.page_size, int(wanted.group(1)) if wanted else 20000)
        skip = int(query.get("$skiptoken") or 0)
        answer = {"value": [self._shape(row, query.get("$expand"), lines) for row in rows[skip : skip + size]]}
        if skip + size < len(rows):
            url = urlparse(request.url)
            answer["@odata.nextLink"] = url._replace(query=urlencode({**query, "$skiptoken": skip + size})).geturl()
        return 200, {}, json.dumps(answer)

    def _lines(self, request, record, lines, rest, body):
        if request.method == "POST" and not rest:
            if body.get("lineType") == "Comment" and len(body.get("description") or "") > 100:
                return _error(400, "BadRequest_InvalidValue", "description is longer than 100")
            line = {"id": str(uuid.uuid4()), "lineType": body.get("lineType"), "description": body.get("description")}
            line.update(quantity=0, shipQuantity=0, receiveQuantity=0, **{"@odata.etag": _etag()})
            record[lines].append(line)
            record["lastModifiedDateTime"] = _stamp()
            return 201, {}, json.dumps(line)
        found = re.match(r"\(([^)]+)\)$", rest)
        line = next((row for row in record[lines] if found and row["id"] == found.group(1)), None)
        if line is None:
            return _error(404, "BadRequest_NotFound", "No line")
        if request.method != "PATCH":
            return _error(405, "BadRequest_MethodNotAllowed", "Not allowed")
        if request.headers.get("If-Match") not in (line["@odata.etag"], "*"):
            return _error(412, "Request_EntityChanged", "Another user has already changed the record.")
        done = "shippedQuantity" if lines == "salesOrderLines" else "receivedQuantity"
        for field in ("shipQuantity", "receiveQuantity"):
            if field in body and body[field] > line["quantity"] - line[done]:
                return _error(400, "Application_FieldValidationException", f"You cannot {field} more than left.")
        line.update(body, **{"@odata.etag": _etag()})
        record["lastModifiedDateTime"] = _stamp()
        return 200, {}, json.dumps(line)

    def _ship_and_invoice(self, order):
        shipped = {}
        for line in order["salesOrderLines"]:
            if line["lineType"] == "Item" and line["shipQuantity"]:
                shipped[line["id"]] = line["shipQuantity"]
                line["shippedQuantity"] += line["shipQuantity"]
                line["invoicedQuantity"] += line["shipQuantity"]
                line["shipQuantity"] = line["quantity"] - line["shippedQuantity"]
        if not shipped:
            return _error(400, "Application_DialogException", "There is nothing to post.")
        self.posted.append((order["number"], shipped))
        if all(line["shippedQuantity"] >= line["quantity"] for line in order["salesOrderLines"] if line["quantity"]):
            del self.orders[order["id"]]  # fully shipped and invoiced: BC deletes the order
        else:
            order["lastModifiedDateTime"] = _stamp()
        return 204, {}, ""

    def _inventory_positions(self, request, query, body):
        if request.method == "GET":
            return self._page(request, self.inventory_positions, query)
        self.inventory_positions.append(body)
        return 201, {}, json.dumps(body)

    # --- webhooks --------------------------------------------------------------------------------
    def _subscriptions(self, request, rest, body):
        if request.method == "GET" and not rest:
            return 200, {}, json.dumps({"value": list(self.subscriptions.values())})
        if request.method == "POST" and not rest:
            if len(self.subscriptions) >= 200:
                return _error(400, "BadRequest", "The maximum number of subscriptions is reached.")
            if not self._handshake(body["notificationUrl"]):
                return _error(400, "BadRequest", "The subscription could not be validated: handshake failed.")
            subscription = {"subscriptionId": uuid.uuid4().hex, **body}
            self._stamp_subscription(subscription)
            self.subscriptions[subscription["subscriptionId"]] = subscription
            return 201, {}, json.dumps(subscription)
        found = re.match(r"\('?([^')]+)'?\)$", rest)
        subscription = self.subscriptions.get(found.group(1)) if found else None
        if subscription is None:
            return _error(404, "BadRequest_NotFound", "No subscription")
        if request.method == "PATCH":
            if request.headers.get("If-Match") not in (subscription["@odata.etag"], "*"):
                return _error(412, "Request_EntityChanged", "Another user has already changed the record.")
            if not self._handshake(body.get("notificationUrl") or subscription["notificationUrl"]):
                return _error(400, "BadRequest", "The subscription could not be validated: handshake failed.")
            subscription.update(body)
            self._stamp_subscription(subscription)
            return 200, {}, json.dumps(subscription)
        return _error(405, "BadRequest_MethodNotAllowed", "Not allowed")

    def _stamp_subscription(self, subscription):
        subscription.update(
            {
                "@odata.etag": _etag(),
                "lastModifiedDateTime": _stamp(),
                "expirationDateTime": _stamp(_now() + timedelta(days=SUBSCRIPTION_DAYS)),
                "userId": NO_ID,
            }
        )

    def _handshake(self, url):
        """BC calls the notification URL with a validationToken and wants it back, 200, as the body."""
        token = uuid.uuid4().hex
        try:
            answer = requests.post(f"{url}?validationToken={token}", timeout=10)
        except requests.RequestException:
            self.handshakes.append((url, None, False))
            return False
        echoed = answer.status_code == 200 and answer.text == token
        self.handshakes.append((url, answer.status_code, echoed))
        return echoed

    def notify(self, url, entries, client_state=None):
        """BC posts a notification: ``entries`` are (subscription id, resource, change type) or dicts."""
        value = []
        for given in entries:
            entry = given
            if not isinstance(given, dict):
                subscription_id, resource, change = given
                subscription = self.subscriptions.get(subscription_id) or {}
                entry = {
                    "subscriptionId": subscription_id,
                    "clientState": client_state or subscription.get("clientState"),
                    "expirationDateTime": subscription.get("expirationDateTime"),
                    "resource": resource,
                    "changeType": change,
                    "lastModifiedDateTime": _stamp(),
                }
            value.append(entry)
        return requests.post(url, json={"value": value}, timeout=10)

    def expire_subscriptions(self):
        """Past their expiry BC drops them."""
        self.subscriptions = {
            key: s for key, s in self.subscriptions.items() if s["expirationDateTime"] > _stamp(_now())
        }


def _matches(row, expression):
    """The few $filter forms the hub sends: ``lastModifiedDateTime gt <time>``, ``<field> eq '<text>'``, ``and``."""
    if not expression:
        return True
    for clause in expression.split(" and "):
        field, operator, value = clause.split(" ", 2)
        actual = row.get(field)
        if operator == "gt":
            if not actual or actual.rstrip("Z")[:19] <= value.rstrip("Z")[:19]:
                return False
        elif operator == "eq" and str(actual) != value.strip("'").replace("''", "'"):
            return False
    return True
