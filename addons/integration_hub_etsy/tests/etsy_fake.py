"""A stand-in for Etsy's Open API v3, plugged into ``responses``.

Written from ../shared/platforms/etsy.md (Etsy's published OAS as copied by gordonturner/etsy-open-api-client),
small and scrubbed. It enforces what Etsy does and the hub must cope with:
- ``x-api-key: <keystring>:<shared secret>`` on every call (403 without the secret); ``Authorization: Bearer
  <user id>.<token>`` on shop data (401 ``invalid_token`` when unknown or expired);
- the token endpoint: ``authorization_code`` with the PKCE ``code_verifier`` checked against the S256
  ``code_challenge`` of the consent, and ``refresh_token``, which **rotates** (the old one is refused after use);
- receipts: ``min_last_modified`` (epoch s), ``was_shipped``, ``sort_on=updated`` and ``sort_order``,
  ``limit`` (max 100) and ``offset`` with ``count``; no phone field anywhere;
- listing inventory: GET gives Money prices; PUT replaces the whole inventory (products not sent are gone),
  takes float prices and checks them against ``price_on_property`` / ``quantity_on_property``; a scripted 409
  while another writer changes the listing;
- ``createReceiptShipment`` (form-encoded, receipt level: a second call on a shipped receipt is a 409);
- scripted failures (``fail_next``): 429 with Etsy's rate-limit headers, 500/503, timeouts, and ``"lost"``: the
  next POST is done but its answer never arrives.
"""

import base64
import copy
import hashlib
import json
import re
import secrets
import time
from urllib.parse import parse_qs, urlparse

import requests
import responses

API = "https://api.etsy.com/v3"
TOKEN = f"{API}/public/oauth/token"
SHOP_ID = "52512345"
USER_ID = "102574536"


def money(amount, currency="EUR"):
    return {"amount": amount, "divisor": 100, "currency_code": currency}


RECEIPT = {
    "receipt_id": 3021745515,
    "receipt_type": 0,
    "status": "Paid",
    "is_paid": True,
    "is_shipped": False,
    "created_timestamp": 1795424521,
    "updated_timestamp": 1795424620,
    "buyer_user_id": 102574999,
    "buyer_email": "lucia@example.com",
    "name": "Lucía Ferrer",
    "first_line": "C/ Colón 12",
    "second_line": "3º B",
    "city": "Valencia",
    "state": "Valencia",
    "zip": "46004",
    "country_iso": "ES",
    "message_from_buyer": "Gift, no invoice please",
    "is_gift": False,
    "gift_message": "",
    "grandtotal": money(2990),
    "total_shipping_cost": money(490),
    "transactions": [
        {
            "transaction_id": 4100000001,
            "listing_id": 1234567890,
            "product_id": 9876543210,
            "sku": "TSHIRT-S",
            "title": "Tee",
            "quantity": 2,
            "price": money(1250),
            "variations": [
                {"property_id": 100, "value_id": 1001, "formatted_name": "Size", "formatted_value": "S"},
                {"property_id": 54, "value_id": None, "formatted_name": "Personalization", "formatted_value": "ANA"},
            ],
            "shipping_method": "Standard",
            "expected_ship_date": 1795597321,
            "is_digital": False,
        }
    ],
    "shipments": [],
    "refunds": [],
}


def tee_inventory():
    """Listing 1234567890: a T-shirt in S and M, price and quantity varying by size, plus a colour-less S/M."""

    def product(product_id, sku, value_id, value, price, quantity):
        return {
            "product_id": product_id,
            "sku": sku,
            "is_deleted": False,
            "property_values": [
                {
                    "property_id": 100,
                    "property_name": "Size",
                    "scale_id": 17,
                    "scale_name": "Letter",
                    "value_ids": [value_id],
                    "values": [value],
                }
            ],
            "offerings": [
                {
                    "offering_id": product_id + 1,
                    "price": money(price),
                    "quantity": quantity,
                    "is_enabled": True,
                    "is_deleted": False,
                }
            ],
        }

    return {
        "products": [
            product(9876543210, "TSHIRT-S", 1001, "S", 1250, 3),
            product(9876543220, "TSHIRT-M", 1002, "M", 1390, 4),
        ],
        "price_on_property": [100],
        "quantity_on_property": [100],
        "sku_on_property": [100],
    }


def error(status, text, headers=None):
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps({"error": text})


def ok(body, status=200, headers=None):
    limits = {"x-limit-per-second": "10", "x-remaining-this-second": "9", "x-limit-per-day": "10000"}
    return status, {"Content-Type": "application/json", **limits, **(headers or {})}, json.dumps(body)


