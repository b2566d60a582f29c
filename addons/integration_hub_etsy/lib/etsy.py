"""Etsy Open API v3 (../shared/platforms/etsy.md): the clients and the mapping, plain Python.

- Every call sends ``x-api-key: <keystring>:<shared secret>``; calls on the shop's data also send
  ``Authorization: Bearer <user id>.<token>`` (OAuth 2.0 authorization code with PKCE, S256).
- Receipts are Etsy's orders; their ``transactions`` are the lines. Timestamps are epoch seconds,
  money is ``{amount, divisor, currency_code}``.
- A receipt carries **no phone number**: the channel says what the hub does about it (``PHONE_POLICIES``).
"""

import math
from datetime import UTC, datetime, timedelta

from oauthlib.oauth2 import WebApplicationClient

from odoo.addons.integration_hub.lib.errors import AuthError
from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient

API = "https://api.etsy.com/v3"
CONNECT_URL = "https://www.etsy.com/oauth/connect"
TOKEN_URL = f"{API}/public/oauth/token"
# receipts (read, tracking) and listings (read, inventory): nothing more is asked of the seller
SCOPES = ("transactions_r", "transactions_w", "listings_r", "listings_w")
PAGE_SIZE = 100  # Etsy's maximum ``limit``
LISTING_STATES = ("active", "sold_out")  # the listings whose stock the hub publishes (a sold-out one is restocked)
CONFLICT_ATTEMPTS = 3  # a listing inventory write answered 409 is re-read and written again this often
MAX_QUANTITY = 999  # Etsy refuses a listing offering with more units
CANCELLED = {"canceled", "cancelled", "fully refunded"}
# receipt status (lower case: live data capitalises) -> the hub's payment vocabulary
FINANCIAL_STATUS = {
    "paid": "paid",
    "completed": "paid",
    "open": "pending",
    "payment processing": "pending",
    "partially refunded": "partially_refunded",
}
PHONE_POLICIES = [("hold", "Hold the order until a phone is entered"), ("shop_phone", "Use the shop's contact number")]
# the carriers Etsy names in its tracking list (the hub's carrier name, lower case -> Etsy's carrier_name);
# any other travels as ``other`` with the carrier's name in the note to the buyer
CARRIERS = {
    "correos": "correos",
    "seur": "seur",
    "mrw": "mrw",
    "nacex": "nacex",
    "gls": "gls",
    "dhl": "dhl",
    "dhl parcel de": "dhl",
    "ups": "ups",
    "dpd": "dpd",
    "fedex": "fedex",
    "usps": "usps",
}


def pkce_start(keystring, redirect_uri, state):
    """(consent URL, code_verifier): oauthlib makes the verifier and its S256 challenge (RFC 7636)."""
    oauth = WebApplicationClient(keystring)
    verifier = oauth.create_code_verifier(64)
    url = oauth.prepare_request_uri(
        CONNECT_URL,
        redirect_uri=redirect_uri,
        scope=list(SCOPES),
        state=state,
        code_challenge=oauth.create_code_challenge(verifier, "S256"),
        code_challenge_method="S256",
    )
    return url, verifier


class TokenClient(HttpClient):
    """Etsy's token endpoint: the authorization code (+ PKCE verifier) or the refresh token for tokens."""

    name = "Etsy OAuth"
    retry_on = (RATE_LIMITED, SERVER_ERROR)

    def __init__(self, keystring, **settings):
        super().__init__("", [], **settings)
        self.keystring = keystring

    def exchange_code(self, code, redirect_uri, verifier, now):
        oauth = WebApplicationClient(self.keystring)
        body = oauth.prepare_request_body(
            code=code, redirect_uri=redirect_uri, code_verifier=verifier, include_client_id=True
        )
        return self._token(body, [code, verifier], now, "authorization code")

    def refresh(self, refresh_token, now):
        body = WebApplicationClient(self.keystring).prepare_refresh_body(
            refresh_token=refresh_token, client_id=self.keystring
        )
        return self._token(body, [refresh_token], now, "refresh token")

    def _token(self, body, secrets, now, what):
        """{access_token, refresh_token, expires_at (naive UTC), user_id}; AuthError when Etsy refuses the grant."""
        self.secrets = secrets
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        response = self.request("POST", TOKEN_URL, "token", data=body, headers=headers, accept=(400,))
        answer = response.json() if response.content else {}
        if response.status_code == 400 or not answer.get("access_token"):
            raise AuthError(
                f"Etsy refused the {what} ({answer.get('error') or 'no token'}): an administrator must authorise "
                "the app again (Etsy tab, 'Authorise on Etsy')"
            )
        access = answer["access_token"]
        return {
            "access_token": access,
            "refresh_token": answer.get("refresh_token") or "",
            "expires_at": now + timedelta(seconds=int(answer.get("expires_in") or 3600)),
            "user_id": access.split(".", 1)[0] if "." in access else "",
        }


