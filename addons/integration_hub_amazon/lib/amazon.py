"""Amazon Selling Partner API (../shared/platforms/amazon.md): the client and the mapping, plain Python.

Seller-fulfilled (MFN) orders map to the hub's generic order document, the returns report to return
documents, stock to a ``JSON_LISTINGS_FEED``. Statuses: ``Pending`` / ``PendingAvailability`` are not
paid and carry no address (never imported: they come in once ``Unshipped``), ``Unshipped`` and
``PartiallyShipped`` are paid and ready to ship, ``Canceled`` cancels; a buyer's cancellation request
(``BuyerRequestedCancel`` on an item) cancels that line, all of them the order.
"""

import csv
import io
import json
import math
from datetime import UTC, datetime, timedelta

from odoo.addons.integration_hub.lib.errors import AuthError, PayloadError
from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
ENDPOINTS = {
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "na": "https://sellingpartnerapi-na.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}
# EU-region marketplaces (id, label, feed issue locale); Spain is the default
MARKETPLACES = [
    ("A1RKKUPIHCS9HS", "Amazon.es (Spain)", "es_ES"),
    ("A13V1IB3VIYZZH", "Amazon.fr (France)", "fr_FR"),
    ("A1PA6795UKMFR9", "Amazon.de (Germany)", "de_DE"),
    ("APJ6JRA9NG5V4", "Amazon.it (Italy)", "it_IT"),
    ("A1805IZSGTT6HS", "Amazon.nl (Netherlands)", "nl_NL"),
    ("AMEN7PMS3EDWL", "Amazon.com.be (Belgium)", "fr_BE"),
    ("A1C3SOZRARQ6R3", "Amazon.pl (Poland)", "pl_PL"),
    ("A2NODRKZP88ZB9", "Amazon.se (Sweden)", "sv_SE"),
    ("A28R8C7NBKEWEA", "Amazon.ie (Ireland)", "en_IE"),
    ("A1F83G8C2ARO7P", "Amazon.co.uk (United Kingdom)", "en_GB"),
]
SPAIN = "A1RKKUPIHCS9HS"
LOCALES = {marketplace: locale for marketplace, _label, locale in MARKETPLACES}

# Documented token-bucket rates (requests per second) per operation: a 429 without Retry-After waits 1 / rate.
RATES = {
    "getOrders": 0.0167,
    "getOrder": 0.5,
    "getOrderItems": 0.5,
    "confirmShipment": 2.0,
    "createRestrictedDataToken": 1.0,
    "createFeed": 0.0083,
    "getFeed": 2.0,
    "createFeedDocument": 0.5,
    "getFeedDocument": 0.0222,
    "createReport": 0.0167,
    "getReport": 2.0,
    "getReportDocument": 0.0167,
    "getMarketplaceParticipations": 0.016,
}
POLLED_STATUSES = "Unshipped,PartiallyShipped,Canceled"
NOT_PAID = {"Pending", "PendingAvailability"}
PAID = {"Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"}
PAGE_SIZE = 100
FEED_TYPE = "JSON_LISTINGS_FEED"
FEED_MAX_MESSAGES = 25_000
RETURNS_REPORT = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
RETURNS_REPORT_MAX_DAYS = 60
RESTRICTED_ELEMENTS = ["buyerInfo", "shippingAddress"]
# Hub carrier (by name, lower case) -> Amazon's carrierCode; the rest is "Other" with the carrier's name.
# Amazon's exact code strings for the Spanish carriers are unconfirmed (see the README).
CARRIER_CODES = {
    "correos": "Correos",
    "correos express": "Correos Express",
    "seur": "SEUR",
    "mrw": "MRW",
    "nacex": "NACEX",
    "gls": "GLS",
    "dhl": "DHL",
    "dhl express": "DHL",
    "ups": "UPS",
    "dpd": "DPD",
    "fedex": "FedEx",
    "tnt": "TNT",
    "ctt": "CTT",
    "chronopost": "Chronopost",
    "colissimo": "Colissimo",
    "hermes": "Hermes",
    "poste italiane": "Poste Italiane",
}


class LwaClient(HttpClient):
    """Login with Amazon: the refresh token for a one-hour access token (form-encoded POST)."""

    name = "Login with Amazon"
    retry_on = (RATE_LIMITED, SERVER_ERROR)

    def token(self, client_id, client_secret, refresh_token, now):
        """(access token, expires_at naive UTC); AuthError when LWA refuses the refresh token or the app."""
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self.secrets = [client_secret, refresh_token]
        response = self.request("POST", LWA_TOKEN_URL, "token", data=form, accept=(400,))
        answer = response.json() if response.content else {}
        if response.status_code == 400 or not answer.get("access_token"):
            raise AuthError(
                f"Login with Amazon refused the refresh token ({answer.get('error') or 'no token'}): the seller must "
                "authorise the app again and an administrator set the new refresh token"
            )
        return answer["access_token"], now + timedelta(seconds=int(answer.get("expires_in") or 3600))


class AmazonClient(HttpClient):
    """SP-API calls with the LWA access token (or a Restricted Data Token) in ``x-amz-access-token``.

    ``access_token(renew)`` gives the channel's token (renewed after a 401/403). A 429 without
    ``Retry-After`` waits the operation's documented rate (``RATES``); 5xx and timeouts are retryable.
    """

    name = "Amazon SP-API"
    retry_on = (RATE_LIMITED, SERVER_ERROR)
    attempts = 2  # a short wait (a fast operation's bucket, a 5xx) is retried once in-process

    def __init__(self, endpoint, access_token, **settings):
        super().__init__(endpoint, [], **settings)
        self.access_token, self.token, self.restricted = access_token, None, None

    def authorize(self, call):
        if not (self.restricted or self.token):
            self.token = self.access_token(False)
        call["headers"]["x-amz-access-token"] = self.restricted or self.token
        call["headers"].setdefault("user-agent", "IntegrationHub/18.0 (Language=Python)")

    def refresh_authorization(self):
        if self.restricted:
            return False  # a refused RDT: the LWA token is not the problem
        self.token = self.access_token(True)
        return True

    def call(self, method, path, operation, body=None, params=None, restricted=None, accept=()):
        """One operation; the JSON answer ({} for 204). ``restricted``: an RDT used instead of the LWA token."""
        self.default_retry_after = math.ceil(1 / RATES.get(operation, 1.0))
        self.restricted = restricted
        try:
            response = self.request(method, path, operation, json=body, params=params, accept=accept)
        finally:
            self.restricted = None
        if response.status_code in accept and response.status_code >= 400:
            return None
        return response.json() if response.content else {}

    def restricted_data_token(self, path, elements=RESTRICTED_ELEMENTS):
        """An RDT for ``path`` (GET), or None when the app lacks the restricted role (403)."""
        answer = self.call(
            "POST",
            "/tokens/2021-03-01/restrictedDataToken",
            "createRestrictedDataToken",
            {"restrictedResources": [{"method": "GET", "path": path, "dataElements": list(elements)}]},
            accept=(403,),
        )
        return (answer or {}).get("restrictedDataToken")


def iso(moment):
    """A naive UTC datetime as SP-API's ISO 8601 text."""
    return moment.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def _text(value):
    return "" if value is None else str(value).strip()


def _amount(money):
    return (money or {}).get("Amount")


def _sum(items, key):
    amounts = [float(_amount(item.get(key)) or 0) for item in items if item.get(key)]
    return round(sum(amounts), 2) if amounts else None


def _requested_cancel(item):
    flag = (item.get("BuyerRequestedCancel") or {}).get("IsBuyerRequestedCancel")
    return str(flag).lower() == "true"


WITHHELD = (("Name", "recipient name"), ("AddressLine1", "street"), ("Phone", "phone"))


def order_document(order, restricted):
    """(hub type, document) of an order (``OrderItems`` included); ``restricted``: read with an RDT.

    Without an RDT Amazon sends no name, street nor phone: the document names them as withheld, so
    the hub holds the order instead of shipping on a partial address.
    """
    order_id, status = _text(order.get("AmazonOrderId")), _text(order.get("OrderStatus"))
    if status in NOT_PAID:
        return "noop", {"order_id": order_id, "reason": f"order {status} on Amazon: not paid, no address yet"}
    if order.get("FulfillmentChannel") and order.get("FulfillmentChannel") != "MFN":
        return "noop", {"order_id": order_id, "reason": "fulfilled by Amazon (FBA), not by this warehouse"}
    address, buyer, items = order.get("ShippingAddress") or {}, order.get("BuyerInfo") or {}, order["OrderItems"]
    missing = [label for key, label in WITHHELD if not _text(address.get(key))]
    withheld = ""
    if missing and not restricted:
        withheld = (
            f"{', '.join(missing)} (Amazon gives them only with a Restricted Data Token: the app needs the "
            "restricted Direct-to-Consumer Shipping role)"
        )
    lines = []
    for item in items:
        quantity = int(item.get("QuantityOrdered") or 0)
        total = _amount(item.get("ItemPrice"))
        lines.append(
            {
                "id": _text(item.get("OrderItemId")),
                "sku": _text(item.get("SellerSKU")),  # the SKU is the variant on Amazon
                "variant_id": _text(item.get("ASIN")),
                "quantity": quantity,
                "name": _text(item.get("Title")),
                # ItemPrice is the line's price (unit price x quantity)
                "price": round(float(total) / quantity, 4) if total not in (None, "") and quantity else None,
                "discount": _amount(item.get("PromotionDiscount")),
                "tax": _amount(item.get("ItemTax")),
                "cancelled": _requested_cancel(item),
            }
        )
    street2 = ", ".join(p for p in (_text(address.get("AddressLine2")), _text(address.get("AddressLine3"))) if p)
    total = order.get("OrderTotal") or {}
    document = {
        "id": order_id,
        "name": order_id,
        "placed_at": order.get("PurchaseDate"),
        "updated_at": order.get("LastUpdateDate"),
        "financial_status": "paid" if status in PAID else status.lower(),
        "customer": {"name": _text(buyer.get("BuyerName")), "email": _text(buyer.get("BuyerEmail"))},
        "shipping_address": {
            "name": _text(address.get("Name")),
            "company": _text(address.get("CompanyName")),
            "street": _text(address.get("AddressLine1")),
            "street2": street2,
            "zip": _text(address.get("PostalCode")),
            "city": _text(address.get("City")),
            "state": _text(address.get("StateOrRegion")),
            "country_code": _text(address.get("CountryCode")).upper(),
            "phone": _text(address.get("Phone")),
        },
        "service_level": _text(order.get("ShipmentServiceLevelCategory")),
        "special_handling": "gift" if any(str(i.get("IsGift")).lower() == "true" for i in items) else "",
        "ship_by": order.get("LatestShipDate"),
        "withheld": withheld,
        "lines": lines,
        # amounts as Amazon sent them (EU marketplaces: prices include VAT)
        "currency": total.get("CurrencyCode"),
        "prices_include_tax": True,
        "shipping_price": _sum(items, "ShippingPrice"),
        "shipping_tax": _sum(items, "ShippingTax"),
        "total": total.get("Amount"),
    }
    if status == "Canceled":
        document["cancel_reason"] = "order canceled on Amazon"
        return "order.cancelled", document
    if lines and all(line["cancelled"] for line in lines):
        reasons = {_text((i.get("BuyerRequestedCancel") or {}).get("BuyerCancelReason")) for i in items} - {""}
        document["cancel_reason"] = "buyer requested cancellation" + (
            f": {', '.join(sorted(reasons))}" if reasons else ""
        )
        return "order.cancelled", document
    return "order.updated", document


def notification(body):
    """(idempotency key, Amazon order id, change type) of an ``ORDER_CHANGE`` notification; PayloadError if not one."""
    try:
        message = json.loads(body)
    except ValueError:
        raise PayloadError("the SQS message is not JSON") from None
    kind = message.get("NotificationType") if isinstance(message, dict) else type(message).__name__
    if kind != "ORDER_CHANGE":
        raise PayloadError(f"not an ORDER_CHANGE notification: {kind!r}")
    change = (message.get("Payload") or {}).get("OrderChangeNotification") or {}
    notification_id = (message.get("NotificationMetadata") or {}).get("NotificationId")
    if not (notification_id and change.get("AmazonOrderId")):
        raise PayloadError("the notification has no NotificationId or AmazonOrderId")
    return notification_id, change["AmazonOrderId"], change.get("OrderChangeType")


def listings_feed(seller_id, quantities, locale):
    """The JSON_LISTINGS_FEED body: one PATCH of ``fulfillment_availability`` per SKU ({sku: quantity})."""
    messages = [
        {
            "messageId": number,
            "sku": sku,
            "operationType": "PATCH",
            "productType": "PRODUCT",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": max(0, int(quantity))}],
                }
            ],
        }
        for number, (sku, quantity) in enumerate(sorted(quantities.items()), start=1)
    ]
    return {"header": {"sellerId": seller_id, "version": "2.0", "issueLocale": locale}, "messages": messages}


