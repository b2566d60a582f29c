"""eBay (../shared/platforms/ebay.md): OAuth 2.0 clients, the REST and Trading calls, the mapping, plain Python.

- Sell Fulfillment API v1: orders polled by ``lastmodifieddate`` (``limit`` / ``offset``, follow ``next``),
  ``shipping_fulfillment`` per package.
- Sell Inventory API v1 ``bulk_update_price_quantity`` (25 requests per call) or the Trading API's
  ``ReviseInventoryStatus`` (4 items per call) for listings the Inventory API does not manage.
- Post-Order API v2 ``return/search`` (OAuth user token sent as ``IAF <token>``).
- Marketplace account deletion: the challenge answer and the ECDSA check of ``X-EBAY-SIGNATURE``.
"""

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError
from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient

ENDPOINTS = {"production": "https://api.ebay.com", "sandbox": "https://api.sandbox.ebay.com"}
TOKEN_PATH = "/identity/v1/oauth2/token"
TRADING_PATH = "/ws/api.dll"
SCOPE_ROOT = "https://api.ebay.com/oauth/api_scope"
USER_SCOPES = " ".join(
    (SCOPE_ROOT, f"{SCOPE_ROOT}/sell.fulfillment", f"{SCOPE_ROOT}/sell.inventory", f"{SCOPE_ROOT}/sell.account")
)
# marketplace id -> (label, Trading API site id)
MARKETPLACES = [
    ("EBAY_ES", "eBay.es (Spain)", "186"),
    ("EBAY_DE", "eBay.de (Germany)", "77"),
    ("EBAY_FR", "eBay.fr (France)", "71"),
    ("EBAY_IT", "eBay.it (Italy)", "101"),
    ("EBAY_GB", "eBay.co.uk (United Kingdom)", "3"),
    ("EBAY_US", "eBay.com (United States)", "0"),
]
SITE_IDS = {marketplace: site for marketplace, _label, site in MARKETPLACES}
TRADING_COMPATIBILITY_LEVEL = "1349"
PAGE_SIZE = 200  # getOrders: at most 200 (more is error 31100)
RETURNS_PAGE_SIZE = 50
BULK_LIMIT = 25  # bulk_update_price_quantity: up to 25 requests per call
TRADING_LIMIT = 4  # ReviseInventoryStatus: up to 4 InventoryStatus per call
# orderPaymentStatus -> the hub's payment vocabulary (lib/payment_status.py)
FINANCIAL_STATUS = {
    "PAID": "paid",
    "PENDING": "pending",
    "FAILED": "voided",
    "FULLY_REFUNDED": "refunded",
    "PARTIALLY_REFUNDED": "partially_refunded",
}
# Post-Order return state -> the hub's return status; other states (CLOSED...) change nothing
RETURN_STATUS = {
    "INITIAL": "authorized",
    "RETURN_REQUESTED": "authorized",
    "RETURN_REQUESTED_TIMEOUT": "authorized",
    "ITEM_READY_TO_SHIP": "authorized",
    "LABEL_PENDING": "authorized",
    "ITEM_SHIPPED": "shipped_back",
    "ITEM_DELIVERED": "shipped_back",
}
# Hub carrier (by name, lower case) -> eBay's shippingCarrierCode (Trading GeteBayDetails ShippingCarrierDetails)
CARRIER_CODES = {
    "correos": "Correos",
    "correos express": "CorreosExpress",
    "seur": "SEUR",
    "mrw": "MRW",
    "nacex": "Nacex",
    "gls": "GLS",
    "dhl": "DHL",
    "dhl parcel de": "DHL",
    "ups": "UPS",
    "dpd": "DPD",
    "fedex": "FedEx",
    "tnt": "TNT",
}
# Trading API error codes that mean the OAuth token (IAF) was refused
TRADING_AUTH_ERRORS = {"931", "932", "16110", "21916984", "21917053"}
NS = "urn:ebay:apis:eBLBaseComponents"


