import hashlib
import json
import logging
import re
import time
from datetime import timedelta
from urllib.parse import quote

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Delivered
from odoo.addons.integration_hub.lib.errors import AuthError, HubError, PayloadError, PermanentError, SignatureError
from odoo.addons.integration_hub.lib.poll import PollPage, since, time_cursor
from odoo.addons.integration_hub.lib.webhook import WebhookEnvelope, header, headers_to_keep

from ..lib import ebay as E

_logger = logging.getLogger(__name__)

DELETION_TOPIC = "MARKETPLACE_ACCOUNT_DELETION"
PUBLIC_KEY_SECONDS = 3600  # eBay's SDK caches a notification public key for an hour
_PUBLIC_KEYS = {}  # (API base URL, kid) -> (PEM bytes, monotonic expiry): per process
# a key id as eBay issues them (hex digits and dashes); the header naming it is not authenticated yet
KEY_ID = re.compile(r"[0-9A-Fa-f-]{8,64}")
FAILED_KEY_SECONDS = 60  # a kid eBay did not give a key for is not asked again for a minute
_FAILED_KEYS = {}  # (API base URL, kid) -> monotonic expiry: per process
VERIFICATION_TOKEN_LENGTH = (32, 80)
CONSENT_DAYS = 547  # refresh_token_expires_in 47,304,000 s: about 18 months
CONSENT_WARNING_DAYS = 30


