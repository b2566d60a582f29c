"""Dynamics 365 Business Central API v2.0: the Entra ID token, the OData client and the mapping (no ORM).

Sources: Microsoft's Business Central developer documentation (MicrosoftDocs/dynamics365smb-devitpro-pb):
``api-reference/v2.0/dynamics-subscriptions.md`` (webhooks), ``resources/dynamics_salesorder.md`` and
``dynamics_salesorderline.md``, ``dynamics_purchaseorder(line).md``, ``dynamics_item.md``,
``administration/automation-apis-using-s2s-authentication.md`` (client credentials, scope ``.default``),
"Server-driven paging in OData web services" (``Prefer: odata.maxpagesize``, ``@odata.nextLink``).
"""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, quote_plus

from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error

from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError, RetryableError
from odoo.addons.integration_hub.lib.http_client import RATE_LIMITED, SERVER_ERROR, HttpClient

API_HOST = "https://api.businesscentral.dynamics.com"
LOGIN_HOST = "https://login.microsoftonline.com"
SCOPE = "https://api.businesscentral.dynamics.com/.default"
PAGE_SIZE = 100  # Prefer: odata.maxpagesize (the server's own maximum is 20,000)
NO_ID = "00000000-0000-0000-0000-000000000000"  # an empty GUID (e.g. a line without variant or location)
RELEASED = "Open"  # the API's status of a released document (Draft = open in BC, In Review = pending approval)
COMMENT_LENGTH = 100  # a sales line's description is Text[100]
# webhook resources the hub subscribes to (purchase orders are not webhook-enabled in API v2.0: polled only)
TOPIC_ORDERS, TOPIC_ITEMS = "salesOrders", "items"
RESOURCE = re.compile(r"companies\(([^)]+)\)/(\w+)(?:\(([^)]+)\))?")


class EntraTokenClient(HttpClient):
    """Microsoft Entra ID, OAuth 2.0 client credentials: a token for the Business Central API (no refresh token)."""

    name = "Microsoft Entra ID"
    retry_on = (RATE_LIMITED, SERVER_ERROR)

    def token(self, tenant, client_id, client_secret, now):
        """(access token, expires_at naive UTC) for ``SCOPE``.

        Raises AuthError when Entra refuses the app (AADSTS error: wrong tenant, client id or secret, an
        expired secret): an administrator must set valid credentials.
        """
        oauth = BackendApplicationClient(client_id=client_id)
        body = oauth.prepare_request_body(scope=[SCOPE], include_client_id=True, client_secret=client_secret)
        # the form body carries the secret URL-encoded: both forms are redacted from the debug log
        self.secrets = [client_secret, quote_plus(client_secret or ""), quote(client_secret or "", safe="")]
        url = f"{LOGIN_HOST}/{tenant}/oauth2/v2.0/token"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        response = self.request("POST", url, "token", data=body, headers=headers, accept=(400, 401))
        try:
            answer = oauth.parse_request_body_response(response.text, scope=[SCOPE])
        except (OAuth2Error, ValueError) as error:
            code = getattr(error, "error", None) or "unreadable answer"
            raise AuthError(
                f"Microsoft Entra ID refused the app's client credentials ({code}): check the tenant id, the "
                "client id and the client secret (secrets expire) of the Entra app registration"
            ) from None
        return answer["access_token"], now + timedelta(seconds=int(answer.get("expires_in") or 3599))


