"""A stand-in for Shopify's Admin GraphQL API, plugged into ``responses``.

Written from Shopify's documented behaviour, small and scrubbed: it enforces what
the real API enforces and the hub must cope with —
- the access token (401 otherwise), a revoked token (``revoke()``);
- the leaky-bucket cost limit: each call spends its requested cost from
  ``throttleStatus.currentlyAvailable`` (2000, restoring 100/s); an empty bucket
  answers HTTP 200 with a ``THROTTLED`` error. Time only passes through
  ``advance(seconds)``, which tests inject as the client's sleep;
- the single-query maximum cost (1000): ``MAX_COST_EXCEEDED``;
- cursor pagination (``first`` / ``after``, ``pageInfo``), also of an order's line items:
  ``lineItems(first: N)`` inside an order returns N lines and says whether more follow;
- inventorySetQuantities' rules per API version (250 quantities at most,
  ``ignoreCompareQuantity``/``changeFromQuantity``, ``@idempotent`` key);
- fulfillment orders with remaining quantities, assigned to locations (one per location; by default
  the channel's warehouse location, ``assign()`` moves lines elsewhere), fulfillments with tracking;
  one fulfillment takes the fulfillment orders of one location only;
- scripted failures (``fail_next``): 5xx, 429 + Retry-After, timeouts.
"""

import base64
import copy
import json
import re

import requests
import responses

MAX_COST = 1000


def gid(kind, number):
    return f"gid://shopify/{kind}/{number}"