class EtsyClient(HttpClient):
    """Open API v3 with ``x-api-key`` and the channel's bearer token (renewed once after a 401).

    ``access_token(renew)`` gives the channel's token. A 429 waits Etsy's ``retry-after`` (1 s when it
    sends none: the per-second limit); 5xx and timeouts are retryable; the rate-limit headers
    (``x-remaining-today``...) are kept for the connection test.
    """

    name = "Etsy"
    retry_on = (RATE_LIMITED, SERVER_ERROR)
    attempts = 2  # one short wait (the per-second limit, a 5xx) is retried in-process
    default_retry_after = 1.0

    def __init__(self, keystring, shared_secret, access_token, **settings):
        super().__init__(API, [shared_secret], **settings)
        self.api_key = f"{keystring}:{shared_secret}"
        self.access_token, self.token, self.limits = access_token, None, {}

    def authorize(self, call):
        call["headers"]["x-api-key"] = self.api_key
        if self.access_token:
            self.token = self.token or self.access_token(False)
            call["headers"]["Authorization"] = f"Bearer {self.token}"

    def refresh_authorization(self):
        if not self.access_token:
            return False
        self.token = self.access_token(True)
        return True

    def after_response(self, response):
        for name in ("x-limit-per-second", "x-remaining-this-second", "x-limit-per-day", "x-remaining-today"):
            if response.headers.get(name) is not None:
                self.limits[name] = response.headers[name]

    def call(self, method, path, what, accept=(), **kwargs):
        """One call; the JSON answer, or (status, answer) for a status in ``accept``."""
        response = self.request(method, path, what, accept=accept, **kwargs)
        answer = response.json() if response.content else {}
        if response.status_code in accept and response.status_code >= 300:
            return response.status_code, answer
        return answer

    def pages(self, path, what, params, offset=0, limit=None):
        """Yield (results of one page, offset after it, more after it) following ``limit``/``offset`` and ``count``."""
        pages = 0
        while True:
            answer = self.call("GET", path, what, params={**params, "limit": PAGE_SIZE, "offset": offset})
            results = answer.get("results") or []
            offset += len(results)
            more = bool(results) and offset < int(answer.get("count") or 0)
            pages += 1
            yield results, offset, more
            if not more or (limit and pages >= limit):
                return


# --- mapping --------------------------------------------------------------------------------------
def _text(value):
    return "" if value is None or value is False else str(value).strip()


def money(value):
    """Etsy's money object as a float (``amount / divisor``); None when absent."""
    if not isinstance(value, dict) or value.get("amount") is None:
        return None
    return round(value["amount"] / (value.get("divisor") or 1), 6)


def iso(epoch):
    """Epoch seconds as ISO 8601 UTC text (the hub's documents); None when absent."""
    if not epoch:
        return None
    return datetime.fromtimestamp(int(epoch), UTC).isoformat()


def epoch(moment):
    """A naive UTC datetime as epoch seconds."""
    return math.floor(moment.replace(tzinfo=UTC).timestamp())


def personalization(transaction):
    """What the buyer asked to be made on this line: ``personalization`` and personalisation variations."""
    texts = [_text(transaction.get("personalization"))]
    for variation in transaction.get("variations") or []:
        if "personali" in _text(variation.get("formatted_name")).lower():
            texts.append(_text(variation.get("formatted_value")))
    return "; ".join(dict.fromkeys(t for t in texts if t))


