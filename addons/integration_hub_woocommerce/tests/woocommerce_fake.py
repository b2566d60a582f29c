"""A stand-in for a WooCommerce shop's REST API v3, plugged into ``responses``.

Written from ../shared/platforms/woocommerce.md (and the REST API docs it cites), small and scrubbed.
It enforces what a real shop does and the hub must cope with:
- HTTP Basic with the consumer key and secret, else 401 ``woocommerce_rest_cannot_view``;
- ``page`` / ``per_page`` (at most 100) with ``X-WP-Total``, ``X-WP-TotalPages`` and an RFC 5988 ``Link``;
  ``modified_after`` with ``dates_are_gmt``; ``status`` as a comma separated list; ``orderby`` date only;
- batches of at most 100 objects (413 above), per-item errors inside the 200 answer;
- SKU lookup on ``/products?sku=`` (simple products only: variations are not products);
- webhooks with a status (``disabled`` after failed deliveries), deliveries signed
  ``base64(HMAC-SHA256(secret, body))`` with a delivery id that is ``hash(webhook id . unix second)``:
  two deliveries of one webhook in the same second share it; the unsigned activation ping;
- the Shipment Tracking extension's routes only when the shop has it (``tracking_extension``), else 404
  ``rest_no_route``;
- scripted failures (``fail_next``): 429 (+ Retry-After), 503, timeouts.
"""

import base64
import copy
import hashlib
import json
import re
from urllib.parse import parse_qs, urlparse

import requests
import responses

from odoo.addons.integration_hub.lib.webhook import hmac_sha256_base64

ORDER = {
    "id": 727,
    "number": "727",
    "status": "processing",
    "currency": "EUR",
    "date_created_gmt": "2026-11-20T09:12:01",
    "date_modified_gmt": "2026-11-20T09:13:40",
    "date_paid_gmt": "2026-11-20T09:13:40",
    "customer_note": "Leave with the concierge",
    "billing": {
        "first_name": "Lucía",
        "last_name": "Ferrer",
        "email": "lucia@example.com",
        "phone": "+34600111222",
        "address_1": "C/ Colón 12",
        "city": "Valencia",
        "postcode": "46004",
        "country": "ES",
        "state": "V",
    },
    "shipping": {
        "first_name": "Lucía",
        "last_name": "Ferrer",
        "company": "",
        "address_1": "C/ Colón 12",
        "address_2": "3º B",
        "city": "Valencia",
        "state": "V",
        "postcode": "46004",
        "country": "ES",
        "phone": "+34600111222",
    },
    "payment_method": "stripe",
    "line_items": [
        {
            "id": 315,
            "name": "T-shirt - S",
            "product_id": 93,
            "variation_id": 101,
            "quantity": 2,
            "sku": "TSHIRT-S",
            # WooCommerce REST v3 line amounts: before the coupon (subtotal) and after it (total), both before tax
            "subtotal": "25.00",
            "subtotal_tax": "5.25",
            "total": "22.50",
            "total_tax": "4.73",
            "price": 11.25,
            "meta_data": [],
        }
    ],
    "prices_include_tax": False,
    "discount_total": "2.50",
    "discount_tax": "0.52",
    "shipping_total": "4.90",
    "shipping_tax": "1.03",
    "total_tax": "5.76",
    "total": "33.16",
    "shipping_lines": [{"id": 316, "method_id": "flat_rate", "method_title": "next_day", "total": "4.90"}],
    "refunds": [],
    "meta_data": [],
}


def error(status, code, message):
    return status, {}, json.dumps({"code": code, "message": message, "data": {"status": status}})