class FakeShopify:
    def __init__(
        self,
        domain="hub-test.myshopify.com",
        version="2025-10",
        token="shpat_test_token",
        location=("gid://shopify/Location/655441491", "Valencia"),
    ):
        self.domain = domain
        self.location = location  # (gid, name) where fulfillment orders are assigned by default
        self.assignments = {}  # line item gid -> (location gid, name) when not the default location
        self.version = version
        self.token = token
        self.url = f"https://{domain}/admin/api/{version}/graphql.json"
        self.maximum, self.available, self.restore_rate = 2000.0, 2000.0, 100.0
        self.orders = {}  # legacy id -> GraphQL Order node
        self.variants = {}  # sku -> inventory item gid
        self.levels = {}  # (item gid, location gid) -> available
        self.fulfillments = {}  # order legacy id -> [fulfillment]
        self.fulfilled = {}  # line item gid -> quantity fulfilled
        self.webhooks = []
        self.tags = {}
        self.calls = []  # (operation, variables)
        self.failures = []
        self.slept = []
        self.idempotency_keys = []

    # --- test controls ----------------------------------------------------
    def install(self, mock):
        mock.add_callback(responses.POST, self.url, callback=self._callback)
        return self

    def advance(self, seconds):
        """The injected sleep: time passes, the bucket refills."""
        self.slept.append(seconds)
        self.available = min(self.maximum, self.available + seconds * self.restore_rate)

    def fail_next(self, *failures):
        self.failures.extend(failures)

    def revoke(self):
        self.token = "revoked"

    def operations(self):
        return [name for name, _variables in self.calls]

    def add_order(self, legacy_id, updated_at, lines=(("MUG-001", 1),), **fields):
        node = {
            "id": gid("Order", legacy_id),
            "legacyResourceId": str(legacy_id),
            "name": f"#{legacy_id}",
            "createdAt": "2026-11-20T09:00:00Z",
            "updatedAt": updated_at,
            "cancelledAt": None,
            "cancelReason": None,
            "displayFinancialStatus": "PAID",
            "email": "lucia@example.com",
            "phone": "+34612345678",
            "note": None,
            "tags": [],
            "customer": {"firstName": "Lucía", "lastName": "Pérez", "email": "lucia@example.com", "phone": None},
            "shippingAddress": {
                "name": "Lucía Pérez",
                "address1": "Calle de Colón 12",
                "address2": None,
                "zip": "46004",
                "city": "Valencia",
                "provinceCode": "V",
                "countryCodeV2": "ES",
                "phone": None,
            },
            "shippingLines": {"nodes": [{"title": "Express", "code": "next_day"}]},
            "lineItems": {
                "nodes": [
                    {
                        "id": gid("LineItem", f"{legacy_id}{index}"),
                        "sku": sku,
                        "quantity": quantity,
                        "currentQuantity": quantity,
                        "variant": {"id": gid("ProductVariant", f"9{index}")},
                    }
                    for index, (sku, quantity) in enumerate(lines, start=1)
                ]
            },
        }
        node.update(fields)
        self.orders[str(legacy_id)] = node
        return node

    def add_rest_order(self, order):
        """Know an order posted as a webhook (REST shape), so its fulfillment orders can be read."""
        lines = []
        for line in order.get("line_items") or []:
            lines.append(
                {
                    "id": gid("LineItem", line["id"]),
                    "title": line.get("title"),
                    "sku": line.get("sku"),
                    "quantity": line.get("quantity"),
                    "currentQuantity": line.get("current_quantity", line.get("quantity")),
                    "variant": {"id": gid("ProductVariant", line["variant_id"])} if line.get("variant_id") else None,
                    "requiresShipping": line.get("requires_shipping") is not False,
                }
            )
        legacy_id = str(order["id"])
        node = self.orders.get(legacy_id) or self.add_order(legacy_id, order.get("updated_at") or "", lines=())
        node["lineItems"] = {"nodes": lines}
        return node

    def assign(self, line_item_id, location_gid, name):
        """Move a line's fulfillment order to another location (another warehouse, a fulfillment service)."""
        self.assignments[gid("LineItem", line_item_id)] = (location_gid, name)

    # --- the HTTP side ----------------------------------------------------
    def _callback(self, request):
        if self.failures:
            failure = self.failures.pop(0)
            if failure == "timeout":
                return (0, {}, requests.Timeout("read timed out"))
            if failure == "connection":
                return (0, {}, requests.ConnectionError("connection reset"))
            status, headers = failure if isinstance(failure, tuple) else (failure, {})
            return (status, headers, json.dumps({"errors": f"HTTP {status}"}))
        if request.headers.get("X-Shopify-Access-Token") != self.token:
            body = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
            return (401, {}, json.dumps(body))
        document = json.loads(request.body)
        query, variables = document["query"], document.get("variables") or {}
        operation = re.search(r"(?:query|mutation)\s+(\w+)", query).group(1)
        self.calls.append((operation, variables))
        cost = self._cost(operation, query, variables)
        if cost > MAX_COST:
            message = f"Query cost is {cost}, which exceeds the single query max cost limit ({MAX_COST})."
            error = {"message": message, "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": MAX_COST}}
            return (200, {}, json.dumps({"errors": [error]}))
        if cost > self.available:
            body = {
                "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                "extensions": {"cost": self._cost_block(cost, None)},
            }
            return (200, {}, json.dumps(body))
        self.available -= cost
        data = getattr(self, f"_op_{operation}")(variables, query)
        return (200, {}, json.dumps({"data": data, "extensions": {"cost": self._cost_block(cost, cost)}}))

    def _cost_block(self, requested, actual):
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": self.available,
                "restoreRate": self.restore_rate,
            },
        }

    @staticmethod
    def _cost(operation, query, variables):
        if operation.startswith(("HubInventorySet", "HubFulfillmentCreate", "HubTracking", "HubTags", "HubWebhookC")):
            return 10
        first = variables.get("first") or 1
        nested = [int(n) for n in re.findall(r"lineItems\(first: (\d+)\)", query)]
        per_node = 2 + sum(nested)
        if operation in ("HubOrders", "HubVariants", "HubWebhooks"):
            return 2 + first * per_node
        if operation == "HubOrderLines":
            return 3 + first
        return 1 + per_node

    @staticmethod
    def _page(items, variables):
        start = int(base64.b64decode(variables["after"]).decode()) if variables.get("after") else 0
        end = start + variables["first"]
        return {
            "nodes": items[start:end],
            "pageInfo": {"hasNextPage": end < len(items), "endCursor": base64.b64encode(str(end).encode()).decode()},
        }

    # --- operations -------------------------------------------------------
    def _op_HubShop(self, variables, query):
        return {"shop": {"name": "Hub Test Shop", "myshopifyDomain": self.domain}}

    def _with_line_page(self, order, query):
        """The order as a query reads it: its first ``lineItems(first: N)`` lines, and whether more follow."""
        if order is None:
            return None
        match = re.search(r"lineItems\(first: (\d+)\)", query)
        if not match:
            return order
        order = copy.deepcopy(order)
        lines = order["lineItems"]["nodes"]
        order["lineItems"] = self._page(lines, {"first": int(match.group(1))})
        if "pageInfo" not in query:  # the page info is only there when asked for
            del order["lineItems"]["pageInfo"]
        return order

    def _op_HubOrders(self, variables, query):
        orders = sorted(self.orders.values(), key=lambda o: (o["updatedAt"], o["id"]))
        match = re.search(r"updated_at:>='([^']+)'", variables.get("query") or "")
        if match:
            orders = [o for o in orders if o["updatedAt"].replace("Z", "") >= match.group(1).replace("Z", "")]
        page = self._page(orders, variables)
        page["nodes"] = [self._with_line_page(order, query) for order in page["nodes"]]
        return {"orders": page}

    def _op_HubOrder(self, variables, query):
        return {"order": self._with_line_page(self.orders.get(variables["id"].rsplit("/", 1)[-1]), query)}

    def _op_HubOrderLines(self, variables, query):
        order = self.orders.get(variables["id"].rsplit("/", 1)[-1])
        if order is None:
            return {"order": None}
        return {"order": {"lineItems": self._page(order["lineItems"]["nodes"], variables)}}

    def _op_HubWebhooks(self, variables, query):
        return {"webhookSubscriptions": self._page(self.webhooks, variables)}

    def _op_HubWebhookCreate(self, variables, query):
        sub = {"id": gid("WebhookSubscription", len(self.webhooks) + 1), "topic": variables["topic"]}
        sub["uri"] = variables["sub"]["uri"]
        self.webhooks.append(sub)
        return {"webhookSubscriptionCreate": {"webhookSubscription": sub, "userErrors": []}}

    def _op_HubWebhookUpdate(self, variables, query):
        sub = next(s for s in self.webhooks if s["id"] == variables["id"])
        sub["uri"] = variables["sub"]["uri"]
        return {"webhookSubscriptionUpdate": {"webhookSubscription": sub, "userErrors": []}}

    def _op_HubVariants(self, variables, query):
        """A search by SKU (``sku:"A" OR sku:"B"``), or the whole catalog without a query."""
        if variables.get("query"):
            wanted = json.loads("[" + ",".join(re.findall(r'sku:("(?:[^"\\]|\\.)*")', variables["query"])) + "]")
        else:
            wanted = sorted(self.variants)
        nodes = [
            {
                "id": gid("ProductVariant", self.variants[sku].rsplit("/", 1)[-1]),
                "sku": sku,
                "displayName": f"Product - {sku}",
                "inventoryItem": {"id": self.variants[sku]},
            }
            for sku in wanted
            if sku in self.variants
        ]
        return {"productVariants": self._page(nodes, variables)}

    def _op_HubInventorySet(self, variables, query):
        data = variables["input"]
        errors = []
        if data.get("name") != "available" or not data.get("reason") or not data.get("referenceDocumentUri"):
            errors.append({"field": ["input"], "message": "name, reason and referenceDocumentUri are required"})
        if len(data["quantities"]) > 250:
            errors.append({"field": ["input", "quantities"], "message": "At most 250 quantities", "code": "INVALID"})
        keyed = "@idempotent(key:" in query.replace(" ", "")
        if self.version >= "2026-04" and not keyed:
            errors.append({"field": None, "message": "An idempotency key is required", "code": "IDEMPOTENCY_KEY"})
        if keyed:
            self.idempotency_keys.append(variables.get("key"))
        known_items = set(self.variants.values())
        for index, row in enumerate(data["quantities"]):
            if row["inventoryItemId"] not in known_items:
                errors.append(
                    {
                        "field": ["input", "quantities", str(index), "inventoryItemId"],
                        "message": "The specified inventory item could not be found.",
                        "code": "INVALID_INVENTORY_ITEM",
                    }
                )
            if self.version >= "2026-04":
                if "changeFromQuantity" not in row:
                    errors.append({"field": ["input", "quantities", str(index)], "message": "changeFromQuantity"})
            elif not data.get("ignoreCompareQuantity") and "compareQuantity" not in row:
                errors.append({"field": ["input", "quantities", str(index)], "message": "compareQuantity missing"})
        if errors:
            return {"inventorySetQuantities": {"inventoryAdjustmentGroup": None, "userErrors": errors}}
        for row in data["quantities"]:
            self.levels[(row["inventoryItemId"], row["locationId"])] = row["quantity"]
        return {"inventorySetQuantities": {"inventoryAdjustmentGroup": {"id": "gid://shopify/Adj/1"}, "userErrors": []}}

    def _fulfillment_orders(self, legacy_id):
        """One fulfillment order per location the order's lines are assigned to (the default location first)."""
        order = self.orders[legacy_id]
        groups = {}
        for line in order["lineItems"]["nodes"]:
            if not line.get("requiresShipping", True):
                continue  # a tip or a digital gift card has no fulfillment order to ship
            location = self.assignments.get(line["id"], self.location)
            groups.setdefault(location, []).append(line)
        result = []
        for number, (location, lines) in enumerate(sorted(groups.items(), key=lambda g: g[0] != self.location)):
            items = [
                {
                    "id": line["id"].replace("LineItem", "FulfillmentOrderLineItem"),
                    "remainingQuantity": line["currentQuantity"] - self.fulfilled.get(line["id"], 0),
                    "lineItem": {"id": line["id"]},
                }
                for line in lines
            ]
            result.append(
                {
                    "id": gid("FulfillmentOrder", legacy_id if number == 0 else f"{legacy_id}-{number}"),
                    "status": "OPEN" if any(i["remainingQuantity"] for i in items) else "CLOSED",
                    "assignedLocation": {"name": location[1], "location": {"id": location[0]}},
                    "lineItems": {"nodes": items},
                }
            )
        return result

    def _op_HubFulfillmentOrders(self, variables, query):
        legacy_id = variables["id"].rsplit("/", 1)[-1]
        if legacy_id not in self.orders:
            return {"order": None}
        return {
            "order": {
                "id": variables["id"],
                "fulfillments": self.fulfillments.get(legacy_id, []),
                "fulfillmentOrders": {"nodes": self._fulfillment_orders(legacy_id)},
            }
        }

    def _op_HubFulfillmentCreate(self, variables, query):
        data = variables["fulfillment"]
        fulfillment_orders = {
            fo["id"]: (legacy_id, fo)
            for legacy_id in self.orders
            for fo in self._fulfillment_orders(legacy_id)
            if any(group["fulfillmentOrderId"] == fo["id"] for group in data["lineItemsByFulfillmentOrder"])
        }
        locations = {fo["assignedLocation"]["location"]["id"] for _legacy, fo in fulfillment_orders.values()}
        if len(locations) > 1:
            error = {
                "field": ["fulfillment"],
                "message": "All fulfillment orders must be assigned to the same location",
            }
            return {"fulfillmentCreate": {"fulfillment": None, "userErrors": [error]}}
        created = None
        for group in data["lineItemsByFulfillmentOrder"]:
            legacy_id, fulfillment_order = fulfillment_orders[group["fulfillmentOrderId"]]
            remaining = {i["id"]: i for i in fulfillment_order["lineItems"]["nodes"]}
            for item in group["fulfillmentOrderLineItems"]:
                if item["quantity"] > remaining[item["id"]]["remainingQuantity"]:
                    error = {"field": ["fulfillment"], "message": "Invalid fulfillment order line item quantity"}
                    return {"fulfillmentCreate": {"fulfillment": None, "userErrors": [error]}}
            for item in group["fulfillmentOrderLineItems"]:
                line_id = remaining[item["id"]]["lineItem"]["id"]
                self.fulfilled[line_id] = self.fulfilled.get(line_id, 0) + item["quantity"]
            created = {
                "id": gid("Fulfillment", sum(len(f) for f in self.fulfillments.values()) + 1),
                "status": "SUCCESS",
                "trackingInfo": [data.get("trackingInfo") or {}],
                "notifyCustomer": data.get("notifyCustomer"),
                "lines": group["fulfillmentOrderLineItems"],
                "fulfillmentOrderId": group["fulfillmentOrderId"],
            }
            self.fulfillments.setdefault(legacy_id, []).append(created)
        return {"fulfillmentCreate": {"fulfillment": created, "userErrors": []}}

    def _op_HubTrackingUpdate(self, variables, query):
        for fulfillments in self.fulfillments.values():
            for fulfillment in fulfillments:
                if fulfillment["id"] == variables["id"]:
                    fulfillment["trackingInfo"] = [variables["tracking"]]
                    return {"fulfillmentTrackingInfoUpdate": {"fulfillment": fulfillment, "userErrors": []}}
        error = {"field": ["fulfillmentId"], "message": "Fulfillment does not exist."}
        return {"fulfillmentTrackingInfoUpdate": {"fulfillment": None, "userErrors": [error]}}

    def _op_HubTagsAdd(self, variables, query):
        self.tags.setdefault(variables["id"], []).extend(variables["tags"])
        return {"tagsAdd": {"node": {"id": variables["id"]}, "userErrors": []}}