def special_handling(receipt):
    """The buyer's note, the gift message and each line's personalisation, for the picker ("" when none)."""
    notes = []
    if _text(receipt.get("message_from_buyer")):
        notes.append(f"Buyer's note: {_text(receipt['message_from_buyer'])}")
    if receipt.get("is_gift") or _text(receipt.get("gift_message")):
        notes.append(f"Gift: {_text(receipt.get('gift_message')) or 'yes (no message)'}")
    for transaction in receipt.get("transactions") or []:
        text = personalization(transaction)
        if text:
            what = _text(transaction.get("sku")) or _text(transaction.get("title"))
            notes.append(f"Personalisation of {what}: {text}")
    return "\n".join(notes)


def phone_and_withheld(policy, shop_phone):
    """(phone, withheld reason) for a receipt, which never has a phone: the channel's policy decides."""
    if policy == "shop_phone" and _text(shop_phone):
        return _text(shop_phone), ""
    if policy == "shop_phone":
        return "", (
            "the buyer's phone: Etsy receipts carry none, and the channel's Etsy tab has no shop contact number "
            "to use instead (set one and press 'Re-read held orders', then release the order)"
        )
    return "", (
        "the buyer's phone: Etsy receipts carry none and this channel holds such orders (Etsy tab, 'Orders "
        "without phone'). To ship it with the shop's contact number, switch that setting and press 'Re-read held "
        "orders', then release it; otherwise cancel it"
    )


def order_document(receipt, phone_policy="hold", shop_phone=""):
    """(hub type, document) of an Etsy receipt: the generic order (README, "The generic webhook format").

    Paid and not canceled or refunded is ready to ship; ``payment processing`` waits; digital lines need no
    shipping; the earliest ``expected_ship_date`` is the order's ship-by.
    """
    status = _text(receipt.get("status")).lower()
    transactions = receipt.get("transactions") or []
    phone, withheld = phone_and_withheld(phone_policy, shop_phone)
    financial = FINANCIAL_STATUS.get(status, "paid" if receipt.get("is_paid") else "pending")
    if not receipt.get("is_paid") and financial == "paid":
        financial = "pending"
    ship_dates = [t["expected_ship_date"] for t in transactions if t.get("expected_ship_date")]
    methods = dict.fromkeys(
        " + ".join(filter(None, (_text(t.get("shipping_method")), _text(t.get("shipping_upgrade")))))
        for t in transactions
        if not t.get("is_digital")
    )
    document = {
        "id": str(receipt.get("receipt_id")),
        "name": f"Etsy {receipt.get('receipt_id')}",
        "placed_at": iso(receipt.get("created_timestamp")),
        "updated_at": iso(receipt.get("updated_timestamp")),
        "financial_status": financial,
        "customer": {"name": _text(receipt.get("name")), "email": _text(receipt.get("buyer_email")), "phone": phone},
        "shipping_address": {
            "name": _text(receipt.get("name")),
            "street": _text(receipt.get("first_line")),
            "street2": _text(receipt.get("second_line")),
            "zip": _text(receipt.get("zip")),
            "city": _text(receipt.get("city")),
            "state": _text(receipt.get("state")),
            "country_code": _text(receipt.get("country_iso")).upper(),
            "phone": phone,
        },
        "service_level": " / ".join(m for m in methods if m),
        "special_handling": special_handling(receipt),
        "withheld": withheld,
        "ship_by": iso(min(ship_dates)) if ship_dates else None,
        "lines": [
            {
                "id": str(t.get("transaction_id")),
                "sku": _text(t.get("sku")),
                "variant_id": str(t.get("product_id") or ""),
                "parent_id": str(t.get("listing_id") or ""),
                "quantity": t.get("quantity"),
                "name": " - ".join(
                    filter(None, [_text(t.get("title"))] + [_variation(v) for v in t.get("variations") or []])
                ),
                "price": money(t.get("price")),
                "ships": not t.get("is_digital"),
            }
            for t in transactions
        ],
        "currency": _text((receipt.get("grandtotal") or {}).get("currency_code")),
        "shipping_price": money(receipt.get("total_shipping_cost")),
        "total": money(receipt.get("grandtotal")),
    }
    if status in CANCELLED:
        document["cancel_reason"] = f"receipt {status} on Etsy"
        return "order.cancelled", document
    return "order.updated", document


