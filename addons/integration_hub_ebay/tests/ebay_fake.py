"""A fake eBay (``responses``), from the documented payloads (../shared/platforms/ebay.md) and behaviour.

- OAuth: the token endpoint checks Basic ``client_id:client_secret``; a refresh token buys a 2-hour user
  token, ``client_credentials`` an application token; an unknown refresh token is ``400 invalid_grant``.
  Every REST call checks its token (``401`` errorId 1001 once it expired); Post-Order wants ``IAF <token>``,
  Trading ``X-EBAY-API-IAF-TOKEN``.
- getOrders: ``lastmodifieddate`` filter, ``limit`` (max 200, else 400 errorId 31100) / ``offset``, ``next``.
- shipping_fulfillment: line items checked (32200), carrier and tracking together (32300), 201 + Location; GET
  lists the order's fulfillments (``fulfillmentId``, ``shipmentTrackingNumber``...).
- bulk_update_price_quantity: at most 25 requests (else 400), one answer per SKU and offer; an unknown SKU
  is answered 404 errorId 25702 inside a 207.
- ReviseInventoryStatus: at most 4 InventoryStatus; an unknown ItemID fails that item (PartialFailure).
- Post-Order return search (``members``, ``paginationOutput``); Notification API ``public_key/{kid}``.
- ``fail_next(...)``: the next calls answer 429 / 5xx / time out.
"""

import base64
import copy
import itertools
import json
import re
import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from odoo import fields

BASE = "https://api.ebay.com"
NS = "urn:ebay:apis:eBLBaseComponents"

ORDER = {
    "orderId": "05-12345-67890",
    "legacyOrderId": "110123456789-2901234567001",
    "salesRecordReference": "1001",
    "creationDate": "2026-11-20T09:12:01.000Z",
    "lastModifiedDate": "2026-11-20T09:13:40.000Z",
    "orderFulfillmentStatus": "NOT_STARTED",
    "orderPaymentStatus": "PAID",
    "cancelStatus": {"cancelState": "NONE_REQUESTED", "cancelRequests": []},
    "buyer": {"username": "lucia_f"},
    "buyerCheckoutNotes": "Ring twice",
    "pricingSummary": {
        "total": {"value": "29.90", "currency": "EUR"},
        "deliveryCost": {"value": "4.90", "currency": "EUR"},
    },
    "fulfillmentStartInstructions": [
        {
            "shippingStep": {
                "shippingCarrierCode": "Correos",
                "shippingServiceCode": "ES_CorreosPaq72",
                "shipTo": {
                    "fullName": "Lucía Ferrer",
                    "primaryPhone": {"phoneNumber": "+34600111222"},
                    "email": "x1y2z3@members.ebay.com",
                    "contactAddress": {
                        "addressLine1": "C/ Colón 12",
                        "addressLine2": "3º B",
                        "city": "Valencia",
                        "stateOrProvince": "Valencia",
                        "postalCode": "46004",
                        "countryCode": "ES",
                    },
                },
            }
        }
    ],
    "lineItems": [
        {
            "lineItemId": "10012345678901",
            "legacyItemId": "110123456789",
            "legacyVariationId": "400012345678",
            "sku": "TSHIRT-S",
            "title": "Tee",
            "quantity": 2,
            "lineItemCost": {"value": "25.00", "currency": "EUR"},
            "lineItemFulfillmentStatus": "NOT_STARTED",
            "refunds": [],
        }
    ],
}


def _error(status, error_id, message, category="REQUEST"):
    return status, {}, json.dumps({"errors": [{"errorId": error_id, "category": category, "message": message}]})


