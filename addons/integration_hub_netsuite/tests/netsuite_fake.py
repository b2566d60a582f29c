"""A stand-in for a NetSuite account's SuiteTalk REST web services, plugged into ``responses``.

Written from ../shared/platforms/netsuite.md (and the NetSuite help pages it cites), small and scrubbed. It does
what a real account does and the hub must cope with:
- token-based authentication checked for real: the OAuth 1.0a HMAC-SHA256 signature is recomputed with oauthlib
  (RFC 5849 base string over the method, the URL and every query and ``oauth_*`` parameter, key
  ``consumer_secret&token_secret``), the realm must be the account id (``1234567_SB1``), a nonce is accepted once;
  otherwise 401 ``INVALID_LOGIN``;
- SuiteQL (``POST /query/v1/suiteql``): ``Prefer: transient`` required, ``limit`` at most 1000 and an ``offset`` that
  is a multiple of it, ``hasMore`` / ``totalResults``; ``lastmodifieddate`` compared in the account user's time zone
  (``>=``, or the keyset ``> t OR (= t AND id > i)``), ``TO_CHAR`` of it in that zone to whole seconds;
- records with select fields as ``{"id", "refName"}`` and sublists as ``{"items": [...]}``, ``eid:<externalId>``;
- transforms of a sales order into an item fulfillment and of a purchase order into an item receipt (lines by
  ``orderLine``, ``itemReceive: false`` left open, over-fulfilment refused), inventory adjustments by
  ``adjustQtyBy`` (an unknown item refused with ``o:errorDetails``); 204 + ``Location``;
- scripted failures (``fail_next``): 429 ``CONCURRENCY_LIMIT_EXCEEDED``, 400 ``SSS_REQUEST_LIMIT_EXCEEDED``
  (``"request_limit"``), 503, a timeout before the request is
  handled, and ``"timeout_after"``: NetSuite creates the record but the answer never arrives.
"""

import json
import re
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, unquote, urlparse

import pytz
import requests
import responses
from oauthlib.oauth1.rfc5849 import signature, utils

INVALID_LOGIN = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > "
    "User Management > View Login Audit Trail."
)


def problem(status, code, detail):
    title = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests"}.get(status, "Error")
    body = {
        "type": f"https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.{status - 399}",
        "title": title,
        "status": status,
        "o:errorDetails": [{"detail": detail, "o:errorCode": code}],
    }
    return status, {"Content-Type": "application/vnd.oracle.resource+json; type=error"}, json.dumps(body)


def ref(value, name=""):
    return {"id": str(value), "refName": name or str(value)}