class BusinessCentralClient(HttpClient):
    """OData v4 calls with the channel's bearer token (renewed once after a 401).

    Business Central documents no ``Retry-After`` for its 429 (per-user limits: 100 simultaneous
    requests, a 5-minute request window): without it the outbox's backoff decides. 408, 5xx and
    timeouts are retryable; ``{"error": {"code", "message"}}`` answers give the message.
    """

    name = "Business Central"
    retry_on = (RATE_LIMITED, SERVER_ERROR)
    attempts = 2
    default_retry_after = 30.0  # a 429 without Retry-After: longer than max_wait, so the caller's backoff waits

    def __init__(self, base_url, access_token, **settings):
        super().__init__(base_url, [], **settings)
        self.access_token, self.token = access_token, None

    def authorize(self, call):
        if not self.token:
            self.token = self.access_token(False)
        call["headers"]["Authorization"] = f"Bearer {self.token}"
        call["headers"].setdefault("Accept", "application/json")

    def refresh_authorization(self):
        self.token = self.access_token(True)
        return True

    def json(self, method, path, what, body=None, params=None, headers=None):
        """One call; its JSON answer ({} for 204). A refused document names BC's own message."""
        accept = (400, 404, 409, 412)
        response = self.request(method, path, what, json=body, params=params, headers=headers, accept=accept)
        if response.status_code == 412:  # a BC user changed the record since it was read: read it again, later
            raise RetryableError(f"Business Central {what}: changed in Business Central meanwhile (HTTP 412)", 60)
        if response.status_code >= 400:
            raise PermanentError(f"Business Central {what}: HTTP {response.status_code}: {error_message(response)}")
        return response.json() if response.content else {}

    def pages(self, path, what, params, next_link=None):
        """One page: (records, the @odata.nextLink or None). ``next_link`` continues a collection."""
        headers = {"Prefer": f"odata.maxpagesize={PAGE_SIZE}"}
        answer = (
            self.json("GET", next_link, what, headers=headers)
            if next_link
            else self.json("GET", path, what, params=params, headers=headers)
        )
        return answer.get("value") or [], answer.get("@odata.nextLink")


