"""A stand-in for a Magento 2 shop's REST API, plugged into ``responses``.

Written from ../shared/platforms/magento.md (and the Adobe Commerce web API docs it cites), small and scrubbed.
It enforces what a real shop does and the hub must cope with:
- OAuth 1.0a as an integration: the signature is recomputed like the shop does (RFC 5849 base string over
  the method, the URL and every query and ``oauth_*`` parameter; HMAC-SHA256 keyed with
  ``consumer_secret&token_secret``), the timestamp must be within 600 s and a nonce is never accepted twice;
  a bearer access token only when the merchant allowed it (off by default since 2.4.4); else 401
  ``The consumer isn't authorized to access %resources.``;
- ``searchCriteria`` filters (groups ANDed), sort orders, ``pageSize`` / ``currentPage`` with ``total_count``, and
  a page past the end answered with the last page again;
- orders with configurable parent + child items, admin edits (``-1`` increment, ``relation_*`` fields);
- MSI ``source-items`` per source (a batch of at most 20, refused as a whole for an unknown SKU), the
  legacy stock item, asynchronous bulk requests whose operations stay open until the consumers run;
- shipments per item with tracks, deducted from the named source; credit memos;
- scripted failures (``fail_next``): 429 (+ Retry-After), 503, timeouts.
"""

import copy
import json
import math
import re
import time
import uuid
from urllib.parse import parse_qsl, unquote, urlparse

import requests
import responses
from oauthlib.oauth1.rfc5849 import signature, utils

TIME_DEVIATION = 600  # Magento\Integration\Model\Oauth\Nonce\Generator
UNAUTHORIZED = {
    "message": "The consumer isn't authorized to access %resources.",
    "parameters": {"resources": "Magento_Sales::actions_view"},
}
ADDRESS = {
    "address_type": "shipping",
    "firstname": "Lucía",
    "lastname": "Ferrer",
    "street": ["C/ Colón 12", "3º B"],
    "city": "Valencia",
    "region": "Valencia",
    "postcode": "46004",
    "country_id": "ES",
    "telephone": "+34600111222",
    "email": "lucia@example.com",
}


def item(item_id, sku, qty, product_type="simple", parent=None, product_id=None, price=12.5):
    return {
        "item_id": item_id,
        "sku": sku,
        "name": f"Product {sku}",
        "product_id": product_id or item_id + 1000,
        "product_type": product_type,
        "qty_ordered": qty,
        "qty_shipped": 0,
        "qty_canceled": 0,
        "qty_refunded": 0,
        "parent_item_id": parent,
        "price": 0 if parent else price,
        "tax_amount": 0 if parent else round(price * qty * 0.21, 2),
        "discount_amount": 0,
    }


def configurable(item_id, sku, qty):
    """A configurable product ordered: the parent line (SKU = the child's) and its child (simple)."""
    return [item(item_id, sku, qty, "configurable", product_id=500), item(item_id + 1, sku, qty, parent=item_id)]


def error(status, message, **parameters):
    return status, {}, json.dumps({"message": message, "parameters": parameters})