def feed_issues(report, skus_by_message):
    """({sku: errors text}, {sku: warnings text}) of a feed processing report (``DONE`` is not success)."""
    errors, warnings = {}, {}
    for issue in report.get("issues") or []:
        sku = issue.get("sku") or skus_by_message.get(issue.get("messageId")) or f"message {issue.get('messageId')}"
        text = f"{issue.get('code')}: {issue.get('message')}"
        target = errors if (issue.get("severity") or "ERROR").upper() == "ERROR" else warnings
        target[sku] = f"{target[sku]}; {text}" if sku in target else text
    return errors, warnings


def carrier(company):
    """(carrierCode, carrierName) for a hub carrier's name: Amazon's code, else ``Other`` with the name."""
    name = _text(company)
    code = CARRIER_CODES.get(name.lower())
    return (code, None) if code else ("Other", name or "Other")


def _column(row, *names):
    normalized = {k.strip().lower().replace("_", " ").replace("-", " "): v for k, v in row.items() if k}
    for name in names:
        if normalized.get(name):
            return _text(normalized[name])
    return ""


def return_documents(text):
    """[(key, document)] of a returns flat file (tab separated): one authorized return per Amazon RMA."""
    returns = {}
    for row in csv.DictReader(io.StringIO(text), delimiter="\t"):
        order_id = _column(row, "order id")
        rma = _column(row, "amazon rma id") or f"{order_id}:{_column(row, 'return request date')}"
        if not order_id:
            continue
        document = returns.setdefault(
            rma,
            {
                "id": rma,
                "order_id": order_id,
                "reason": _column(row, "return reason") or "Amazon return",
                "status": "authorized",
                "tracking": _column(row, "tracking id"),
                "lines": [],
            },
        )
        quantity = _column(row, "return quantity")
        document["lines"].append(
            {
                "sku": _column(row, "merchant sku", "seller sku"),
                "name": _column(row, "item name"),
                "quantity": int(float(quantity)) if quantity else 0,
            }
        )
    return [(f"return:{rma}", document) for rma, document in returns.items()]