def error_message(response):
    """BC's ``{"error": {"code", "message"}}`` as a sentence (or the start of the body)."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return (response.text or "")[:300]
    return f"{error.get('code') or ''}: {error.get('message') or ''}".strip(": ")[:300]


def company_url(tenant, environment, company_id):
    return f"{API_HOST}/v2.0/{tenant}/{environment}/api/v2.0/companies({company_id})"


def odata_time(moment):
    """A naive UTC datetime as an OData DateTimeOffset literal (``2025-03-04T09:00:00Z``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def modified_since(moment, extra=""):
    """$filter on lastModifiedDateTime (and ``extra``), oldest first."""
    query = f"lastModifiedDateTime gt {odata_time(moment)}"
    return {"$filter": f"{query} and {extra}" if extra else query, "$orderby": "lastModifiedDateTime asc"}


def parse_resource(resource):
    """``api/v2.0/companies(<c>)/salesOrders(<id>)`` -> (company id, entity set, record id or None)."""
    found = RESOURCE.search(resource or "")
    if not found:
        return None, None, None
    return found.group(1), found.group(2), found.group(3)


def notification_key(entry):
    """The sheet's dedupe key of one notification: subscription, resource and its modification time."""
    return f"{entry.get('subscriptionId')}|{entry.get('resource')}|{entry.get('lastModifiedDateTime')}"


def _ours(line, location_id):
    """A line is this warehouse's when no location is set on the channel, or the line is at that location."""
    return not location_id or (line.get("locationId") or NO_ID) in (location_id, NO_ID)


def order_document(order, location_id=None):
    """A released sales order (with ``salesOrderLines`` and ``shipmentMethod`` expanded) as the hub's order.

    Business Central has no payment status: releasing the order is the client's go-ahead (BC checks
    prepayments and credit at release), so a released order is ``paid`` in the hub's vocabulary. Item lines
    at another location than the channel's are fulfilled elsewhere; comment lines are left out; other line
    types (resources, G/L accounts, charges) need no shipping. A line with an item variant carries no SKU:
    it resolves through the variant id (Listings and channel ids).
    """
    lines = []
    for line in order.get("salesOrderLines") or []:
        kind = line.get("lineType")
        if kind == "Comment":
            continue
        variant = line.get("itemVariantId") or NO_ID
        data = {
            "id": line["id"],
            "sku": (line.get("lineObjectNumber") or "") if variant == NO_ID else "",
            "quantity": line.get("quantity") or 0,
            "name": line.get("description") or "",
            "price": line.get("unitPrice"),
            "discount": line.get("discountAmount"),
            "tax": line.get("totalTaxAmount"),
        }
        if variant != NO_ID:
            data["variant_id"] = variant
        if kind != "Item":
            data["ships"] = False
        elif not _ours(line, location_id):
            data["fulfilled_by"] = "another Business Central location"
        lines.append(data)
    contact, name = order.get("shipToContact") or "", order.get("shipToName") or ""
    person = contact or name
    return {
        "id": order["id"],
        "name": order.get("number") or order["id"],
        "placed_at": f"{order.get('orderDate')}T00:00:00+00:00" if order.get("orderDate") else None,
        "updated_at": order.get("lastModifiedDateTime"),
        "financial_status": "paid",
        "customer": {
            "name": order.get("customerName") or "",
            "email": order.get("email") or "",
            "phone": order.get("phoneNumber") or "",
        },
        "shipping_address": {
            "name": person,
            "company": name if contact and name != contact else "",
            "street": order.get("shipToAddressLine1") or "",
            "street2": order.get("shipToAddressLine2") or "",
            "zip": order.get("shipToPostCode") or "",
            "city": order.get("shipToCity") or "",
            "state": order.get("shipToState") or "",
            "country_code": order.get("shipToCountry") or "",
            "phone": order.get("phoneNumber") or "",
        },
        "service_level": (order.get("shipmentMethod") or {}).get("code") or "",
        "special_handling": "",
        "currency": order.get("currencyCode") or None,
        "prices_include_tax": bool(order.get("pricesIncludeTax")),
        "total": order.get("totalAmountIncludingTax"),
        "lines": lines,
    }


def receipt_document(purchase_order, location_id=None):
    """A released purchase order (``purchaseOrderLines`` expanded) as the hub's expected receipt.

    The quantity expected is the line's ordered quantity (what BC received later does not change the
    document); only item lines at the channel's location count.
    """
    lines = [
        {"id": line["id"], "sku": line.get("lineObjectNumber") or "", "quantity": line.get("quantity") or 0}
        for line in purchase_order.get("purchaseOrderLines") or []
        if line.get("lineType") == "Item" and _ours(line, location_id)
    ]
    dates = [line.get("expectedReceiptDate") for line in purchase_order.get("purchaseOrderLines") or []]
    expected = purchase_order.get("requestedReceiptDate") or min(filter(None, dates), default=None)
    return {
        "reference": purchase_order.get("number") or purchase_order["id"],
        "supplier": {"id": purchase_order.get("vendorNumber") or "", "name": purchase_order.get("vendorName") or ""},
        "expected_date": expected or purchase_order.get("orderDate"),
        "lines": lines,
    }


def product_document(item):
    """A Business Central item as the hub's product master (``product.upserted``).

    API v2.0 gives the number (SKU), the display name and the GTIN; it has no pack levels (units per
    carton / pallet) nor weight: such a product waits at *Pack configuration locked* until they are sent.
    """
    document = {
        "id": item["id"],
        "name": item.get("displayName") or item.get("number"),
        "sku": item.get("number") or "",
        "updated_at": item.get("lastModifiedDateTime"),
    }
    if item.get("gtin"):
        document["barcode"] = item["gtin"]
    return document


def tracking_comment(tracking):
    """The comment line that carries the carrier and tracking number on the order (Text[100])."""
    tracking = tracking or {}
    text = " ".join(part for part in ("Tracking:", tracking.get("company") or "", tracking.get("number") or "") if part)
    return text[:COMMENT_LENGTH]


def parse_time(value):
    """An OData DateTimeOffset (``2025-03-07T09:13:40.5Z``) as a naive UTC datetime (datetime.min when empty)."""
    if not value:
        return datetime.min
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def receipt_comment(confirmation):
    """The comment line with a receipt's figures (Text[100]): received, damaged, short / over, unexpected items."""
    lines = confirmation.get("lines") or []
    received = sum(float(line.get("received") or 0) for line in lines)
    damaged = sum(float(line.get("damaged") or 0) for line in lines)
    results = [line.get("result") for line in lines]
    unexpected = [line.get("sku") or "?" for line in confirmation.get("unexpected") or []]
    text = f"Warehouse receipt: {received:g} received, {damaged:g} damaged"
    for result in ("short", "over"):
        if result in results:
            text += f", {results.count(result)} {result}"
    if unexpected:
        text += ", not expected: " + " ".join(unexpected)
    return text[:COMMENT_LENGTH]


def inventory_position(position, location_code=None):
    """The body the client's inventory API page receives for one count (see the README's contract)."""
    return {
        "reference": str(position.get("reference") or ""),
        "itemNumber": position.get("sku") or "",
        "locationCode": location_code or position.get("warehouse") or "",
        "countedQuantity": position.get("on_hand"),
        "previousQuantity": position.get("previous"),
        "quantityDelta": position.get("delta"),
        "unitOfMeasure": position.get("uom") or "",
        "kind": position.get("kind") or "",
        "reason": (position.get("reason") or "")[:100],
        "countedAt": position.get("counted_at") or "",
    }
