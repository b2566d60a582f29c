import json
import re
import secrets
from collections import defaultdict

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Delivered
from odoo.addons.integration_hub.lib.errors import PermanentError, SignatureError
from odoo.addons.integration_hub.lib.poll import PollPage, since, time_cursor
from odoo.addons.integration_hub.lib.webhook import WebhookEnvelope, header, headers_to_keep, hmac_matches

from ..lib import woocommerce as W

PING = re.compile(rb"^webhook_id=\d+$")  # sent unsigned when a webhook is created or activated
TRACKING_API = "/wp-json/wc-shipment-tracking/v3/orders/{order}/shipment-trackings"


class IntegrationAdapterWoocommerce(models.AbstractModel):
    """WooCommerce: signed webhooks and a modified-since poll in, REST v3 out. Maps and talks only."""

    _name = "integration.adapter.woocommerce"
    _inherit = "integration.adapter"
    _description = "WooCommerce adapter"

    # in: webhooks, orders and refunds polled; out: stock batches, fulfillment and tracking
    _capabilities = frozenset(
        (C.WEBHOOKS, C.POLL_ORDERS, C.POLL_RETURNS, C.RETURNS_IN, C.CATALOG, C.INVENTORY, C.FULFILLMENT, C.TRACKING)
        + (C.CONNECTION_TEST, C.WEBHOOK_REGISTRATION)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = [] if channel.woocommerce_store_url else [_("no store URL")]
        if capability == C.WEBHOOKS:
            secret = channel._get_secret("webhook_secret")
            return problems + ([] if secret else [_("no webhook signing secret ('Register webhooks' sets one)")])
        if not (channel._get_secret("woocommerce_consumer_key") and channel._get_secret("woocommerce_consumer_secret")):
            problems.append(_("no REST API consumer key and secret"))
        return problems

    @api.model
    def _client(self, channel):
        key, secret = (
            channel._get_secret("woocommerce_consumer_key"),
            channel._get_secret("woocommerce_consumer_secret"),
        )
        if not (channel.woocommerce_store_url and key and secret):
            raise PermanentError(_("WooCommerce channel '%s' needs its store URL and REST API keys.", channel.name))
        return W.WooClient(channel.woocommerce_store_url, key, secret)

    # --- in ---------------------------------------------------------------------------------
    @api.model
    def _verify_webhook(self, channel, headers, body):
        signature = header(headers, "X-WC-Webhook-Signature")
        if not signature and PING.match(body.strip()):
            return WebhookEnvelope(idempotency_key="", ping=True)
        if not hmac_matches(channel._get_secret("webhook_secret"), body, signature):
            raise SignatureError("missing or invalid X-WC-Webhook-Signature")
        source = header(headers, "X-WC-Webhook-Source").rstrip("/")
        if source and source != (channel.woocommerce_store_url or "").rstrip("/"):
            raise SignatureError(f"X-WC-Webhook-Source '{source}' is not this channel's store")
        topic = header(headers, "X-WC-Webhook-Topic")
        return WebhookEnvelope(
            idempotency_key=f"{topic}:{W.webhook_key(lambda name: header(headers, name), body)}",
            event_type=topic or None,
            kept_headers=headers_to_keep(dict(headers)),
        )

    @api.model
    def _normalize_event(self, event, payload):
        if event.event_type == "refund":  # read by the returns poll
            return W.refund_document(payload.get("order_id"), payload)
        if event.event_type == "order.deleted":
            return "order.cancelled", {"id": str(payload.get("id")), "cancel_reason": "order deleted in WooCommerce"}
        if event.event_type not in W.WEBHOOK_TOPICS:
            raise PermanentError(_("WooCommerce topic '%s' is not handled by the hub.", event.event_type))
        return W.order_document(payload)

    @api.model
    def _poll(self, channel, stream, cursor):
        """Orders (or the refunds of orders) modified since the cursor, a page per call.

        ``orderby`` cannot be the modification date: the window's start stays fixed while its pages are
        read, and the next window starts at the newest modification seen, re-read with an overlap.
        """
        state = json.loads(cursor) if (cursor or "").startswith("{") else {"since": cursor}
        start = since(state["since"], fields.Datetime.now())
        params = {"modified_after": start.isoformat(), "dates_are_gmt": "true", "orderby": "date", "order": "asc"}
        if stream == "orders":
            params["status"] = W.POLLED_STATUSES
        client, number = self._client(channel), state.get("page") or 1
        orders, more = next(client.pages("orders", f"{stream} poll", params, first=number, limit=1))
        newest = max([state.get("newest") or time_cursor(start)] + [o["date_modified_gmt"] for o in orders])
        page = PollPage(more=more)
        for order in orders:
            if stream == "orders":
                page.messages.append((f"order:{order['id']}:{order['date_modified_gmt']}", "order.updated", order))
            elif order.get("refunds"):
                for refund in client.json("GET", f"orders/{order['id']}/refunds", "Refunds"):
                    page.messages.append((f"refund:{refund['id']}", "refund", {**refund, "order_id": order["id"]}))
        page.cursor = json.dumps({**state, "page": number + 1, "newest": newest}) if more else newest
        return page

    @api.model
    def _fetch_listings(self, channel):
        """Every product, and the variations of variable products (their parent is the second id)."""
        client, items = self._client(channel), []
        for products, _more in client.pages("products", "Catalog"):
            for product in products:
                if product.get("type") != "variable":
                    items.append(
                        {"external_id": str(product["id"]), "sku": product.get("sku"), "name": product["name"]}
                    )
                    continue
                for variations, _more in client.pages(f"products/{product['id']}/variations", "Variations"):
                    items += [
                        {
                            "external_id": str(v["id"]),
                            "external_ref": str(product["id"]),
                            "sku": v.get("sku"),
                            "name": product["name"],
                        }
                        for v in variations
                    ]
        return items

    # --- out --------------------------------------------------------------------------------
    @api.model
    def _push_inventory(self, job):
        """{sku: quantity} by batches of 100 (products, or each variable product's variations)."""
        channel, quantities = job.channel_id, {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        client, Listing = self._client(channel), self.env["integration.external.id"]
        unknown = _("no WooCommerce product has this SKU (a variation is known from an order line or Import listings)")
        listings, refused = Listing._to_push(channel, quantities, lambda skus: self._products(client, skus), unknown)
        batches, sent = defaultdict(list), []
        for sku, row in listings.items():
            batches[f"products/{row.external_ref}/variations/batch" if row.external_ref else "products/batch"].append(
                sku
            )
        for path, skus in batches.items():
            for start in range(0, len(skus), W.BATCH_SIZE):
                chunk = skus[start : start + W.BATCH_SIZE]
                update = [
                    {"id": int(listings[sku].external_id), "manage_stock": True, "stock_quantity": int(quantities[sku])}
                    for sku in chunk
                ]
                answer = client.json("POST", path, "Stock batch", {"update": update})
                errors = {
                    str(item.get("id")): item["error"] for item in answer.get("update") or [] if item.get("error")
                }
                for sku in chunk:  # per-item errors come back inside the 200 answer
                    error = errors.get(listings[sku].external_id)
                    if error:
                        refused[sku] = error.get("message") or error.get("code")
                    else:
                        sent.append(sku)
        Listing._record_pushed(Listing.concat(*(listings[sku] for sku in sent)), quantities)
        return Delivered(_("%s quantities published", len(sent)), refused)

    @api.model
    def _products(self, client, skus):
        """{sku: item} of the simple products with these SKUs (GET /products?sku=, one SKU per call)."""
        found = {}
        for sku in skus:
            for product in client.json("GET", "products", "SKU lookup", params={"sku": sku})[:1]:
                found[sku] = {"external_id": str(product["id"]), "name": product.get("name")}
        return found

    @api.model
    def _push_fulfillment(self, job):
        """The tracking (Shipment Tracking when the shop has it, else a customer note), then ``completed``."""
        channel, payload = job.channel_id, job._payload()
        client, Shipment = self._client(channel), self.env["integration.external.id"]
        if not Shipment._of(channel, "shipment", hub_reference=payload["shipment_key"]):  # never twice on a retry
            reference = self._send_tracking(client, channel, payload["order_external_id"], payload.get("tracking"))
            Shipment._remember(
                channel, "shipment", reference, hub_reference=payload["shipment_key"], order_id=payload["order_id"]
            )
        if payload.get("order_complete", True):  # core WooCommerce has no partial shipment: the last one completes
            client.json("PUT", f"orders/{payload['order_external_id']}", "Complete order", {"status": "completed"})
        return _("shipped with tracking %s", (payload.get("tracking") or {}).get("number"))

    @api.model
    def _push_tracking(self, job):
        payload = job._payload()
        client = self._client(job.channel_id)
        self._send_tracking(client, job.channel_id, payload["order_external_id"], payload.get("tracking"))
        return _("tracking %s sent", (payload.get("tracking") or {}).get("number"))

    @api.model
    def _send_tracking(self, client, channel, order_id, tracking):
        """The tracking on the order; returns its id in WooCommerce (tracking item or note)."""
        tracking, base = tracking or {}, channel.woocommerce_store_url.rstrip("/") + TRACKING_API.format(order=order_id)
        if not channel.woocommerce_tracking:  # detected once per shop: the extension answers, or there is no route
            providers = client.request("GET", f"{base}/providers", "Detect Shipment Tracking", accept=(404,))
            channel.sudo().woocommerce_tracking = "note" if providers.status_code == 404 else "shipment_tracking"
        if channel.woocommerce_tracking == "shipment_tracking":
            item = {
                "custom_tracking_provider": tracking.get("company") or "",
                "tracking_number": tracking.get("number"),
                "custom_tracking_link": tracking.get("url") or "",
                "date_shipped": fields.Date.today().isoformat(),
            }
            return str(client.json("POST", base, "Shipment tracking", item)["tracking_id"])
        text = _(
            "Shipped with %(carrier)s, tracking number %(number)s %(url)s",
            carrier=tracking.get("company") or "",
            number=tracking.get("number"),
            url=tracking.get("url") or "",
        )
        note = {"note": text.strip(), "customer_note": True}  # WooCommerce e-mails it to the customer
        return str(client.json("POST", f"orders/{order_id}/notes", "Tracking note", note)["id"])

    # --- administration ---------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        response = self._client(channel).request("GET", "orders", "Connection test", params={"per_page": 1})
        return _(
            "%(url)s answers: %(count)s orders.",
            url=channel.woocommerce_store_url,
            count=response.headers.get("X-WP-Total"),
        )

    @api.model
    def _webhook_topics(self, channel):
        return list(W.WEBHOOK_TOPICS)

    @api.model
    def _webhook_subscriptions(self, channel):
        subscriptions = []
        for hooks, _more in self._client(channel).pages("webhooks", "Webhooks"):
            subscriptions += [
                {
                    "id": h["id"],
                    "topic": h.get("topic"),
                    "url": h.get("delivery_url"),
                    "active": h.get("status") == "active",
                }
                for h in hooks
            ]
        return subscriptions

    @api.model
    def _subscribe_webhook(self, channel, topic, url, existing=None):
        if not channel._get_secret("webhook_secret"):
            channel.webhook_secret = secrets.token_urlsafe(32)  # set through the channel: audited
        hook = {"delivery_url": url, "secret": channel._get_secret("webhook_secret"), "status": "active"}
        client = self._client(channel)
        if existing:  # re-activated (WooCommerce disables a webhook after 5 failed deliveries) or repointed
            client.json("PUT", f"webhooks/{existing['id']}", f"Repair webhook {topic}", hook)
        else:
            client.json(
                "POST",
                "webhooks",
                f"Create webhook {topic}",
                {**hook, "name": f"Integration Hub {topic}", "topic": topic},
            )