class FakeEtsy:
    def __init__(self, keystring, shared_secret, refresh_token=None):
        self.keystring, self.shared_secret = keystring, shared_secret
        self.tokens = {}  # access token -> expiry (epoch)
        self.refresh_tokens = {refresh_token} if refresh_token else set()
        self.consents = {}  # code -> (code_challenge, redirect_uri)
        self.receipts = {}
        self.listings = {}  # listing_id -> {"title", "inventory"}
        self.calls, self.failures, self.puts, self.trackings = [], [], [], []
        self.conflicts = 0  # PUTs of listing inventory to answer 409 (another writer changed the listing)
        self.remaining_today = 9876

    def install(self, mock):
        for method in (responses.GET, responses.POST, responses.PUT):
            mock.add_callback(method, re.compile(re.escape(API) + ".*"), callback=self._callback)
        return self

    # --- scripting -----------------------------------------------------------------------------
    def fail_next(self, *failures):
        self.failures.extend(failures)

    def expire_tokens(self):
        self.tokens.clear()

    def consent(self, consent_url):
        """The shop owner agrees on Etsy's page: (code, state) Etsy sends back to the redirect URI."""
        query = {key: values[0] for key, values in parse_qs(urlparse(consent_url).query).items()}
        assert query["code_challenge_method"] == "S256" and query["response_type"] == "code"
        assert query["client_id"] == self.keystring
        code = "code-" + secrets.token_hex(6)
        self.consents[code] = (query["code_challenge"], query["redirect_uri"])
        return code, query["state"], query

    def add_receipt(self, receipt_id, updated, **changes):
        receipt = copy.deepcopy(RECEIPT)
        receipt.update(receipt_id=receipt_id, updated_timestamp=updated, **changes)
        for n, transaction in enumerate(receipt["transactions"]):
            transaction["transaction_id"] = receipt_id * 10 + n
        self.receipts[receipt_id] = receipt
        return receipt

    def add_listing(self, listing_id, title, inventory):
        self.listings[listing_id] = {
            "listing_id": listing_id,
            "title": title,
            "state": "active",
            "inventory": inventory,
        }

    def product(self, listing_id, sku):
        return next(p for p in self.listings[listing_id]["inventory"]["products"] if p["sku"] == sku)

    # --- the API --------------------------------------------------------------------------------
    def _callback(self, request):
        url = urlparse(request.url)
        path, query = url.path[len("/v3") :], {k: v[0] for k, v in parse_qs(url.query).items()}
        self.calls.append((request.method, path))
        if self.failures and self.failures[0] == "lost" and request.method == "POST":
            self.failures.pop(0)  # Etsy does the work; its answer never arrives
            self.calls.pop()  # counted by the call below
            self._callback(request)
            return (0, {}, requests.ReadTimeout("read timed out"))
        if self.failures and self.failures[0] != "lost":
            failure = self.failures.pop(0)
            if failure == "timeout":
                return (0, {}, requests.ReadTimeout("read timed out"))
            status, headers = failure if isinstance(failure, tuple) else (failure, {})
            if status == 429:
                return error(429, "Too many requests", headers)
            return error(status, "Internal error", headers)
        if path == "/public/oauth/token":
            return self._token(request)
        if request.headers.get("x-api-key") != f"{self.keystring}:{self.shared_secret}":
            return error(403, "Invalid API key: the x-api-key header must be keystring:shared_secret")
        if path == f"/application/shops/{SHOP_ID}":
            return ok({"shop_id": int(SHOP_ID), "shop_name": "CeramicaLucia"}, headers=self._limits())
        bearer = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if self.tokens.get(bearer, 0) < time.time():
            return error(401, "invalid_token")
        return self._route(request, path, query)

    def _limits(self):
        self.remaining_today -= 1
        return {"x-remaining-today": str(self.remaining_today)}

    def _route(self, request, path, query):
        receipts = f"/application/shops/{SHOP_ID}/receipts"
        if path == receipts and request.method == "GET":
            return self._receipts(query)
        match = re.fullmatch(re.escape(receipts) + r"/(\d+)(/tracking)?", path)
        if match:
            receipt = self.receipts.get(int(match.group(1)))
            if not receipt:
                return error(404, "Receipt not found")
            if match.group(2):
                return self._tracking(receipt, request)
            return ok(receipt, headers=self._limits())
        if path == f"/application/shops/{SHOP_ID}/listings":
            listings = [v for v in self.listings.values() if v["state"] == query.get("state", "active")]
            if "Inventory" not in query.get("includes", ""):
                listings = [{k: v for k, v in listing.items() if k != "inventory"} for listing in listings]
            return self._page(listings, query)
        match = re.fullmatch(r"/application/listings/(\d+)/inventory", path)
        if match:
            listing = self.listings.get(int(match.group(1)))
            if not listing:
                return error(404, "Listing not found")
            if request.method == "GET":
                return ok(listing["inventory"], headers=self._limits())
            return self._put_inventory(listing, json.loads(request.body))
        return error(404, f"no route {request.method} {path}")

    def _page(self, items, query):
        limit, offset = int(query.get("limit", 25)), int(query.get("offset", 0))
        if not 1 <= limit <= 100:
            return error(400, "limit must be between 1 and 100")
        return ok({"count": len(items), "results": items[offset : offset + limit]}, headers=self._limits())

    def _receipts(self, query):
        found = [
            r
            for r in self.receipts.values()
            if r["updated_timestamp"] >= int(query.get("min_last_modified", 0))
            and (query.get("was_shipped") != "false" or not r["is_shipped"])
        ]
        assert query.get("sort_on") == "updated" and query.get("sort_order") in ("asc", "desc")
        newest_first = query["sort_order"] == "desc"
        found.sort(key=lambda r: (r["updated_timestamp"], r["receipt_id"]), reverse=newest_first)
        return self._page(found, query)

    def _tracking(self, receipt, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        if receipt["is_shipped"]:
            return error(409, "The receipt is already shipped")
        self.trackings.append((receipt["receipt_id"], form))
        receipt["is_shipped"] = True
        receipt["shipments"].append(
            {
                "receipt_shipping_id": len(self.trackings),
                "carrier_name": form.get("carrier_name"),
                "tracking_code": form.get("tracking_code"),
                "shipment_notification_timestamp": int(time.time()),
            }
        )
        return ok(receipt, headers=self._limits())

    def _put_inventory(self, listing, body):
        if self.conflicts:
            self.conflicts -= 1
            # the seller raised the M price on Etsy while the hub was writing: a re-read must keep it
            self.product(listing["listing_id"], "TSHIRT-M")["offerings"][0]["price"] = money(1490)
            return error(409, "The listing was modified by another request")
        products = body.get("products")
        if not isinstance(products, list) or not products:
            return error(400, "products is required")
        varying = set(body.get("price_on_property") or [])
        prices, quantities = set(), set()
        for product in products:
            for offering in product.get("offerings") or []:
                if not isinstance(offering.get("price"), (int, float)):
                    return error(400, "offerings.price must be a number")
                if not (isinstance(offering.get("quantity"), int) and 0 <= offering["quantity"] <= 999):
                    return error(400, "offerings.quantity must be an integer between 0 and 999")
                if "offering_id" in offering:
                    return error(400, "offering_id is not an input field")
                prices.add(offering["price"])
                quantities.add(offering["quantity"])
        if not any(quantities):
            return error(400, "One offering must have quantity greater than 0")
        if not varying and len(prices) > 1:
            return error(400, "Prices must be the same for every product when price_on_property is empty")
        if not body.get("quantity_on_property") and len(quantities) > 1:
            return error(400, "Quantities must be the same for every product when quantity_on_property is empty")
        self.puts.append((listing["listing_id"], copy.deepcopy(body)))
        stored = copy.deepcopy(body)
        for n, product in enumerate(stored["products"]):
            product.setdefault("product_id", listing["listing_id"] * 10 + n)
            product["is_deleted"] = False
            for offering in product["offerings"]:
                offering["price"] = money(round(offering["price"] * 100))
                offering["is_deleted"] = False
        listing["inventory"] = stored
        return ok(stored, headers=self._limits())

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        if form.get("client_id") != self.keystring:
            return error(400, "invalid_client")
        if form.get("grant_type") == "authorization_code":
            challenge, redirect_uri = self.consents.pop(form.get("code"), (None, None))
            verifier = form.get("code_verifier") or ""
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not challenge or digest != challenge or form.get("redirect_uri") != redirect_uri:
                return error(400, "invalid_grant")
        elif form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return error(400, "invalid_grant")
            self.refresh_tokens.discard(form["refresh_token"])  # rotates on every use
        else:
            return error(400, "unsupported_grant_type")
        access, refresh = f"{USER_ID}.at-{secrets.token_hex(8)}", f"{USER_ID}.rt-{secrets.token_hex(8)}"
        self.tokens[access] = time.time() + 3600
        self.refresh_tokens.add(refresh)
        return ok({"access_token": access, "token_type": "Bearer", "expires_in": 3600, "refresh_token": refresh})