class FakeNetSuite:
    def __init__(self, account="1234567_SB1", credentials=("ck", "cs", "tk", "ts"), tz="America/Los_Angeles"):
        self.account = account
        self.url = f"https://{account.lower().replace('_', '-')}.suitetalk.api.netsuite.com/services/rest/"
        self.consumer_key, self.consumer_secret, self.token, self.token_secret = credentials
        self.tz = pytz.timezone(tz)
        self.records = {"salesOrder": {}, "purchaseOrder": {}, "inventoryItem": {}}
        self.created = {"itemFulfillment": {}, "itemReceipt": {}, "inventoryAdjustment": {}}
        self.locations = {"6": "3PL Valencia", "1": "Main warehouse"}
        self.on_hand = {}  # (item id, location id) -> quantity
        self.calls, self.failures, self.nonces, self.queries, self.offsets = [], [], set(), [], []
        self.next_id = 9000

    # --- test controls ----------------------------------------------------
    def install(self, mock):
        for method in (responses.GET, responses.POST):
            mock.add_callback(method, re.compile(re.escape(self.url) + ".*"), callback=self._callback)
        return self

    def fail_next(self, *failures):
        self.failures.extend(failures)

    def add_item(self, item_id, sku, **fields):
        item = {
            "id": str(item_id),
            "itemId": sku,
            "displayName": f"Product {sku}",
            "isInactive": False,
            "lastModifiedDate": fields.pop("modified", "2026-11-29T10:00:00Z"),
            **fields,
        }
        self.records["inventoryItem"][str(item_id)] = item
        return item

    def add_sales_order(self, order_id, modified, lines, status="B", location="6", **fields):
        order = {
            "id": str(order_id),
            "tranId": f"SO{order_id}",
            "tranDate": modified[:10],
            "entity": ref(887, "Tienda Ejemplo SL"),
            "otherRefNum": f"WEB-{order_id}",
            "memo": "",
            "email": "lucia@example.com",
            "status": ref(status, {"A": "Pending Approval", "B": "Pending Fulfillment", "C": "Cancelled"}.get(status)),
            "shipMethod": ref(12, "SEUR 24"),
            "lastModifiedDate": modified,
            "shippingAddress": {
                "addressee": "Lucía Ferrer",
                "addr1": "C/ Colón 12",
                "addr2": "3º B",
                "city": "Valencia",
                "state": "V",
                "zip": "46004",
                "country": {"id": "ES"},
                "addrPhone": "+34600111222",
            },
            "item": {
                "items": [
                    {
                        "line": line,
                        "item": ref(item_id, sku),
                        "quantity": float(quantity),
                        "quantityFulfilled": 0.0,
                        "location": ref(where or location, self.locations.get(where or location, "")),
                        "isClosed": False,
                    }
                    for line, item_id, sku, quantity, where in (tuple(row) + (None,) * (5 - len(row)) for row in lines)
                ]
            },
            **fields,
        }
        self.records["salesOrder"][str(order_id)] = order
        return order

    def add_purchase_order(self, order_id, modified, lines, status="B", location="6"):
        purchase = {
            "id": str(order_id),
            "tranId": f"PO{order_id}",
            "tranDate": modified[:10],
            "dueDate": "2026-12-01",
            "entity": ref(77, "Cerámicas Levante"),
            "status": ref(status, {"B": "Pending Receipt", "C": "Rejected by Supervisor"}.get(status)),
            "location": ref(location),
            "lastModifiedDate": modified,
            "item": {
                "items": [
                    {"line": line, "item": ref(item_id, sku), "quantity": float(qty), "quantityReceived": 0.0}
                    for line, item_id, sku, qty in lines
                ]
            },
        }
        self.records["purchaseOrder"][str(order_id)] = purchase
        return purchase

    def touch(self, record_type, record_id, modified, **changes):
        self.records[record_type][str(record_id)].update(lastModifiedDate=modified, **changes)

    # --- auth -------------------------------------------------------------
    def _authorized(self, request):
        header = request.headers.get("Authorization") or ""
        header = header.decode() if isinstance(header, bytes) else header
        if not header.startswith("OAuth "):
            return False
        oauth = {key: utils.unescape(value) for key, value in utils.parse_authorization_header(header)}
        if oauth.get("realm") != self.account or oauth.get("oauth_signature_method") != "HMAC-SHA256":
            return False
        if (oauth.get("oauth_consumer_key"), oauth.get("oauth_token")) != (self.consumer_key, self.token):
            return False
        if abs(time.time() - int(oauth.get("oauth_timestamp") or 0)) > 300 or oauth.get("oauth_nonce") in self.nonces:
            return False
        params = [(unquote(k), unquote(v)) for k, v in parse_qsl(urlparse(request.url).query, keep_blank_values=True)]
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
        path = url.path.split("/services/rest/", 1)[1]
        self.calls.append((request.method, path))
        failure = self.failures.pop(0) if self.failures else None
        lost, failure = failure == "timeout_after", None if failure == "timeout_after" else failure
        if failure == "timeout":
            return (0, {}, requests.ReadTimeout("read timed out"))
        if failure == 429:
            return problem(429, "CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked.")
        if failure == "request_limit":  # what a RESTlet-style limit answers: 400 with its code
            return problem(400, "SSS_REQUEST_LIMIT_EXCEEDED", "Request limit exceeded. Request blocked.")
        if failure:
            return failure, {}, "<html><body>503 Service Unavailable</body></html>"
        if not self._authorized(request):
            return problem(401, "INVALID_LOGIN", INVALID_LOGIN)
        query = dict(parse_qsl(url.query))
        body = json.loads(request.body) if request.body else {}
        for pattern, handler in self.ROUTES:
            match = re.fullmatch(pattern, f"{request.method} {path}")
            if match:
                answer = handler(self, request, query, body, *match.groups())
                if lost:  # NetSuite did it; the answer is lost on the way back
                    return (0, {}, requests.ReadTimeout("read timed out"))
                return answer
        return problem(404, "NONEXISTENT_ID", f"Invalid path {path}")

    def _local(self, stamp):
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def _select(self, q):
        stamp = r"TO_TIMESTAMP\('([^']+)', 'YYYY-MM-DD HH24:MI:SS'\)"
        since = re.search(r"lastmodifieddate >= " + stamp, q)
        since = datetime.strptime(since.group(1), "%Y-%m-%d %H:%M:%S") if since else None
        after = re.search(rf"\(lastmodifieddate > {stamp} OR \(lastmodifieddate = {stamp} AND id > (\d+)\)\)", q)
        if after:  # the keyset of the next page: (lastmodifieddate, id) after the last row read
            after = (datetime.strptime(after.group(1), "%Y-%m-%d %H:%M:%S"), int(after.group(3)))

        def changed(records):
            def key(r):
                return (self._local(r["lastModifiedDate"]), int(r["id"]))

            rows = [r for r in records.values() if since is None or key(r)[0] >= since]
            rows = [r for r in rows if after is None or key(r) > after]
            return [{"id": r["id"], "modified": key(r)[0].strftime("%Y-%m-%d %H:%M:%S")} for r in sorted(rows, key=key)]

        if "FROM transaction WHERE type = 'SalesOrd'" in q:
            return changed(self.records["salesOrder"])
        if (found := re.search(r"type = 'PurchOrd' AND tranid = '([^']*)'", q)) is not None:
            return [{"id": r["id"]} for r in self.records["purchaseOrder"].values() if r["tranId"] == found.group(1)]
        if "FROM transaction WHERE type = 'PurchOrd'" in q:
            return changed(self.records["purchaseOrder"])
        if (found := re.search(r"FROM item WHERE itemid = '([^']*)'", q)) is not None:
            return [{"id": r["id"]} for r in self.records["inventoryItem"].values() if r["itemId"] == found.group(1)]
        if "FROM item WHERE itemtype = 'InvtPart'" in q:
            return changed(self.records["inventoryItem"])
        if (found := re.search(r"FROM location WHERE id = '(\w+)'", q)) is not None:
            name = self.locations.get(found.group(1))
            return [{"id": found.group(1), "name": name}] if name else []
        if q == "SELECT id, name FROM location":
            return [{"id": key, "name": name} for key, name in sorted(self.locations.items())]
        raise AssertionError(f"query not faked: {q}")

    def _suiteql(self, request, query, body):
        prefer = request.headers.get("Prefer") or ""
        if (prefer.decode() if isinstance(prefer, bytes) else prefer) != "transient":  # requests-oauthlib: bytes
            return problem(400, "INVALID_PARAMETER", "The Prefer: transient header is required for SuiteQL.")
        limit, offset = int(query.get("limit", 1000)), int(query.get("offset", 0))
        if not 1 <= limit <= 1000 or offset % limit:
            return problem(400, "INVALID_PARAMETER", "Invalid limit or offset: the offset must be divisible by limit.")
        self.queries.append(body["q"])
        self.offsets.append(offset)
        rows = self._select(body["q"])
        page = rows[offset : offset + limit]
        answer = {
            "links": [],
            "count": len(page),
            "hasMore": offset + limit < len(rows),
            "offset": offset,
            "totalResults": len(rows),
            "items": [{"links": [], **row} for row in page],
        }
        return 200, {}, json.dumps(answer)

    def _record(self, request, query, body, record_type, record_id):
        if record_id.startswith("eid:"):
            found = [r for r in self.created.get(record_type, {}).values() if r.get("externalId") == record_id[4:]]
            if found:
                return 200, {}, json.dumps(found[0])
            return problem(404, "NONEXISTENT_ID", f"The record instance does not exist. Invalid id {record_id}.")
        record = self.records.get(record_type, {}).get(record_id) or self.created.get(record_type, {}).get(record_id)
        if not record:
            return problem(404, "NONEXISTENT_ID", f"The record instance does not exist. Invalid id {record_id}.")
        return 200, {}, json.dumps(record)

    def _new(self, record_type, record):
        self.next_id += 1
        record = {"id": str(self.next_id), **record}
        self.created[record_type][record["id"]] = record
        location = f"{self.url}record/v1/{record_type}/{record['id']}"
        return 204, {"Location": location}, ""

    def _lines_of(self, source, body, done_field):
        lines = {int(line["line"]): line for line in source["item"]["items"]}
        wanted = [row for row in body.get("item", {}).get("items", []) if row.get("itemReceive", True)]
        for row in wanted:
            line = lines.get(row["orderLine"])
            if line is None:
                return problem(400, "INVALID_KEY_OR_REF", f"Invalid orderLine reference key {row['orderLine']}.")
            if row["quantity"] > line["quantity"] - line.get(done_field, 0):
                return problem(
                    400, "USER_ERROR", f"You can not fulfill more than the remaining quantity on line {line['line']}."
                )
        named = {row["orderLine"] for row in body.get("item", {}).get("items", [])}
        if not wanted:
            return problem(400, "USER_ERROR", "You must enter at least one line item for this transaction.")
        for number, line in lines.items():
            row = next((r for r in wanted if r["orderLine"] == number), None)
            if row is None and number not in named:
                row = {"quantity": line["quantity"] - line.get(done_field, 0)}  # not named: NetSuite takes it all
            if row:
                line[done_field] = line.get(done_field, 0) + row["quantity"]
        return None

    def _fulfill(self, request, query, body, order_id):
        order = self.records["salesOrder"].get(order_id)
        if not order:
            return problem(404, "NONEXISTENT_ID", f"Invalid id {order_id}.")
        if order["status"]["id"] not in "BDE":
            return problem(400, "USER_ERROR", "The sales order is not pending fulfillment.")
        refused = self._lines_of(order, body, "quantityFulfilled")
        if refused:
            return refused
        left = any(line["quantityFulfilled"] < line["quantity"] for line in order["item"]["items"])
        order["status"] = ref("D", "Partially Fulfilled") if left else ref("F", "Pending Billing")
        return self._new("itemFulfillment", {**body, "createdFrom": ref(order_id, order["tranId"])})

    def _receive(self, request, query, body, order_id):
        purchase = self.records["purchaseOrder"].get(order_id)
        if not purchase:
            return problem(404, "NONEXISTENT_ID", f"Invalid id {order_id}.")
        refused = self._lines_of(purchase, body, "quantityReceived")
        return refused or self._new("itemReceipt", {**body, "createdFrom": ref(order_id, purchase["tranId"])})

    def _adjust(self, request, query, body):
        for field in ("account", "adjLocation"):
            if not body.get(field):
                return problem(400, "USER_ERROR", f"Please enter value(s) for: {field}")
        for row in body["inventory"]["items"]:
            if row["item"]["id"] not in self.records["inventoryItem"]:
                return problem(400, "INVALID_KEY_OR_REF", f"Invalid item reference key {row['item']['id']}.")
        for row in body["inventory"]["items"]:
            key = (row["item"]["id"], row["location"]["id"])
            self.on_hand[key] = self.on_hand.get(key, 0) + row["adjustQtyBy"]
        return self._new("inventoryAdjustment", body)

    ROUTES = [
        (r"POST query/v1/suiteql", _suiteql),
        (r"POST record/v1/salesOrder/(\d+)/!transform/itemFulfillment", _fulfill),
        (r"POST record/v1/purchaseOrder/(\d+)/!transform/itemReceipt", _receive),
        (r"POST record/v1/inventoryAdjustment", _adjust),
        (r"GET record/v1/(\w+)/([\w:-]+)", _record),
    ]