class IntegrationAdapterEbay(models.AbstractModel):
    """eBay: orders polled from the Fulfillment API, stock by the Inventory or Trading API, shipping
    fulfillments, Post-Order returns, and the marketplace account deletion notices. Maps and talks only."""

    _name = "integration.adapter.ebay"
    _inherit = "integration.adapter"
    _description = "eBay adapter"

    # in: the account deletion notices (the webhook endpoint), orders and returns polled;
    # out: stock and shipping fulfillments
    _capabilities = frozenset(
        (C.WEBHOOKS, C.POLL_ORDERS, C.POLL_RETURNS, C.RETURNS_IN, C.CATALOG, C.INVENTORY, C.FULFILLMENT)
        + (C.CONNECTION_TEST, C.TOKEN_REFRESH)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = []
        if not (channel.ebay_client_id and channel._get_secret("ebay_client_secret")):
            problems.append(_("no eBay App ID and Cert ID"))
        if capability == C.WEBHOOKS:
            token = channel._get_secret("ebay_verification_token") or ""
            low, high = VERIFICATION_TOKEN_LENGTH
            if not low <= len(token) <= high:
                problems.append(_("no marketplace account deletion verification token (32 to 80 characters)"))
            return problems
        if not channel._get_secret("ebay_refresh_token"):
            problems.append(_("no eBay refresh token (the seller's consent)"))
        return problems

    # --- authentication ---------------------------------------------------------------------
    @api.model
    def _ebay_base(self, channel):
        return E.ENDPOINTS[channel.ebay_environment or "production"]

    @api.model
    def _ebay_identity(self, channel):
        return E.EbayIdentityClient(
            self._ebay_base(channel), channel.ebay_client_id or "", channel.sudo()._get_secret("ebay_client_secret")
        )

    @api.model
    def _refresh_access_token(self, channel):
        """The refresh token for a 2-hour user access token (kept encrypted by the hub with its expiry)."""
        refresh_token = channel.sudo()._get_secret("ebay_refresh_token")
        if not (channel.ebay_client_id and refresh_token):
            raise AuthError(_("eBay channel '%s' has no App ID and refresh token.", channel.name))
        token = self._ebay_identity(channel).user_token(refresh_token, fields.Datetime.now())
        self._ebay_check_consent(channel)
        return token

    @api.model
    def _ebay_check_consent(self, channel):
        """A month before the seller's consent (the refresh token) runs out, one exception tells an administrator."""
        given = channel.ebay_consent_date
        if not given:
            return
        ends = given + timedelta(days=CONSENT_DAYS)
        if fields.Date.context_today(channel) < ends - timedelta(days=CONSENT_WARNING_DAYS):
            return
        self.env["integration.sync.exception"].sudo()._open(
            "channel_access",
            _("eBay consent of %(channel)s ends on %(date)s", channel=channel.name, date=ends),
            _(
                "eBay's refresh token of this channel was set on %(given)s and lasts about 18 months (until "
                "%(date)s). Ask the seller to consent again (the application's consent page or eBay's user token "
                "tool) and set the new refresh token on the channel before then: afterwards eBay refuses every call "
                "and the channel is parked.",
                given=given,
                date=ends,
            ),
            record=channel,
            channel=channel,
            dedupe_key=f"ebay-consent:{channel.id}:{given}",
        )

    @api.model
    def _client(self, channel):
        channel = channel.sudo()
        return E.EbayClient(
            self._ebay_base(channel),
            lambda renew: channel._channel_access_token(renew=renew),
            channel.ebay_marketplace or "EBAY_ES",
        )

    # --- in: the marketplace account deletion notices -----------------------------------------
    @api.model
    def _ebay_endpoint(self, channel):
        return channel.ebay_deletion_endpoint or channel.sudo().webhook_url

    @api.model
    def _ebay_challenge(self, channel, challenge_code):
        """The answer to eBay's endpoint validation (GET ``challenge_code``); None when the channel cannot answer."""
        token = channel.sudo()._get_secret("ebay_verification_token")
        if not (token and challenge_code):
            return None
        return E.challenge_response(challenge_code, token, self._ebay_endpoint(channel))

    @api.model
    def _ebay_public_key(self, channel, kid):
        """The Notification API's public key ``kid`` (PEM), cached an hour per process.

        ``kid`` comes from a header nobody has authenticated yet: only a key id's shape (``KEY_ID``) is
        asked for, URL-quoted, and an id eBay gave no key for is not asked again for ``FAILED_KEY_SECONDS``
        (each ask costs an eBay call and may cost an app token). Raises ``SignatureError`` for those, the
        client's ``HubError`` when eBay refuses or fails.
        """
        if not isinstance(kid, str) or not KEY_ID.fullmatch(kid):
            raise SignatureError("X-EBAY-SIGNATURE names no key id eBay issues")
        base = self._ebay_base(channel)
        cached = _PUBLIC_KEYS.get((base, kid))
        if cached and cached[1] > time.monotonic():
            return cached[0]
        if _FAILED_KEYS.get((base, kid), 0) > time.monotonic():
            raise SignatureError(f"eBay gave no public key {kid} less than a minute ago")
        channel = channel.sudo()
        identity = self._ebay_identity(channel)
        client = E.EbayClient(
            base,
            lambda renew: channel._access_token(
                lambda: identity.app_token(fields.Datetime.now()), name="ebay_app_token", renew=renew
            ),
            channel.ebay_marketplace or "EBAY_ES",
            timeout=5,
        )
        try:
            answer = client.json("GET", f"/commerce/notification/v1/public_key/{quote(kid, safe='')}", "getPublicKey")
            key = E.pem(answer.get("key"))
        except HubError:
            _FAILED_KEYS[(base, kid)] = time.monotonic() + FAILED_KEY_SECONDS
            raise
        _PUBLIC_KEYS[(base, kid)] = (key, time.monotonic() + PUBLIC_KEY_SECONDS)
        return key

    @api.model
    def _verify_webhook(self, channel, headers, body):
        """``X-EBAY-SIGNATURE``: ECDSA-SHA1 with the key the Notification API names (``kid``); dedupe on
        ``notificationId``."""
        kid, signature = E.signature_header(header(headers, "X-EBAY-SIGNATURE"))
        if not kid:
            raise SignatureError("missing or unreadable X-EBAY-SIGNATURE")
        try:
            key = self._ebay_public_key(channel, kid)
        except SignatureError:
            raise
        except HubError as error:  # not verified: eBay delivers it again later
            raise SignatureError(f"eBay public key {kid} could not be read: {error}") from None
        if not E.signature_matches(key, signature, body):
            raise SignatureError("X-EBAY-SIGNATURE does not match the message")
        try:
            message = json.loads(body)
            notification = message["notification"]
            key = f"deletion:{notification['notificationId']}"
            topic = message["metadata"]["topic"]
        except (ValueError, KeyError, TypeError):  # authentic but unreadable: kept as a failed event
            key, topic = f"deletion:sha256:{hashlib.sha256(body).hexdigest()}", DELETION_TOPIC
        return WebhookEnvelope(idempotency_key=key, event_type=topic, kept_headers=headers_to_keep(dict(headers)))

    @api.model
    def _ebay_buyer_digest(self, username):
        """A pseudonymous key of an eBay user name (this database's own salt): which orders a notice concerns."""
        salt = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return hashlib.sha256(f"{salt}:{(username or '').strip().lower()}".encode()).hexdigest()

    @api.model
    def _ebay_account_deletion(self, channel, payload):
        """Erase what the hub holds of the eBay user a deletion notice names, on every eBay channel of the app.

        The hub remembers a salted digest of each order's buyer: a notice about someone it never served
        (most of them: eBay sends every deleted account) is settled without decrypting anything. An open
        order blocks the erasure and leaves the hub's exception (README, "Personal data").
        """
        data = (payload.get("notification") or {}).get("data") or {}
        username = (data.get("username") or "").strip()
        if not username:
            raise PayloadError(_("eBay account deletion notice without a user name"))
        channels = (
            self.env["integration.channel"]
            .sudo()
            .search([("platform", "=", "ebay"), ("ebay_client_id", "=", channel.ebay_client_id)])
        )
        digest = self._ebay_buyer_digest(username)
        Order = self.env["integration.external.id"].sudo()
        held = Order.search([("channel_id", "in", channels.ids), ("kind", "=", "order"), ("external_ref", "=", digest)])
        if not held:
            return "noop", {"reason": "eBay account deletion: the hub holds nothing of this user"}
        outcome = []
        for each in held.channel_id:
            result = self.env["integration.personal.data"]._erase_customer_data(
                _(
                    "eBay marketplace account deletion notice %s",
                    (payload.get("notification") or {}).get("notificationId"),
                ),
                buyer_id=username,
                channel=each,
                source=_("eBay marketplace account deletion"),
            )
            if result["erased"]:
                held.filtered(lambda row, each=each: row.channel_id == each)._hub_write({"external_ref": False})
                outcome.append(_("%(channel)s: %(n)s orders erased", channel=each.code, n=result["orders"]))
            else:
                outcome.append(
                    _(
                        "%(channel)s: waits for open orders %(orders)s",
                        channel=each.code,
                        orders=", ".join(result["blocked_by"].mapped("name")),
                    )
                )
        return "noop", {"reason": _("eBay account deletion: %s", "; ".join(outcome))}

    # --- in: orders and returns ----------------------------------------------------------------
    @api.model
    def _normalize_event(self, event, payload):
        if event.event_type == DELETION_TOPIC:
            return self._ebay_account_deletion(event.channel_id, payload)
        if event.event_type == "return":
            return E.return_document(payload["return"], payload.get("order"))
        if event.event_type != "order":
            raise PermanentError(_("eBay message type '%s' is not handled by the hub.", event.event_type))
        channel = event.channel_id
        Order = self.env["integration.channel.order"].sudo()
        known = Order.search_count([("channel_id", "=", channel.id), ("external_id", "=", payload.get("orderId"))])
        if payload.get("orderFulfillmentStatus") == "FULFILLED" and not known:
            return "noop", {"reason": f"eBay order {payload.get('orderId')} was fulfilled outside the hub"}
        username = (payload.get("buyer") or {}).get("username")
        if username:  # which orders an account deletion notice concerns, without keeping the name
            self.env["integration.external.id"]._remember(
                channel, "order", payload["orderId"], external_ref=self._ebay_buyer_digest(username)
            )
        return E.order_document(payload)

    @api.model
    def _poll(self, channel, stream, cursor):
        if stream == "returns":
            return self._ebay_poll_returns(channel, cursor)
        return self._ebay_poll_orders(channel, cursor)

    @api.model
    def _ebay_poll_orders(self, channel, cursor):
        """One page of orders modified since the cursor (``lastmodifieddate``, 200 a page, then ``next``).

        The window's start stays fixed while its pages are read; the next window starts at the newest
        ``lastModifiedDate`` seen, re-read with the hub's overlap.
        """
        state = json.loads(cursor) if (cursor or "").startswith("{") else {"since": cursor}
        client = self._client(channel)
        if state.get("next"):
            answer = client.json("GET", state["next"], "getOrders")
        else:
            start = since(state.get("since"), fields.Datetime.now())
            state["newest"] = state.get("newest") or time_cursor(start)
            params = {"filter": E.orders_filter(start), "limit": E.PAGE_SIZE, "offset": 0}
            answer = client.json("GET", "/sell/fulfillment/v1/order", "getOrders", params=params)
        orders = answer.get("orders") or []
        newest = max([state["newest"]] + [E.cursor_time(o["lastModifiedDate"]) for o in orders])
        page = PollPage(
            messages=[(f"order:{o['orderId']}:{o.get('lastModifiedDate')}", "order", o) for o in orders],
            more=bool(answer.get("next") and orders),
        )
        page.cursor = json.dumps({**state, "next": answer["next"], "newest": newest}) if page.more else newest
        return page

    @api.model
    def _ebay_poll_returns(self, channel, cursor):
        """Open returns (Post-Order ``return/search``, ``ALL_OPEN``), a page per call; each with its eBay order.

        Only returns of orders the hub holds are kept; a state change is a new message (same return).
        """
        number = int(cursor) if (cursor or "").isdigit() else 1
        client = self._client(channel)
        params = {"return_state": "ALL_OPEN", "role": "SELLER", "limit": E.RETURNS_PAGE_SIZE, "offset": number}
        answer = client.json("GET", "/post-order/v2/return/search", "return search", params=params, scheme="IAF")
        members = answer.get("members") or []
        ours = {  # the page's orders the hub holds: one read for the page
            row["external_id"]
            for row in self.env["integration.channel.order"]
            .sudo()
            .search_read(
                [
                    ("channel_id", "=", channel.id),
                    ("external_id", "in", [str(m.get("orderId") or "") for m in members]),
                ],
                ["external_id"],
            )
        }
        page = PollPage()
        for member in members:
            order_id = str(member.get("orderId") or "")
            if order_id not in ours:
                continue  # not an order of this warehouse
            order = client.json("GET", f"/sell/fulfillment/v1/order/{order_id}", "getOrder", accept=(404,))
            key = f"return:{member.get('returnId')}:{member.get('state')}"
            page.messages.append((key, "return", {"return": member, "order": order or {}}))
        pages = int((answer.get("paginationOutput") or {}).get("totalPages") or 1)
        page.more = number < pages
        page.cursor = str(number + 1) if page.more else "1"
        return page

    @api.model
    def _fetch_listings(self, channel):
        """The seller's Inventory API items (``inventory_item``, 100 a page): the SKU is eBay's key."""
        if channel.ebay_inventory_method == "trading":
            raise PermanentError(_("Listings made outside the Inventory API are learned from the order lines."))
        client, items, offset = self._client(channel), [], 0
        while True:
            params = {"limit": 100, "offset": offset}
            answer = client.json("GET", "/sell/inventory/v1/inventory_item", "inventory items", params=params)
            for item in answer.get("inventoryItems") or []:
                name = (item.get("product") or {}).get("title")
                items.append({"external_id": item["sku"], "sku": item["sku"], "name": name})
            offset += 100
            if not answer.get("next") or offset >= int(answer.get("total") or 0):
                return items

    # --- out: inventory --------------------------------------------------------------------------
    @api.model
    def _push_inventory(self, job):
        """{sku: quantity}: Inventory API bulk updates (25 per call) or Trading ``ReviseInventoryStatus`` (4)."""
        channel, quantities = job.channel_id, {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        if channel.ebay_inventory_method == "trading":
            return self._ebay_push_trading(channel, quantities)
        client, Listing = self._client(channel), self.env["integration.external.id"]
        listings, refused = Listing._to_push(channel, quantities, lambda skus: {}, _("not listed"), id_field="sku")
        skus, sent = sorted(listings), []
        for start in range(0, len(skus), E.BULK_LIMIT):
            chunk = skus[start : start + E.BULK_LIMIT]
            requests, learned = [], {}
            for sku in chunk:
                quantity = max(0, int(quantities[sku]))
                request = {"sku": sku, "shipToLocationAvailability": {"quantity": quantity}}
                offers = self._ebay_offers(client, channel, listings[sku], learned)
                if offers:  # the listed quantity is the lower of the offer's and the item's
                    request["offers"] = [{"offerId": offer, "availableQuantity": quantity} for offer in offers]
                requests.append(request)
            self._ebay_remember_offers(learned)
            answer = client.json(
                "POST", "/sell/inventory/v1/bulk_update_price_quantity", "bulk update", {"requests": requests}
            )
            errors = {}
            for response in answer.get("responses") or []:
                if int(response.get("statusCode") or 0) >= 300:
                    words = "; ".join(
                        f"{e.get('errorId')}: {e.get('message')}" for e in response.get("errors") or []
                    ) or _("HTTP %s", response.get("statusCode"))
                    errors[response.get("sku")] = words
            for sku in chunk:  # per-item answers inside the 200 / 207
                if sku in errors:
                    refused[sku] = errors[sku]
                else:
                    sent.append(sku)
        Listing._record_pushed(Listing.concat(*(listings[sku] for sku in sent)), quantities)
        return Delivered(_("%s quantities published", len(sent)), refused)

    @api.model
    def _ebay_offers(self, client, channel, listing, learned):
        """The offer ids (list of str) of an Inventory API SKU on the channel's marketplace: kept on the listing,
        else asked once (``getOffers``) and added to ``learned`` ({listing: offer ids}) for
        ``_ebay_remember_offers`` to keep."""
        data = listing.data or {}
        if "ebay_offers" in data:
            return data["ebay_offers"]
        params = {"sku": listing.sku, "marketplace_id": channel.ebay_marketplace or "EBAY_ES"}
        answer = client.json("GET", "/sell/inventory/v1/offer", "offers", params=params, accept=(404,)) or {}
        learned[listing] = [o["offerId"] for o in answer.get("offers") or [] if o.get("offerId")]
        return learned[listing]

    @api.model
    def _ebay_remember_offers(self, learned):
        """Keep the offer ids asked for a chunk ({listing: offer ids}) on their listings, before the chunk is
        sent (eBay's offers do not change with the bulk call's outcome): written together, one UPDATE."""
        for listing, offers in learned.items():  # values in the cache only; the flush writes them at once
            listing._hub_write({"data": {**(listing.data or {}), "ebay_offers": offers}})
        self.env["integration.external.id"].flush_model(["data"])

    @api.model
    def _ebay_push_trading(self, channel, quantities):
        """``ReviseInventoryStatus``, 4 items a call: the item id (a variation's item and its SKU)."""
        client, Listing = self._client(channel), self.env["integration.external.id"]
        unknown = _(
            "no eBay item id known for this SKU (learned from an order line, or set on Listings and channel ids)"
        )
        listings, refused = Listing._to_push(channel, quantities, lambda skus: {}, unknown)
        items = {
            sku: (row.external_ref, sku) if row.external_ref else (row.external_id, "") for sku, row in listings.items()
        }
        skus, sent = sorted(items), []
        site = E.SITE_IDS.get(channel.ebay_marketplace or "EBAY_ES", "186")
        for start in range(0, len(skus), E.TRADING_LIMIT):
            chunk = skus[start : start + E.TRADING_LIMIT]
            body = E.revise_inventory_status([(*items[sku], quantities[sku]) for sku in chunk])
            answer = client.trading("ReviseInventoryStatus", body, site)
            revised = set(answer["revised"])
            errors = [e for e in answer["errors"] if e["severity"] != "Warning"]
            for sku in chunk:
                item_id, variation_sku = items[sku]
                if answer["ack"] in ("Success", "Warning") or (item_id, variation_sku) in revised:
                    sent.append(sku)
                    continue
                mine = [e for e in errors if item_id in e["params"] or sku in e["params"]] or errors
                refused[sku] = "; ".join(f"{e['code']}: {e['message']}" for e in mine) or answer["ack"]
        Listing._record_pushed(Listing.concat(*(listings[sku] for sku in sent)), quantities)
        return Delivered(_("%s quantities published", len(sent)), refused)

    # --- out: shipments ------------------------------------------------------------------------
    @api.model
    def _push_fulfillment(self, job):
        """One ``shipping_fulfillment`` per package: its line items, the carrier code and the tracking number.

        The order's fulfillments are read first (getShippingFulfillments): one with this tracking number is an
        earlier post whose answer was lost, remembered instead of posted again."""
        channel, payload = job.channel_id, job._payload()
        Shipment = self.env["integration.external.id"]
        if Shipment._of(channel, "shipment", hub_reference=payload["shipment_key"]):
            return _("already sent")  # a retried job never creates a second fulfillment
        tracking = payload.get("tracking") or {}
        if not (tracking.get("number") and tracking.get("company")):
            raise PermanentError(_("eBay takes a shipment only with its carrier and tracking number together"))
        shipped_at = fields.Datetime.from_string(payload.get("shipped_at")) or fields.Datetime.now()
        body = {
            "lineItems": [
                {"lineItemId": line["line_id"], "quantity": int(line["quantity"])} for line in payload["lines"]
            ],
            "shippedDate": E.iso(shipped_at),
            "shippingCarrierCode": E.carrier_code(tracking["company"]),
            "trackingNumber": tracking["number"],
        }
        order_id = payload["order_external_id"]
        client = self._client(channel)
        path = f"/sell/fulfillment/v1/order/{order_id}/shipping_fulfillment"
        # a post whose answer was lost (timeout) may have created it: the order's fulfillments say so
        earlier = client.json("GET", path, "getShippingFulfillments").get("fulfillments") or []
        number = _tracking_key(tracking["number"])
        found = [f for f in earlier if _tracking_key(f.get("shipmentTrackingNumber")) == number]
        if found:
            fulfillment_id = found[0].get("fulfillmentId") or ""
        else:
            response = client.request("POST", path, "shipping_fulfillment", json=body)
            fulfillment_id = (response.headers.get("Location") or "").rstrip("/").rsplit("/", 1)[-1]
        Shipment._remember(
            channel,
            "shipment",
            f"{order_id}/{fulfillment_id or payload['shipment_key']}",
            hub_reference=payload["shipment_key"],
            order_id=payload["order_id"],
        )
        return _(
            "fulfillment %(id)s: %(carrier)s %(number)s",
            id=fulfillment_id,
            carrier=body["shippingCarrierCode"],
            number=tracking["number"],
        )

    # --- administration ------------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        answer = self._client(channel).json("GET", "/sell/fulfillment/v1/order", "getOrders", params={"limit": 1})
        return _("eBay answers: %s orders in the last 90 days.", answer.get("total", 0))


def _tracking_key(number):
    """A tracking number as compared: no spaces, upper case ("pq 123" is "PQ123")."""
    return "".join(str(number or "").split()).upper()