class FakeWooCommerce:
    def __init__(self, url="https://shop.example.com", key="ck_test_key", secret="cs_test_secret"):
        self.url, self.key, self.secret = url, key, secret
        self.api = f"{url}/wp-json/wc/v3"
        self.orders = {}  # id -> order
        self.refunds = {}  # order id -> [refund]
        self.products = {}  # id -> product (type simple / variable)
        self.variations = {}  # parent id -> {id: variation}
        self.webhooks = {}  # id -> webhook
        self.notes, self.trackings, self.batches, self.calls, self.failures = [], [], [], [], []
        self.tracking_extension = False

    # --- test controls ----------------------------------------------------
    def install(self, mock):
        mock.add_callback(responses.GET, re.compile(re.escape(self.url) + ".*"), callback=self._callback)
        for method in (responses.POST, responses.PUT, responses.DELETE):
            mock.add_callback(method, re.compile(re.escape(self.url) + ".*"), callback=self._callback)
        return self

    def fail_next(self, *failures):
        self.failures.extend(failures)

    def add_order(self, order_id, modified, **changes):
        order = copy.deepcopy(ORDER)
        order.update(id=order_id, number=str(order_id), date_modified_gmt=modified, **changes)
        self.orders[order_id] = order
        return order

    def add_product(self, product_id, sku, variations=()):
        self.products[product_id] = {
            "id": product_id,
            "name": f"Product {sku}",
            "sku": sku,
            "type": "variable" if variations else "simple",
            "stock_quantity": None,
        }
        for variation_id, variation_sku in variations:
            self.variations.setdefault(product_id, {})[variation_id] = {
                "id": variation_id,
                "sku": variation_sku,
                "stock_quantity": None,
            }

    def stock(self, product_id, variation_id=None):
        item = self.variations[product_id][variation_id] if variation_id else self.products[product_id]
        return item["stock_quantity"]

    def delivery(self, topic, resource, secret, webhook_id=11, second=1795000000):
        """(body, headers) of one webhook delivery, as class-wc-webhook.php builds them."""
        body = json.dumps(resource).encode()
        delivery_id = hashlib.md5(f"{webhook_id}{second}".encode()).hexdigest()  # wp_hash(webhook id . time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "WooCommerce/9.4 Hookshot (WordPress/6.7)",
            "X-WC-Webhook-Source": self.url + "/",
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": topic.split(".")[0],
            "X-WC-Webhook-Event": topic.split(".")[1],
            "X-WC-Webhook-Signature": hmac_sha256_base64(secret, body),
            "X-WC-Webhook-ID": str(webhook_id),
            "X-WC-Webhook-Delivery-ID": delivery_id,
        }
        return body, headers

    # --- the HTTP side ----------------------------------------------------
    def _callback(self, request):
        url = urlparse(request.url)
        self.calls.append((request.method, url.path))
        if self.failures:
            failure = self.failures.pop(0)
            if failure == "timeout":
                return (0, {}, requests.ReadTimeout("read timed out"))
            status, headers = failure if isinstance(failure, tuple) else (failure, {})
            return (status, headers, "<html>Service temporarily unavailable</html>")
        expected = "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        body = json.loads(request.body) if request.body else {}
        path = url.path.removeprefix("/wp-json")
        for pattern, handler in self.ROUTES:
            match = re.fullmatch(pattern, f"{request.method} {path}")
            if match:
                return handler(self, query, body, *match.groups())
        return error(404, "rest_no_route", "No route was found matching the URL and request method.")

    def _page(self, items, query):
        per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
        if per_page > 100:
            return error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        pages = max(1, -(-len(items) // per_page))
        links = [f'<{self.api}?page={page + 1}>; rel="next"'] if page < pages else []
        headers = {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages), "Link": ", ".join(links)}
        return 200, headers, json.dumps(items[(page - 1) * per_page : page * per_page])

    def _orders(self, query, body):
        orders = sorted(self.orders.values(), key=lambda o: (o["date_created_gmt"], o["id"]))  # orderby=date
        if query.get("modified_after"):
            orders = [o for o in orders if o["date_modified_gmt"] > query["modified_after"][:19]]
        if query.get("status"):
            orders = [o for o in orders if o["status"] in query["status"].split(",")]
        return self._page(orders, query)

    def _order_put(self, query, body, order_id):
        order = self.orders[int(order_id)]
        order.update(body)
        return 200, {}, json.dumps(order)

    def _note(self, query, body, order_id):
        self.notes.append((int(order_id), body))
        return 201, {}, json.dumps({"id": 900 + len(self.notes), **body})

    def _refunds(self, query, body, order_id):
        return 200, {}, json.dumps(self.refunds.get(int(order_id), []))

    def _products(self, query, body):
        products = list(self.products.values())
        if "sku" in query:  # only products: a variation is not found by SKU here
            products = [p for p in products if p["sku"] == query["sku"]]
        return self._page(products, query)

    def _variations(self, query, body, parent):
        return self._page(list(self.variations.get(int(parent), {}).values()), query)

    def _batch(self, query, body, parent=None):
        updates = body.get("update") or []
        if len(updates) > 100:
            return error(413, "rest_request_entity_too_large", "Unable to accept more than 100 items for this request.")
        self.batches.append((parent, updates))
        items = self.variations.get(int(parent), {}) if parent else self.products
        answer = []
        for update in updates:
            item = items.get(update["id"])
            if item is None:
                answer.append(
                    {
                        "id": update["id"],
                        "error": {
                            "code": "woocommerce_rest_product_invalid_id",
                            "message": "Invalid ID.",
                            "data": {"status": 400},
                        },
                    }
                )
                continue
            item["stock_quantity"] = update["stock_quantity"]
            answer.append(item)
        return 200, {}, json.dumps({"update": answer})

    def _webhooks(self, query, body):
        return self._page(list(self.webhooks.values()), query)

    def _webhook_create(self, query, body):
        hook = {"id": 20 + len(self.webhooks), "status": "active", **body}
        self.webhooks[hook["id"]] = hook
        return 201, {}, json.dumps(hook)

    def _webhook_update(self, query, body, hook_id):
        self.webhooks[int(hook_id)].update(body)
        return 200, {}, json.dumps(self.webhooks[int(hook_id)])

    def _tracking(self, query, body, order_id, providers=None):
        if not self.tracking_extension:
            return error(404, "rest_no_route", "No route was found matching the URL and request method.")
        if providers:
            return 200, {}, json.dumps({"Spain": {"Correos": "https://www.correos.es/?tracking=%1$s"}})
        self.trackings.append((int(order_id), body))
        return 201, {}, json.dumps({"tracking_id": f"t{len(self.trackings)}", **body})

    ROUTES = [
        (r"GET /wc/v3/orders", _orders),
        (r"PUT /wc/v3/orders/(\d+)", _order_put),
        (r"POST /wc/v3/orders/(\d+)/notes", _note),
        (r"GET /wc/v3/orders/(\d+)/refunds", _refunds),
        (r"GET /wc/v3/products", _products),
        (r"GET /wc/v3/products/(\d+)/variations", _variations),
        (r"POST /wc/v3/products/batch", _batch),
        (r"POST /wc/v3/products/(\d+)/variations/batch", _batch),
        (r"GET /wc/v3/webhooks", _webhooks),
        (r"POST /wc/v3/webhooks", _webhook_create),
        (r"PUT /wc/v3/webhooks/(\d+)", _webhook_update),
        (r"(?:GET|POST) /wc-shipment-tracking/v3/orders/(\d+)/shipment-trackings(/providers)?", _tracking),
    ]