def iso(moment):
    """A naive UTC datetime as eBay's timestamp text (``2025-03-04T09:00:00.000Z``)."""
    return moment.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def cursor_time(text):
    """An eBay timestamp as the hub's cursor text (naive UTC, seconds)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


class EbayIdentityClient(HttpClient):
    """The token endpoint: Basic ``client_id:client_secret``, form body (application/x-www-form-urlencoded)."""

    name = "eBay OAuth"
    retry_on = (RATE_LIMITED, SERVER_ERROR)

    def __init__(self, base_url, client_id, client_secret, **settings):
        super().__init__(base_url, [client_id, client_secret], **settings)
        self.client_id, self.client_secret = client_id, client_secret

    def authorize(self, call):
        call["auth"] = (self.client_id, self.client_secret)

    def _token(self, form, now, what):
        response = self.request("POST", TOKEN_PATH, what, data=form, accept=(400,))
        answer = response.json() if response.content else {}
        if response.status_code == 400 or not answer.get("access_token"):
            raise AuthError(
                f"eBay refused the {what.lower()} ({answer.get('error') or 'no token'}): the seller must consent "
                "again (a new refresh token) or an administrator check the App ID and Cert ID"
            )
        return answer["access_token"], now + timedelta(seconds=int(answer.get("expires_in") or 7200))

    def user_token(self, refresh_token, now, scopes=USER_SCOPES):
        """(user access token, expires_at naive UTC) from the refresh token; AuthError when eBay refuses it.

        eBay does not rotate the refresh token (valid about 18 months); its access tokens live 2 hours.
        """
        self.secrets.append(refresh_token)
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "scope": scopes}
        return self._token(form, now, "Refresh token")

    def app_token(self, now):
        """(application token, expires_at): the client-credentials grant (Notification API public keys)."""
        return self._token({"grant_type": "client_credentials", "scope": SCOPE_ROOT}, now, "Application token")


class EbayClient(HttpClient):
    """REST calls (``Authorization: Bearer``; Post-Order: ``IAF``) and Trading calls (``X-EBAY-API-IAF-TOKEN``).

    ``access_token(renew)`` gives the channel's user token, renewed after a 401. 429 and 5xx are retryable
    (eBay's ``Retry-After`` on REST is unconfirmed: the outbox's backoff decides without it).
    """

    name = "eBay"
    retry_on = (RATE_LIMITED, SERVER_ERROR)
    attempts = 2

    def __init__(self, base_url, access_token, marketplace, **settings):
        super().__init__(base_url, [], **settings)
        self.access_token, self.marketplace, self.token, self.scheme = access_token, marketplace, None, "Bearer"

    def authorize(self, call):
        if not self.token:
            self.token = self.access_token(False)
        headers = call["headers"]
        if "X-EBAY-API-CALL-NAME" in headers:
            headers["X-EBAY-API-IAF-TOKEN"] = self.token
        else:
            headers["Authorization"] = f"{self.scheme} {self.token}"
            headers.setdefault("X-EBAY-C-MARKETPLACE-ID", self.marketplace)

    def refresh_authorization(self):
        self.token = self.access_token(True)
        return True

    def json(self, method, path, what, body=None, params=None, accept=(), scheme="Bearer"):
        """One REST call; its JSON answer ({} when empty), or None for a status in ``accept`` (≥ 400)."""
        self.scheme = scheme
        response = self.request(method, path, what, json=body, params=params, accept=accept)
        if response.status_code >= 400:
            return None
        return response.json() if response.content else {}

    def trading(self, call_name, body, site_id):
        """One Trading API call (XML); the parsed answer. AuthError when eBay refuses the token."""
        headers = {
            "X-EBAY-API-CALL-NAME": call_name,
            "X-EBAY-API-SITEID": site_id,
            "X-EBAY-API-COMPATIBILITY-LEVEL": TRADING_COMPATIBILITY_LEVEL,
            "Content-Type": "text/xml",
        }
        for renewed in (False, True):
            response = self.request("POST", TRADING_PATH, call_name, data=body, headers=headers)
            answer = trading_answer(response.content)
            if not ({e["code"] for e in answer["errors"]} & TRADING_AUTH_ERRORS):
                return answer
            if renewed:
                raise AuthError(f"eBay {call_name}: the OAuth token was refused (Trading API)")
            self.refresh_authorization()
        return answer  # pragma: no cover


# --- Trading XML -----------------------------------------------------------------------------
def revise_inventory_status(items):
    """The ``ReviseInventoryStatus`` request body: ``items`` [(ItemID, SKU or "", quantity)], at most 4."""
    root = etree.Element("ReviseInventoryStatusRequest", nsmap={None: NS})
    for item_id, sku, quantity in items:
        status = etree.SubElement(root, "InventoryStatus")
        etree.SubElement(status, "ItemID").text = item_id
        if sku:  # a variation is named by its item and its SKU
            etree.SubElement(status, "SKU").text = sku
        etree.SubElement(status, "Quantity").text = str(max(0, int(quantity)))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def trading_answer(content):
    """{"ack", "errors": [{"code", "message", "severity", "params"}], "revised": [(ItemID, SKU)]} of an answer."""
    try:
        root = etree.fromstring(content)
    except etree.XMLSyntaxError:
        raise PermanentError("eBay Trading API: the answer is not XML") from None

    def text(node, name):
        found = node.find(f"{{{NS}}}{name}")
        return (found.text or "").strip() if found is not None else ""

    errors = [
        {
            "code": text(error, "ErrorCode"),
            "message": text(error, "LongMessage") or text(error, "ShortMessage"),
            "severity": text(error, "SeverityCode"),
            "params": [(p.text or "").strip() for p in error.iter(f"{{{NS}}}Value")],
        }
        for error in root.iter(f"{{{NS}}}Errors")
    ]
    revised = [(text(s, "ItemID"), text(s, "SKU")) for s in root.iter(f"{{{NS}}}InventoryStatus")]
    return {"ack": text(root, "Ack"), "errors": errors, "revised": revised}


# --- orders ----------------------------------------------------------------------------------
def orders_filter(start):
    """``lastmodifieddate:[<start>..]`` (sent as a query parameter: the brackets are percent-encoded)."""
    return f"lastmodifieddate:[{iso(start)}..]"


def _text(value):
    return "" if value is None else str(value).strip()


def _value(amount):
    value = (amount or {}).get("value")
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _refunded_whole(line):
    """A line whose refunds cover its cost: the seller refunded it instead of shipping it."""
    cost = _value(line.get("lineItemCost"))
    refunded = sum(_value(r.get("amount")) or 0 for r in line.get("refunds") or [])
    return bool(line.get("refunds")) and cost is not None and refunded >= cost > 0


def order_document(order):
    """(hub type, document) of a getOrders member.

    Ready to ship = ``orderPaymentStatus`` PAID, ``cancelState`` NONE_REQUESTED, not FULFILLED; CANCELED
    cancels; a cancellation the buyer asked for (IN_PROGRESS) holds the order until the seller answers it
    on eBay. A variation is its own SKU (``sku``); without one the line resolves through
    ``legacyVariationId`` (or ``legacyItemId``), kept with its item. A line refunded whole is cancelled.
    """
    order_id = _text(order.get("orderId"))
    cancel = order.get("cancelStatus") or {}
    step = ((order.get("fulfillmentStartInstructions") or [{}])[0] or {}).get("shippingStep") or {}
    ship_to = step.get("shipTo") or {}
    address = ship_to.get("contactAddress") or {}
    pricing = order.get("pricingSummary") or {}
    lines = []
    for item in order.get("lineItems") or []:
        quantity = item.get("quantity")
        cost = _value(item.get("lineItemCost"))
        variation = _text(item.get("legacyVariationId"))
        lines.append(
            {
                "id": _text(item.get("lineItemId")),
                "sku": _text(item.get("sku")),
                "variant_id": variation or _text(item.get("legacyItemId")),
                "parent_id": _text(item.get("legacyItemId")) if variation else "",
                "quantity": quantity,
                "name": _text(item.get("title")),
                "price": round(cost / quantity, 4)
                if cost is not None and isinstance(quantity, int) and quantity
                else None,
                "cancelled": _refunded_whole(item),
            }
        )
    document = {
        "id": order_id,
        "name": _text(order.get("salesRecordReference")) or order_id,
        "placed_at": order.get("creationDate"),
        "updated_at": order.get("lastModifiedDate"),
        "financial_status": FINANCIAL_STATUS.get(_text(order.get("orderPaymentStatus")), "pending"),
        "customer": {"name": _text(ship_to.get("fullName")), "email": _text(ship_to.get("email"))},
        "shipping_address": {
            "name": _text(ship_to.get("fullName")),
            "company": _text(ship_to.get("companyName")),
            "street": _text(address.get("addressLine1")),
            "street2": _text(address.get("addressLine2")),
            "zip": _text(address.get("postalCode")),
            "city": _text(address.get("city")),
            "state": _text(address.get("stateOrProvince")),
            "country_code": _text(address.get("countryCode")).upper(),
            "phone": _text((ship_to.get("primaryPhone") or {}).get("phoneNumber")),
        },
        "service_level": _text(step.get("shippingServiceCode")),
        "special_handling": _text(order.get("buyerCheckoutNotes")),
        "lines": lines,
        # amounts as eBay sent them (EU marketplaces show prices with VAT: unconfirmed for every site)
        "currency": (pricing.get("total") or {}).get("currency"),
        "prices_include_tax": True,
        "shipping_price": _value(pricing.get("deliveryCost")),
        "total": _value(pricing.get("total")),
    }
    state = _text(cancel.get("cancelState"))
    if state == "CANCELED":
        document["cancel_reason"] = "order cancelled on eBay"
        return "order.cancelled", document
    if state == "IN_PROGRESS":
        document["withheld"] = (
            "the buyer asked eBay to cancel this order: accept or decline the request on eBay before shipping"
        )
    if lines and all(line["cancelled"] for line in lines):
        document["cancel_reason"] = "every line refunded on eBay"
        return "order.cancelled", document
    return "order.updated", document


def return_document(member, order=None):
    """(hub type, document) of a Post-Order return (``return/search`` member).

    ``order``: the eBay order (getOrder) the returned item belongs to: its line item (by ``legacyItemId``)
    gives the hub's order line and SKU. States before shipping are authorized returns, shipped and
    delivered ones ``shipped_back``; a closed return changes nothing.
    """
    info = member.get("creationInfo") or {}
    item = info.get("item") or {}
    status = RETURN_STATUS.get(_text(member.get("state")))
    return_id = _text(member.get("returnId"))
    if not status:
        return "noop", {"reason": f"eBay return {return_id} is {_text(member.get('state')) or 'closed'}"}
    line = {"quantity": int(item.get("returnQuantity") or 1), "variant_id": _text(item.get("itemId"))}
    for order_line in (order or {}).get("lineItems") or []:
        if _text(order_line.get("legacyItemId")) == line["variant_id"]:
            line.update(line_id=_text(order_line.get("lineItemId")), sku=_text(order_line.get("sku")))
            break
    comments = (info.get("comments") or {}).get("content")
    return "return.created", {
        "id": return_id,
        "order_id": _text(member.get("orderId")),
        "reason": _text(info.get("reason")) or "eBay return",
        "claim": _text(comments),
        "status": status,
        "lines": [line],
    }


def carrier_code(name):
    """eBay's ``shippingCarrierCode`` for a hub carrier's name (unknown names are sent as they are)."""
    text = _text(name)
    return CARRIER_CODES.get(text.lower(), re.sub(r"\s+", "", text) or "Other")


# --- marketplace account deletion ------------------------------------------------------------
def challenge_response(challenge_code, verification_token, endpoint_url):
    """hex SHA-256 of challenge code + verification token + endpoint URL (in that order, the URL as registered)."""
    return hashlib.sha256(f"{challenge_code}{verification_token}{endpoint_url}".encode()).hexdigest()


def signature_header(value):
    """(kid, DER signature bytes) of ``X-EBAY-SIGNATURE`` (base64 of ``{"alg","kid","signature","digest"}``)."""
    try:
        details = json.loads(base64.b64decode(value, validate=False))
        return details["kid"], base64.b64decode(details["signature"])
    except (ValueError, KeyError, TypeError):
        return None, None


def pem(key):
    """The Notification API's key as PEM (eBay's SDK re-wraps a one-line ``-----BEGIN PUBLIC KEY-----…`` value)."""
    match = re.match(r"\s*-----BEGIN PUBLIC KEY-----\s*(.+?)\s*-----END PUBLIC KEY-----\s*$", key or "", re.S)
    body = re.sub(r"\s+", "", match.group(1)) if match else ""
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return ("-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n").encode()


def reserialized(body):
    """The message as eBay's SDK verifies it: ``JSON.stringify(JSON.parse(body))`` (compact, UTF-8 kept)."""
    return json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()


def signature_matches(public_key_pem, signature, body):
    """ECDSA-SHA1 over the raw body, or over its re-serialised form (what eBay's own SDK checks)."""
    try:
        key = serialization.load_pem_public_key(public_key_pem)
    except ValueError:
        return False
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    candidates = [body]
    try:
        candidates.append(reserialized(body))
    except ValueError:
        pass
    for message in candidates:
        try:
            key.verify(signature, message, ec.ECDSA(hashes.SHA1()))  # noqa: S303 - eBay's documented digest
            return True
        except InvalidSignature:
            continue
    return False