class FakeEbay:
    def __init__(self, client_id, client_secret, refresh_token):
        self.client_id, self.client_secret, self.refresh_token = client_id, client_secret, refresh_token
        self.tokens, self.app_tokens = set(), set()
        self.counter = itertools.count(1)
        self.orders, self.returns = {}, []
        self.fulfillments = []  # (order id, body)
        self.inventory, self.offers = {}, {}  # sku -> quantity; sku -> [offer ids]
        self.items = {}  # Trading ItemID -> {sku or "": quantity}
        self.bulk_calls, self.trading_calls = [], []
        self.calls, self.failures = [], []
        self.expire_before_next_page = False  # the user token expires between two pages of getOrders
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.kid = str(uuid.uuid4())  # a new key pair, a new kid (the adapter caches keys by kid)

    # --- set-up helpers --------------------------------------------------------------------
    def add_order(self, order_id, **changes):
        order = copy.deepcopy(ORDER)
        now = fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")  # the application's clock
        order.update(orderId=order_id, creationDate=now, lastModifiedDate=now)
        order.update(changes)
        self.orders[order_id] = order
        return order

    def update_order(self, order_id, **changes):
        order = self.orders[order_id]
        order.update(changes)
        moment = datetime.strptime(order["lastModifiedDate"][:19], "%Y-%m-%dT%H:%M:%S") + timedelta(minutes=1)
        order["lastModifiedDate"] = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return order

    def expire_tokens(self):
        self.tokens.clear()

    def fail_next(self, *failures):
        """Each next call answers one of: an HTTP status (429 with ``Retry-After`` when a tuple), or ``"timeout"``;
        ``"lost"``: the next POST is done, then its answer times out."""
        self.failures.extend(failures)

    def sign(self, body, kid=None):
        """``X-EBAY-SIGNATURE`` for ``body`` (bytes), made with the fake's key pair (naming ``kid``: a forger's)."""
        der = self.private_key.sign(body, ec.ECDSA(hashes.SHA1()))  # noqa: S303 - eBay's documented digest
        details = {
            "alg": "ecdsa",
            "kid": kid or self.kid,
            "signature": base64.b64encode(der).decode(),
            "digest": "SHA1",
        }
        return base64.b64encode(json.dumps(details).encode()).decode()

    def public_key_one_line(self):
        text = self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        body = "".join(text.decode().strip().splitlines()[1:-1])
        return f"-----BEGIN PUBLIC KEY-----{body}-----END PUBLIC KEY-----"  # as the Notification API sends it

    # --- wiring ----------------------------------------------------------------------------
    def install(self, mock):
        routes = [
            ("POST", r"/identity/v1/oauth2/token$", self._token),
            ("GET", r"/sell/fulfillment/v1/order$", self._get_orders),
            ("GET", r"/sell/fulfillment/v1/order/([^/]+)$", self._get_order),
            ("POST", r"/sell/fulfillment/v1/order/([^/]+)/shipping_fulfillment$", self._ship),
            ("GET", r"/sell/fulfillment/v1/order/([^/]+)/shipping_fulfillment$", self._shipped),
            ("POST", r"/sell/inventory/v1/bulk_update_price_quantity$", self._bulk),
            ("GET", r"/sell/inventory/v1/offer$", self._get_offers),
            ("GET", r"/sell/inventory/v1/inventory_item$", self._inventory_items),
            ("POST", r"/ws/api\.dll$", self._trading),
            ("GET", r"/post-order/v2/return/search$", self._return_search),
            ("GET", r"/commerce/notification/v1/public_key/([^/]+)$", self._public_key),
        ]
        for method, path, handler in routes:
            mock.add_callback(method, re.compile(re.escape(BASE) + path.replace("$", r"(\?.*)?$")), self._wrap(handler))
        return self

    def _wrap(self, handler):
        def callback(request):
            url = urlparse(request.url)
            self.calls.append((request.method, url.path, dict(request.headers), request.url))
            match = re.search(r"/([^/]+)(?:/shipping_fulfillment|)$", url.path)
            if self.failures and self.failures[0] == "lost" and request.method == "POST":
                self.failures.pop(0)  # eBay does the work; its answer never arrives
                handler(request, {k: v[0] for k, v in parse_qs(url.query).items()}, match and match.group(1))
                raise requests.ReadTimeout("fake eBay timed out after doing it")
            if self.failures and self.failures[0] != "lost":
                failure = self.failures.pop(0)
                if failure == "timeout":
                    raise requests.ReadTimeout("fake eBay timed out")
                status, retry = failure if isinstance(failure, tuple) else (failure, None)
                headers = {"Retry-After": str(retry)} if retry else {}
                return status, headers, json.dumps({"errors": [{"errorId": 30500, "message": "System error"}]})
            return handler(request, {k: v[0] for k, v in parse_qs(url.query).items()}, match and match.group(1))

        return callback

    def _authorized(self, request, scheme="Bearer", app=False):
        value = request.headers.get("X-EBAY-API-IAF-TOKEN") or request.headers.get("Authorization") or ""
        token = value if "X-EBAY-API-IAF-TOKEN" in request.headers else value.removeprefix(f"{scheme} ")
        return token in (self.app_tokens if app else self.tokens) and (
            "X-EBAY-API-IAF-TOKEN" in request.headers or value.startswith(f"{scheme} ")
        )

    # --- OAuth -----------------------------------------------------------------------------
    def _token(self, request, _query, _match):
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return 401, {}, json.dumps({"error": "invalid_client", "error_description": "client authentication failed"})
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        number = next(self.counter)
        if form.get("grant_type") == "client_credentials":
            token = f"v^1.1#app-{number}"
            self.app_tokens.add(token)
            return (
                200,
                {},
                json.dumps({"access_token": token, "expires_in": 7200, "token_type": "Application Access Token"}),
            )
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return 400, {}, json.dumps({"error": "invalid_grant", "error_description": "the refresh token is invalid"})
        token = f"v^1.1#user-{number}"
        self.tokens.add(token)
        return 200, {}, json.dumps({"access_token": token, "expires_in": 7200, "token_type": "User Access Token"})

    # --- orders ----------------------------------------------------------------------------
    def _get_orders(self, request, query, _match):
        if self.expire_before_next_page and int(query.get("offset") or 0) > 0:
            self.expire_before_next_page = False
            self.expire_tokens()
        if not self._authorized(request):
            return _error(401, 1001, "Invalid access token", "REQUEST")
        limit, offset = int(query.get("limit") or 50), int(query.get("offset") or 0)
        if limit > 200:
            return _error(400, 31100, "The 'limit' value must be between 1 and 200")
        since = re.search(r"lastmodifieddate:\[([^.\]]+\.\d{3}Z)\.\.", query.get("filter") or "")
        orders = sorted(self.orders.values(), key=lambda o: (o["lastModifiedDate"], o["orderId"]))
        if since:
            orders = [o for o in orders if o["lastModifiedDate"] >= since.group(1)]
        page = orders[offset : offset + limit]
        answer = {"href": request.url, "total": len(orders), "limit": limit, "offset": offset, "orders": page}
        if offset + limit < len(orders):
            answer["next"] = (
                f"{BASE}/sell/fulfillment/v1/order?filter={query.get('filter')}&limit={limit}&offset={offset + limit}"
            )
        return 200, {}, json.dumps(answer)

    def _get_order(self, request, _query, order_id):
        if not self._authorized(request):
            return _error(401, 1001, "Invalid access token")
        if order_id not in self.orders:
            return _error(404, 32100, "Invalid Order Id")
        return 200, {}, json.dumps(self.orders[order_id])

    def _ship(self, request, _query, order_id):
        if not self._authorized(request):
            return _error(401, 1001, "Invalid access token")
        order = self.orders.get(order_id)
        if not order:
            return _error(404, 32100, "Invalid Order Id")
        body = json.loads(request.body)
        lines = {line["lineItemId"]: line for line in order["lineItems"]}
        if any(item["lineItemId"] not in lines for item in body.get("lineItems") or []):
            return _error(400, 32200, "Invalid line item id")
        if bool(body.get("shippingCarrierCode")) != bool(body.get("trackingNumber")):
            return _error(400, 32300, "Invalid shipment tracking number or carrier")
        self.fulfillments.append((order_id, body))
        for item in body["lineItems"]:
            lines[item["lineItemId"]]["lineItemFulfillmentStatus"] = "FULFILLED"
        done = all(line["lineItemFulfillmentStatus"] == "FULFILLED" for line in order["lineItems"])
        order["orderFulfillmentStatus"] = "FULFILLED" if done else "IN_PROGRESS"
        location = f"{BASE}/sell/fulfillment/v1/order/{order_id}/shipping_fulfillment/F-{len(self.fulfillments)}"
        return 201, {"Location": location}, "{}"

    def _shipped(self, request, _query, order_id):
        if not self._authorized(request):
            return _error(401, 1001, "Invalid access token")
        if order_id not in self.orders:
            return _error(404, 32100, "Invalid Order Id")
        fulfillments = [
            {
                "fulfillmentId": f"F-{number}",
                "lineItems": body["lineItems"],
                "shippedDate": body.get("shippedDate"),
                "shippingCarrierCode": body.get("shippingCarrierCode"),
                "shipmentTrackingNumber": body.get("trackingNumber"),
            }
            for number, (shipped_order, body) in enumerate(self.fulfillments, 1)
            if shipped_order == order_id
        ]
        return 200, {}, json.dumps({"fulfillments": fulfillments, "total": len(fulfillments)})

    # --- inventory -------------------------------------------------------------------------
    def _bulk(self, request, _query, _match):
        if not self._authorized(request):
            return _error(401, 1001, "Invalid access token")
        requests_ = json.loads(request.body).get("requests") or []
        if len(requests_) > 25:
            return _error(400, 25709, "Invalid value for requests: up to 25 are allowed")
        self.bulk_calls.append(requests_)
        responses, failed = [], False
        for item in requests_:
            sku = item["sku"]
            if sku not in self.inventory:
                failed = True
                responses.append(
                    {"sku": sku, "statusCode": 404, "errors": [{"errorId": 25702, "message": "SKU not found"}]}
                )
                continue
            quantity = item["shipToLocationAvailability"]["quantity"]
            self.inventory[sku] = quantity
            responses.append({"sku": sku, "statusCode": 200, "errors": [], "warnings": []})
            for offer in item.get("offers") or []:
                responses.append({"sku": sku, "offerId": offer["offerId"], "statusCode": 200, "errors": []})
        return (207 if failed else 200), {}, json.dumps({"responses": responses})

    def _get_offers(self, request, query, _match):
        if not self._authorized(request):
            return _error(401, 1001, "Invalid access token")
        offers = self.offers.get(query.get("sku"))
        if not offers:
            return _error(404, 25713, "This Offer is not available")
        answer = [{"offerId": o, "sku": query["sku"], "marketplaceId": query.get("marketplace_id")} for o in offers]
        return 200, {}, json.dumps({"offers": answer, "total": len(answer)})

    def _inventory_items(self, request, query, _match):
        if not self._authorized(request):
            return _error(401, 1001, "Invalid access token")
        skus = sorted(self.inventory)
        offset, limit = int(query.get("offset") or 0), int(query.get("limit") or 25)
        items = [{"sku": sku, "product": {"title": sku.title()}} for sku in skus[offset : offset + limit]]
        answer = {"total": len(skus), "inventoryItems": items}
        if offset + limit < len(skus):
            answer["next"] = f"{BASE}/sell/inventory/v1/inventory_item?offset={offset + limit}&limit={limit}"
        return 200, {}, json.dumps(answer)

    def _trading(self, request, _query, _match):
        call = request.headers.get("X-EBAY-API-CALL-NAME")
        root = etree.fromstring(request.body)
        ack, errors, echoed = "Success", [], []
        if not self._authorized(request):
            ack, errors = "Failure", [("21916984", "Invalid IAF token.", "")]
        elif call != "ReviseInventoryStatus" or len(root.findall(f"{{{NS}}}InventoryStatus")) > 4:
            ack, errors = "Failure", [("21919137", "Up to 4 InventoryStatus containers are allowed.", "")]
        else:
            statuses = root.findall(f"{{{NS}}}InventoryStatus")
            self.trading_calls.append(statuses)
            for status in statuses:
                item_id = status.findtext(f"{{{NS}}}ItemID")
                sku = status.findtext(f"{{{NS}}}SKU") or ""
                if item_id not in self.items or sku not in self.items[item_id]:
                    errors.append(("21916750", f"Item {item_id} is not a listing of this seller.", item_id))
                    continue
                self.items[item_id][sku] = int(status.findtext(f"{{{NS}}}Quantity"))
                echoed.append((item_id, sku))
            if errors:
                ack = "PartialFailure" if echoed else "Failure"
        answer = etree.Element("ReviseInventoryStatusResponse", nsmap={None: NS})
        etree.SubElement(answer, "Ack").text = ack
        for code, message, param in errors:
            error = etree.SubElement(answer, "Errors")
            etree.SubElement(error, "ShortMessage").text = message
            etree.SubElement(error, "LongMessage").text = message
            etree.SubElement(error, "ErrorCode").text = code
            etree.SubElement(error, "SeverityCode").text = "Error"
            if param:
                etree.SubElement(etree.SubElement(error, "ErrorParameters", ParamID="0"), "Value").text = param
        for item_id, sku in echoed:
            status = etree.SubElement(answer, "InventoryStatus")
            etree.SubElement(status, "ItemID").text = item_id
            if sku:
                etree.SubElement(status, "SKU").text = sku
        return 200, {"Content-Type": "text/xml"}, etree.tostring(answer)

    # --- returns, notification keys ----------------------------------------------------------
    def _return_search(self, request, query, _match):
        if not self._authorized(request, scheme="IAF"):
            return _error(401, 1001, "Invalid access token")
        limit, number = int(query.get("limit") or 25), int(query.get("offset") or 1)
        open_ = [r for r in self.returns if r["state"] != "CLOSED"]
        pages = max(1, -(-len(open_) // limit))
        members = open_[(number - 1) * limit : number * limit]
        pagination = {"limit": limit, "offset": number, "totalEntries": len(open_), "totalPages": pages}
        return 200, {}, json.dumps({"members": members, "paginationOutput": pagination, "total": len(open_)})

    def _public_key(self, request, _query, kid):
        if not self._authorized(request, app=True):
            return _error(401, 1001, "Invalid access token")
        if kid != self.kid:
            return _error(404, 195001, "The public key was not found")
        return 200, {}, json.dumps({"algorithm": "ECDSA", "digest": "SHA1", "key": self.public_key_one_line()})