class FakeMagento:
    def __init__(self, url="https://magento.example.com", store="all", credentials=("ck", "cs", "at", "ats")):
        self.url, self.store = url, store
        self.consumer_key, self.consumer_secret, self.token, self.token_secret = credentials
        self.skew = 0  # seconds the shop's clock is ahead of ours
        self.bearer_allowed = False  # Stores › Configuration › Services › OAuth › Consumer Settings (2.4.4+: No)
        self.orders, self.creditmemos, self.shipments, self.tracks = {}, {}, {}, []
        self.products = {}  # sku -> {"id", "sku", "type_id", "name"}
        self.sources = {}  # (sku, source code) -> quantity
        self.legacy = {}  # sku -> stock item
        self.bulks = {}  # uuid -> [operation]
        self.calls, self.failures, self.nonces, self.source_batches, self.searches = [], [], set(), [], []

    # --- test controls ----------------------------------------------------
    def install(self, mock):
        for method in (responses.GET, responses.POST, responses.PUT):
            mock.add_callback(method, re.compile(re.escape(self.url) + ".*"), callback=self._callback)
        return self

    def fail_next(self, *failures):
        self.failures.extend(failures)

    def add_product(self, sku, product_id=None, type_id="simple"):
        self.products[sku] = {"id": product_id or 100 + len(self.products), "sku": sku, "type_id": type_id, "name": sku}
        self.legacy[sku] = {"item_id": 900 + len(self.legacy), "product_id": self.products[sku]["id"], "qty": 0}

    def add_order(self, entity_id, updated, items=None, state="processing", **changes):
        order = {
            "entity_id": entity_id,
            "increment_id": f"{entity_id:09d}",
            "state": state,
            "status": state,
            "created_at": updated,
            "updated_at": updated,
            "customer_email": "lucia@example.com",
            "customer_firstname": "Lucía",
            "customer_lastname": "Ferrer",
            "customer_note": "Ring twice",
            "store_id": 1,
            "order_currency_code": "EUR",
            "grand_total": 35.15,
            "shipping_amount": 5.0,
            "shipping_tax_amount": 1.05,
            "shipping_description": "Flat Rate - Fixed",
            "payment": {"method": "checkmo"},
            "billing_address": {**ADDRESS, "address_type": "billing"},
            "items": items if items is not None else [item(entity_id * 10, "MUG-001", 1)],
            "extension_attributes": {
                "shipping_assignments": [
                    {"shipping": {"method": "flatrate_flatrate", "address": dict(ADDRESS)}, "items": []}
                ]
            },
        }
        order.update(changes)
        self.orders[entity_id] = order
        return order

    def edit_order(self, entity_id, new_entity_id, updated, items):
        """The admin edits an order: a new order ``<original>-<n>`` replaces it, the old one is cancelled."""
        old = self.orders[entity_id]
        original = old.get("original_increment_id") or old["increment_id"]
        edit = (old.get("edit_increment") or 0) + 1
        new = copy.deepcopy(old)
        new.update(
            entity_id=new_entity_id,
            increment_id=f"{original}-{edit}",
            original_increment_id=original,
            relation_parent_id=str(entity_id),
            relation_parent_real_id=old["increment_id"],
            edit_increment=edit,
            created_at=updated,
            updated_at=updated,
            items=items,
        )
        self.orders[new_entity_id] = new
        old.update(state="canceled", status="canceled", updated_at=updated)
        old.update(relation_child_id=str(new_entity_id), relation_child_real_id=new["increment_id"])
        return new

    def add_creditmemo(self, memo_id, order_id, updated, items, comment=""):
        memo = {
            "entity_id": memo_id,
            "increment_id": f"{memo_id:09d}",
            "order_id": order_id,
            "created_at": updated,
            "updated_at": updated,
            "items": [
                {"entity_id": memo_id * 10 + n, "order_item_id": i, "sku": s, "qty": q}
                for n, (i, s, q) in enumerate(items)
            ],
            "comments": [{"comment": comment}] if comment else [],
        }
        self.creditmemos[memo_id] = memo
        return memo

    def run_consumers(self):
        """The shop's message-queue consumers process the open bulk operations."""
        for operations in self.bulks.values():
            for operation in operations:
                if operation["status"] != 4:
                    continue
                sku = operation["item"]["sku"]
                if sku in self.products:
                    self.sources[(sku, operation["item"]["source_code"])] = operation["item"]["quantity"]
                    operation.update(status=1, result_message="Service execution success")
                else:
                    operation.update(status=3, result_message=f'Product with SKU "{sku}" does not exist.', error_code=0)

    # --- auth -------------------------------------------------------------
    def _authorized(self, request):
        header = request.headers.get("Authorization") or ""
        header = header.decode() if isinstance(header, bytes) else header  # requests-oauthlib sends bytes
        if header.startswith("Bearer "):
            return self.bearer_allowed and header[7:] == self.token
        if not header.startswith("OAuth "):
            return False
        oauth = {key: utils.unescape(value) for key, value in utils.parse_authorization_header(header)}
        if oauth.get("oauth_signature_method") != "HMAC-SHA256":
            return False
        if (oauth.get("oauth_consumer_key"), oauth.get("oauth_token")) != (self.consumer_key, self.token):
            return False
        if abs(time.time() + self.skew - int(oauth.get("oauth_timestamp") or 0)) > TIME_DEVIATION:
            return False
        if oauth.get("oauth_nonce") in self.nonces:
            return False
        # the query as Magento\Framework\Oauth\Helper\Request::_extractQueryStringParams reads it: split on
        # & and =, rawurldecode (a "+" stays a plus: a space must travel as %20 or the signatures differ)
        pairs = [part.split("=") for part in urlparse(request.url).query.split("&") if part]
        params = [(unquote(pair[0]), unquote(pair[1])) for pair in pairs if len(pair) == 2]
        params += [(k, v) for k, v in oauth.items() if k.startswith("oauth_") and k != "oauth_signature"]
        base = signature.signature_base_string(
            request.method, signature.base_string_uri(request.url), signature.normalize_parameters(params)
        )
        expected = signature.sign_hmac_sha256(base, self.consumer_secret, self.token_secret)
        if expected != oauth.get("oauth_signature"):
            return False
        self.nonces.add(oauth["oauth_nonce"])
        return True

    # --- the HTTP side ----------------------------------------------------
    def _callback(self, request):
        url = urlparse(request.url)
        self.calls.append((request.method, url.path))
        if self.failures:
            failure = self.failures.pop(0)
            if failure == "timeout":
                return (0, {}, requests.ReadTimeout("read timed out"))
            status, headers = failure if isinstance(failure, tuple) else (failure, {})
            return (status, headers, "<html><body>503 Service Unavailable</body></html>")
        if not self._authorized(request):
            return 401, {}, json.dumps(UNAUTHORIZED)
        query = dict(parse_qsl(url.query))
        body = json.loads(request.body) if request.body else {}
        path = url.path.removeprefix(f"/rest/{self.store}/")
        for pattern, handler in self.ROUTES:
            match = re.fullmatch(pattern, f"{request.method} {path}")
            if match:
                return handler(self, query, body, *match.groups())
        return error(404, "Request does not match any route.")

    @staticmethod
    def _matches(record, field, value, condition):
        have = record.get(field)
        have = "" if have is None else str(have)
        if condition == "eq":
            return have == value
        if condition == "in":
            return have in value.split(",")
        if condition in ("gteq", "gt"):
            return have >= value if condition == "gteq" else have > value
        raise AssertionError(f"condition {condition} not faked")

    def _search(self, records, query):
        self.searches.append(query)
        groups = {}
        for key, value in query.items():
            found = re.fullmatch(r"searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[0\]\[(\w+)\]", key)
            if found:
                groups.setdefault(found.group(1), {})[found.group(2)] = value
        for group in groups.values():
            records = [
                r
                for r in records
                if self._matches(r, group["field"], group["value"], group.get("condition_type", "eq"))
            ]
        sort = query.get("searchCriteria[sortOrders][0][field]")
        if sort:
            records = sorted(records, key=lambda r: (str(r.get(sort)), r.get("entity_id") or r.get("id")))
        size = int(query.get("searchCriteria[pageSize]") or len(records) or 1)
        if size > 300:
            return error(400, "Maximum page size is %1", 300)
        page = int(query.get("searchCriteria[currentPage]") or 1)
        last = max(1, math.ceil(len(records) / size))
        page = min(page, last)  # past the end: the last page again
        answer = {"items": records[(page - 1) * size : page * size], "search_criteria": {}, "total_count": len(records)}
        return 200, {}, json.dumps(answer)

    def _orders(self, query, body):
        return self._search(list(self.orders.values()), query)

    def _order(self, query, body, entity_id):
        order = self.orders.get(int(entity_id))
        return (200, {}, json.dumps(order)) if order else error(404, "The entity that was requested doesn't exist.")

    def _creditmemos(self, query, body):
        return self._search(list(self.creditmemos.values()), query)

    def _products(self, query, body):
        return self._search(list(self.products.values()), query)

    def _source_items(self, query, body):
        items = body.get("sourceItems") or []
        if len(items) > 20:
            return error(400, "The number of items in the array exceeds the maximum allowed (%1).", 20)
        self.source_batches.append([i["sku"] for i in items])
        unknown = [i["sku"] for i in items if i["sku"] not in self.products]
        if unknown:
            errors = [{"message": 'Product with SKU "%sku" does not exist.', "parameters": {"sku": s}} for s in unknown]
            return 400, {}, json.dumps({"message": "Validation Failed", "errors": errors})
        for i in items:
            self.sources[(i["sku"], i["source_code"])] = i["quantity"]
        return 200, {}, "[]"

    def _bulk_source_items(self, query, body):
        if len(body) > 5000:
            return error(400, "The number of items in the array exceeds the maximum allowed (%1).", 5000)
        bulk = str(uuid.uuid4())
        self.bulks[bulk] = [
            {"id": n, "status": 4, "result_message": None, "error_code": None, "item": b["sourceItems"][0]}
            for n, b in enumerate(body)
        ]
        requests_items = [{"id": n, "data_hash": uuid.uuid4().hex, "status": "accepted"} for n in range(len(body))]
        return 202, {}, json.dumps({"bulk_uuid": bulk, "request_items": requests_items, "errors": False})

    def _bulk_status(self, query, body, bulk):
        operations = [{k: v for k, v in op.items() if k != "item"} for op in self.bulks[bulk]]
        answer = {"operations_list": operations, "user_type": 1, "bulk_id": bulk, "operation_count": len(operations)}
        return 200, {}, json.dumps(answer)

    def _stock_item(self, query, body, sku):
        if sku not in self.legacy:
            return error(404, "The Product that was requested doesn't exist. Verify the product and try again.")
        return 200, {}, json.dumps({**self.legacy[sku], "stock_id": 1, "is_in_stock": self.legacy[sku]["qty"] > 0})

    def _stock_item_put(self, query, body, sku, item_id):
        stock = self.legacy.get(sku)
        if not stock or str(stock["item_id"]) != item_id:
            return error(404, "The stock item was not found.")
        stock["qty"] = body["stockItem"]["qty"]
        return 200, {}, json.dumps(stock["item_id"])

    def _ship(self, query, body, entity_id):
        order = self.orders.get(int(entity_id))
        if not order:
            return error(404, "The entity that was requested doesn't exist.")
        if order["state"] in ("canceled", "closed", "holded"):
            return error(
                400, "Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created."
            )
        by_id = {i["item_id"]: i for i in order["items"]}
        for line in body.get("items") or []:
            ordered = by_id.get(line["order_item_id"])
            if not ordered or ordered.get("parent_item_id"):
                return error(
                    400, "Shipment Document Validation Error(s):\nYou can't create a shipment without products."
                )
            left = ordered["qty_ordered"] - ordered["qty_shipped"] - ordered["qty_canceled"]
            if line["qty"] > left:
                return error(400, "Shipment Document Validation Error(s):\nThe shipment quantity is more than ordered.")
        source = ((body.get("arguments") or {}).get("extension_attributes") or {}).get("source_code") or "default"
        for line in body.get("items") or []:
            for i in order["items"]:
                if line["order_item_id"] in (i["item_id"], i.get("parent_item_id")):
                    i["qty_shipped"] += line["qty"]
                    if i["product_type"] == "simple":
                        key = (i["sku"], source)
                        self.sources[key] = self.sources.get(key, 0) - line["qty"]  # deducted from that source
        if all(i["qty_shipped"] + i["qty_canceled"] >= i["qty_ordered"] for i in order["items"]):
            order.update(state="complete", status="complete")
        shipment_id = 7000 + len(self.shipments)
        self.shipments[shipment_id] = {"order_id": int(entity_id), "source_code": source, **body}
        return 200, {}, json.dumps(shipment_id)

    def _track(self, query, body):
        entity = body["entity"]
        if entity.get("parent_id") not in self.shipments:
            return error(404, "The entity that was requested doesn't exist.")
        self.tracks.append(entity)
        return 200, {}, json.dumps({**entity, "entity_id": 800 + len(self.tracks)})

    def _comment(self, query, body, entity_id):
        order = self.orders.get(int(entity_id))
        if not order:
            return error(404, "The entity that was requested doesn't exist.")
        order.setdefault("status_histories", []).append(body["statusHistory"])
        return 200, {}, "true"

    ROUTES = [
        (r"POST V1/orders/(\d+)/comments", _comment),
        (r"GET V1/orders", _orders),
        (r"GET V1/orders/(\d+)", _order),
        (r"GET V1/creditmemos", _creditmemos),
        (r"GET V1/products", _products),
        (r"POST V1/inventory/source-items", _source_items),
        (r"POST async/bulk/V1/inventory/source-items", _bulk_source_items),
        (r"GET V1/bulk/([\w-]+)/status", _bulk_status),
        (r"GET V1/stockItems/([^/]+)", _stock_item),
        (r"PUT V1/products/([^/]+)/stockItems/(\d+)", _stock_item_put),
        (r"POST V1/order/(\d+)/ship", _ship),
        (r"POST V1/shipment/track", _track),
    ]