def _variation(variation):
    name, value = _text(variation.get("formatted_name")), _text(variation.get("formatted_value"))
    return f"{name}: {value}" if name and value else value


# --- listing inventory ------------------------------------------------------------------------------
PROPERTY_VALUE_KEYS = ("property_id", "value_ids", "scale_id", "property_name", "values")
OFFERING_DROPPED = ("offering_id", "is_deleted")


def inventory_update(inventory, quantities):
    """The PUT body of ``updateListingInventory`` from the listing's inventory as read (GET), with only
    the quantities of the SKUs in ``quantities`` ({sku: units}) changed.

    The PUT replaces the listing's whole inventory: every product, its property values, its offerings'
    prices (Money → float) and ``is_enabled`` and every ``*_on_property`` array are sent back as read.
    Returns (body, {sku: why refused}). An SKU absent from the listing, a listing whose quantity is shared by
    its variations (``quantity_on_property`` empty) while they would get different quantities, or one whose
    every offering would be 0 (Etsy refuses it: etsy/open-api#560) is refused: Etsy would reject the whole write.
    Etsy gives the products and offerings new ids at every write (etsy/open-api#523): SKUs are the key.
    """
    products = inventory.get("products") or []
    by_sku = {}
    for product in products:
        if _text(product.get("sku")):
            by_sku.setdefault(_text(product["sku"]), []).append(product)
    refused = {sku: "no product of this Etsy listing has this SKU any more" for sku in quantities if sku not in by_sku}
    wanted = {sku: int(max(0, min(MAX_QUANTITY, qty))) for sku, qty in quantities.items() if sku in by_sku}
    shared = not inventory.get("quantity_on_property") and len(products) > 1
    if shared and wanted:
        current = {
            _text(p.get("sku")): (p.get("offerings") or [{}])[0].get("quantity") for p in products if p.get("sku")
        }
        figures = set({**current, **wanted}.values())
        if len(figures) > 1:
            reason = (
                "this Etsy listing shares one quantity between its variations (quantity does not vary by "
                "property): turn on 'quantities vary' for it on Etsy, or list one SKU per listing"
            )
            return None, {**refused, **dict.fromkeys(wanted, reason)}
    body = {key: value for key, value in inventory.items() if key.endswith("_on_property")}
    body["products"] = []
    for product in products:
        sku = _text(product.get("sku"))
        offerings = []
        for offering in product.get("offerings") or []:
            if offering.get("is_deleted"):
                continue
            sent = {key: value for key, value in offering.items() if key not in OFFERING_DROPPED}
            if isinstance(offering.get("price"), dict):  # read as Money, written as a float
                sent["price"] = money(offering["price"])
            if sku in wanted:
                sent["quantity"] = wanted[sku]
            offerings.append(sent)
        body["products"].append(
            {
                "sku": product.get("sku") or "",
                "property_values": [
                    {key: value[key] for key in PROPERTY_VALUE_KEYS if key in value}
                    for value in product.get("property_values") or []
                ],
                "offerings": offerings,
            }
        )
    if wanted and not any(o.get("quantity") for p in body["products"] for o in p["offerings"]):
        # "One offering must have quantity greater than 0" (etsy/open-api#395, #560): the API cannot zero a listing
        reason = (
            "Etsy cannot set every variation of this listing to 0 through its API: deactivate the listing on Etsy "
            "(or let it sell out there) until stock arrives"
        )
        return None, {**refused, **dict.fromkeys(wanted, reason)}
    return body, refused


def listing_items(listing):
    """Catalog rows of one listing read with ``includes=Inventory``: one per product with an SKU."""
    inventory = listing.get("inventory") or {}
    rows = []
    for product in inventory.get("products") or []:
        if _text(product.get("sku")) and not product.get("is_deleted"):
            rows.append(
                {
                    "external_id": str(product["product_id"]),
                    "external_ref": str(listing["listing_id"]),
                    "sku": _text(product["sku"]),
                    "name": _text(listing.get("title")),
                }
            )
    return rows


def carrier_name(company):
    """Etsy's ``carrier_name`` for the hub's carrier, else ``other``."""
    return CARRIERS.get(_text(company).lower(), "other")
