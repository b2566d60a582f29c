import hashlib
import json
import logging
import uuid
from datetime import UTC, timedelta

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Delivered
from odoo.addons.integration_hub.lib.errors import PayloadError, PermanentError, RetryableError, SignatureError
from odoo.addons.integration_hub.lib.order_payload import parse_timestamp
from odoo.addons.integration_hub.lib.poll import PollPage, since, time_cursor
from odoo.addons.integration_hub.lib.webhook import WebhookEnvelope, header, headers_to_keep, hmac_matches

from ..lib import shopify_graphql as Q
from ..lib import shopify_mapping as M
from ..lib.shopify_client import ShopifyClient, UserErrors

_logger = logging.getLogger(__name__)

INVENTORY_BATCH = 250  # Shopify accepts at most 250 quantities per inventorySetQuantities call
SKU_LOOKUP_BATCH = 50  # SKUs per productVariants search query
ORDER_PAGE_SIZE = 250
MAX_ORDERS_PER_POLL = 1000  # one poll page at most; the next page starts at the newest order read
OPEN_FULFILLMENT_ORDER_STATES = {"OPEN", "IN_PROGRESS"}
# Fulfillment orders still to be worked on somewhere (a closed or cancelled one only tells the past).
LIVE_FULFILLMENT_ORDER_STATES = {"OPEN", "IN_PROGRESS", "SCHEDULED", "ON_HOLD", "INCOMPLETE"}


def _version_at_least(version, minimum):
    return (version or "") >= minimum


def _shop(channel):
    return (channel.shopify_shop_domain or "").strip().lower()


class IntegrationAdapterShopify(models.AbstractModel):
    """Shopify: signed webhooks in, GraphQL Admin API out. Maps and talks; the hub owns the rest."""

    _name = "integration.adapter.shopify"
    _inherit = "integration.adapter"
    _description = "Shopify adapter"

    # in: webhooks, the order poll, refunds; out: inventory, fulfillment, tracking, status tags
    _capabilities = frozenset(
        (C.WEBHOOKS, C.POLL_ORDERS, C.RETURNS_IN, C.CATALOG, C.INVENTORY, C.FULFILLMENT, C.TRACKING, C.ORDER_STATUS)
        + (C.CONNECTION_TEST, C.WEBHOOK_REGISTRATION)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = [] if _shop(channel) else [_("no shop domain")]
        if capability == C.WEBHOOKS:
            return problems + ([] if channel._get_secret("shopify_client_secret") else [_("no app client secret")])
        if not channel._get_secret("shopify_access_token"):
            problems.append(_("no Admin API access token"))
        if capability == C.INVENTORY and not channel.shopify_location_ids:
            problems.append(_("no Shopify location mapped to the warehouse"))
        return problems

    @api.model
    def _client(self, channel):
        token = channel._get_secret("shopify_access_token")
        if not _shop(channel) or not token:
            raise PermanentError(
                _("Shopify channel '%s' needs its shop domain and Admin API access token.", channel.name)
            )
        return ShopifyClient(_shop(channel), token, channel.shopify_api_version)

    # --- webhooks ---------------------------------------------------------
    @api.model
    def _verify_webhook(self, channel, headers, body):
        secret = channel._get_secret("shopify_client_secret")
        if not hmac_matches(secret, body, header(headers, "X-Shopify-Hmac-Sha256")):
            raise SignatureError("missing or invalid X-Shopify-Hmac-Sha256")
        shop = header(headers, "X-Shopify-Shop-Domain").lower()
        if not shop or shop != _shop(channel):
            raise SignatureError(f"X-Shopify-Shop-Domain '{shop}' is not this channel's shop")
        topic = header(headers, "X-Shopify-Topic")
        # The event id is the same on every retry of one event: the dedupe key.
        event_id = header(headers, "X-Shopify-Event-Id") or header(headers, "X-Shopify-Webhook-Id")
        event_id = event_id or "body-" + hashlib.sha256(body).hexdigest()
        try:
            moment = parse_timestamp(header(headers, "X-Shopify-Triggered-At"), "X-Shopify-Triggered-At")
        except PayloadError:
            moment = None
        return WebhookEnvelope(
            idempotency_key=f"{topic or 'unknown'}:{event_id}",
            event_type=topic or None,
            source_timestamp=moment.replace(tzinfo=UTC).timestamp() if moment else None,
            kept_headers=headers_to_keep(dict(headers)),
        )

    @api.model
    def _normalize_event(self, event, payload):
        topic, channel = event.event_type, event.channel_id
        hub_type = M.TOPIC_TO_HUB_TYPE.get(topic)
        if not hub_type:
            raise PermanentError(
                _("Shopify topic '%s' is not handled by the hub; unsubscribe it or ignore this event.", topic)
            )
        if hub_type == "return.created":
            return M.refund_document(payload)
        if hub_type == "inventory.reported":  # by inventory item: the hub finds the listing
            item = M.gid("InventoryItem", payload.get("inventory_item_id"))
            return hub_type, {"external_ref": item, "quantity": payload.get("available") or 0}
        if hub_type == "channel.revoked":
            return hub_type, {"reason": _("Shopify reported app/uninstalled for %s.", _shop(channel))}
        order = payload
        if topic == "orders/edited":
            edit = payload.get("order_edit") or {}
            if not edit.get("order_id"):
                raise PayloadError("orders/edited without order_edit.order_id")
            order = self._fetch_order(channel, edit["order_id"])
        if M.is_cancelled(order):
            hub_type = "order.cancelled"
        assignments = None if hub_type == "order.cancelled" else self._fulfillment_assignments(channel, order.get("id"))
        data = M.to_generic_order(order, assignments)
        if not data.get("updated_at") and event.source_timestamp:
            data["updated_at"] = event.source_timestamp.replace(tzinfo=UTC).isoformat()
        return hub_type, data

    # --- reads ------------------------------------------------------------
    @api.model
    def _locations(self, channel):
        return {
            gid if gid.startswith("gid://") else M.gid("Location", gid)
            for gid in channel.shopify_location_ids.mapped("external_id")
        }

    @api.model
    def _fulfillment_orders(self, channel, order_id):
        """The order's fulfillment orders and fulfillments (one query), or None when Shopify has no such order."""
        data = self._client(channel).execute(
            Q.FULFILLMENT_ORDERS, {"id": M.gid("Order", order_id)}, "Fulfillment orders"
        )
        return data.get("order")

    @api.model
    def _fulfillment_assignments(self, channel, order_id):
        """{line item id: '' if ours, else who fulfils it}: which lines this warehouse ships.

        A line is the warehouse's when its fulfillment order is assigned to one of the channel's mapped
        Shopify locations; a line assigned to another location or a fulfillment service (e.g. a
        print-on-demand app) is shown as fulfilled elsewhere, never picked. Live fulfillment orders
        decide; a line whose fulfillment orders are all closed goes by those. None when the channel maps
        no location or Shopify does not know the order (the payload's ``fulfillment_service`` then decides).
        """
        ours = self._locations(channel)
        if not ours or not order_id:
            return None
        try:
            remote = self._fulfillment_orders(channel, order_id)
        except PermanentError:
            return None
        if not remote:
            return None
        live, past = {}, {}
        for fulfillment_order in (remote.get("fulfillmentOrders") or {}).get("nodes") or []:
            if fulfillment_order.get("status") == "CANCELLED":
                continue
            assigned = fulfillment_order.get("assignedLocation") or {}
            location = (assigned.get("location") or {}).get("id")
            who = "" if location in ours else (assigned.get("name") or location or _("another location"))
            bucket = live if fulfillment_order.get("status") in LIVE_FULFILLMENT_ORDER_STATES else past
            for item in (fulfillment_order.get("lineItems") or {}).get("nodes") or []:
                line_id = M.legacy_id((item.get("lineItem") or {}).get("id"))
                # a line split between our location and another is ours (we ship our part)
                bucket[line_id] = "" if who == "" or bucket.get(line_id) == "" else who
        return {**past, **live}

    @api.model
    def _fetch_order(self, channel, order_id):
        client = self._client(channel)
        data = client.execute(Q.ORDER, {"id": M.gid("Order", order_id)}, "Order query")
        if not data.get("order"):
            raise PermanentError(_("Shopify order %s was not found", order_id))
        if not self._complete_line_items(client, data["order"]):
            # never a truncated line list: the missing lines would read as cancelled
            raise RetryableError(f"Shopify order {order_id}: could not read all its line items")
        return M.rest_order_from_graphql(data["order"])

    @api.model
    def _complete_line_items(self, client, node):
        """Read the line items after the first page into ``node``; False if the list stays incomplete."""
        connection = node.get("lineItems") or {}
        page = connection.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return True
        if not page.get("endCursor"):
            return False
        path, size = ["order", "lineItems"], Q.LINE_ITEMS_PAGE
        more = list(
            client.paginate(Q.ORDER_LINES, {"id": node["id"]}, path, size, what="Lines", after=page["endCursor"])
        )
        if not more:  # the order vanished meanwhile
            return False
        node["lineItems"] = {"nodes": list(connection.get("nodes") or []) + more, "pageInfo": {"hasNextPage": False}}
        return True

    @api.model
    def _poll(self, channel, stream, cursor):
        """Orders updated since the cursor (a time; the first poll reads the last days), oldest first.

        Same order version = same key: a poll, a re-poll and the webhook of one version collapse.
        """
        start = since(cursor, fields.Datetime.now(), overlap=timedelta(0))  # updated_at >= cursor: the overlap
        client, page = self._client(channel), PollPage(cursor=cursor)
        query = f"updated_at:>='{start.strftime('%Y-%m-%dT%H:%M:%SZ')}'"
        newest = start
        for node in client.paginate(
            Q.ORDERS, {"query": query}, ["orders"], page_size=ORDER_PAGE_SIZE, what="Orders poll"
        ):
            if not self._complete_line_items(client, node):
                # diffed with lines missing, the order would lose them; its webhook carries them all
                _logger.warning(
                    "Shopify poll of channel %s: skipped order %s (line items incomplete)", channel.code, node.get("id")
                )
                continue
            order = M.rest_order_from_graphql(node)
            page.messages.append((f"order:{order['id']}:{order['updated_at']}", "orders/updated", order))
            newest = max(newest, parse_timestamp(order["updated_at"], "updatedAt") or newest)
            if len(page.messages) >= MAX_ORDERS_PER_POLL:
                page.more = True
                break
        page.cursor = time_cursor(newest)
        return page

    @api.model
    def _fetch_listings(self, channel):
        nodes = self._client(channel).paginate(Q.VARIANTS, {"query": None}, ["productVariants"], what="Catalog")
        return [self._listing(node) for node in nodes if node.get("id")]

    @staticmethod
    def _listing(node):
        item = (node.get("inventoryItem") or {}).get("id")
        return {
            "external_id": M.legacy_id(node["id"]),
            "external_ref": item,
            "sku": node.get("sku"),
            "name": node.get("displayName"),
        }

    @api.model
    def _test_connection(self, channel):
        shop = self._client(channel).execute(Q.SHOP, what="Shop query").get("shop") or {}
        text = _("Shop '%(name)s' (%(domain)s), API %(version)s.")
        return text % {
            "name": shop.get("name"),
            "domain": shop.get("myshopifyDomain"),
            "version": channel.shopify_api_version,
        }

    @api.model
    def _webhook_topics(self, channel):
        return list(M.WEBHOOK_TOPICS)

    @api.model
    def _webhook_subscriptions(self, channel):
        topics = {topic.upper().replace("/", "_"): topic for topic in M.WEBHOOK_TOPICS}  # ORDERS_CREATE
        nodes = self._client(channel).paginate(Q.WEBHOOKS, {}, ["webhookSubscriptions"], page_size=100, what="Webhooks")
        return [
            {"id": n["id"], "topic": topics.get(n.get("topic"), n.get("topic")), "url": n.get("uri")} for n in nodes
        ]

    @api.model
    def _subscribe_webhook(self, channel, topic, url, existing=None):
        client, sub = self._client(channel), {"uri": url, "format": "JSON"}
        if existing:
            client.mutate(Q.WEBHOOK_UPDATE, {"id": existing["id"], "sub": sub}, "webhookSubscriptionUpdate", topic)
        else:
            variables = {"topic": topic.upper().replace("/", "_"), "sub": sub}
            client.mutate(Q.WEBHOOK_CREATE, variables, "webhookSubscriptionCreate", topic)

    # --- outbound: inventory ------------------------------------------------
    @api.model
    def _push_inventory(self, job):
        """Publish {sku: quantity} as absolute 'available' quantities at the warehouse's location."""
        channel, quantities = job.channel_id, {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        location = channel.shopify_location_ids.filtered(lambda row: row.warehouse_id == channel.warehouse_id)[:1]
        if not location:
            raise PermanentError(_("Channel '%s' maps no Shopify location to its warehouse.", channel.name))
        client, unknown = self._client(channel), _("no Shopify product variant has this SKU")
        Listing, lookup = self.env["integration.external.id"], lambda skus: self._variants(client, skus)
        listings, refused = Listing._to_push(channel, quantities, lookup, unknown, "external_ref")
        skus, location_gid = sorted(listings), M.gid("Location", location.external_id)
        for start in range(0, len(skus), INVENTORY_BATCH):
            batch = skus[start : start + INVENTORY_BATCH]
            self._set_quantities(client, job, location_gid, batch, quantities, listings, refused)
        return Delivered(_("%s quantities published", len([sku for sku in skus if sku not in refused])), refused)

    @api.model
    def _variants(self, client, skus):
        """{sku: listing item} of the product variants with these SKUs (productVariants search)."""
        found = {}
        for start in range(0, len(skus), SKU_LOOKUP_BATCH):
            chunk = skus[start : start + SKU_LOOKUP_BATCH]
            search = " OR ".join(f"sku:{json.dumps(sku)}" for sku in chunk)
            for node in client.paginate(
                Q.VARIANTS, {"query": search}, ["productVariants"], page_size=SKU_LOOKUP_BATCH, what="SKU lookup"
            ):
                if node.get("sku") in chunk and node.get("inventoryItem"):
                    found.setdefault(node["sku"], self._listing(node))
        return found

    @api.model
    def _set_quantities(self, client, job, location_gid, batch, quantities, listings, refused):
        version, Listing = job.channel_id.shopify_api_version, self.env["integration.external.id"]
        with_key = _version_at_least(version, "2026-01")
        key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{job.channel_id.id}:{job.idempotency_key}:{batch[0]}:{len(batch)}"))
        mutation = Q.INVENTORY_SET_KEYED if with_key else Q.INVENTORY_SET
        for _attempt in range(2):  # once more without the SKUs Shopify rejected
            todo = [sku for sku in batch if sku not in refused]
            if not todo:
                return
            item = {"locationId": location_gid}
            rows = [
                {**item, "inventoryItemId": listings[sku].external_ref, "quantity": int(quantities[sku])}
                for sku in todo
            ]
            payload = {"name": "available", "reason": "correction", "quantities": rows}
            payload["referenceDocumentUri"] = f"gid://integration-hub/Job/{job.id}"
            if _version_at_least(version, "2026-04"):
                for row in rows:
                    row["changeFromQuantity"] = None  # explicit opt-out: the warehouse is the source of truth
            else:
                payload["ignoreCompareQuantity"] = True  # the hub owns inventory: absolute values
            variables = {"input": payload, **({"key": key} if with_key else {})}
            try:
                client.mutate(mutation, variables, "inventorySetQuantities", "Publish inventory")
            except UserErrors as error:
                named = self._skus_of_user_errors(error.errors, todo)
                if not named:
                    raise
                refused.update(named)
                rows = Listing.concat(*(listings[sku] for sku in named))
                rows._hub_write({"external_ref": False})  # resolved again next time (the item may be recreated)
                continue
            Listing._record_pushed(Listing.concat(*(listings[sku] for sku in todo)), quantities)
            return

    @staticmethod
    def _skus_of_user_errors(errors, batch):
        named = {}
        for error in errors:
            index = next((int(part) for part in error.get("field") or [] if str(part).isdigit()), None)
            if index is not None and index < len(batch):
                named[batch[index]] = error.get("message") or error.get("code") or "rejected"
        return named

    # --- outbound: fulfillment, tracking, status -----------------------------
    @api.model
    def _push_fulfillment(self, job):
        """One fulfillmentCreate per fulfillment order of ours that the shipment covers.

        Shopify takes one location's fulfillment orders per fulfillment, and only the fulfillment
        orders assigned to the channel's mapped locations are the warehouse's: a line another location
        or a fulfillment service ships is never fulfilled from here. Each fulfillment is recorded per
        (shipment, fulfillment order), so a retried job never creates one twice.
        """
        channel, payload = job.channel_id, job._payload()
        Fulfillment, key = self.env["integration.external.id"], payload["shipment_key"]
        recorded = Fulfillment._of(channel, "fulfillment", hub_reference=key)
        if recorded and not all(recorded.mapped("external_ref")):
            return _("already fulfilled")  # recorded from Shopify's fulfillments, not per fulfillment order
        tracking = payload.get("tracking") or {}
        remote = self._fulfillment_orders(channel, payload["order_external_id"])
        if not remote:
            raise PermanentError(_("Shopify order %s was not found", payload["order_external_id"]))
        ours = self._locations(channel)

        def record(fulfillment, fulfillment_order_gid):
            values = {"external_ref": fulfillment_order_gid, "order_id": payload["order_id"]}
            return Fulfillment._remember(channel, "fulfillment", fulfillment["id"], **values, hub_reference=key)

        done = set(recorded.mapped("external_ref"))
        wanted = {str(line["line_id"]): int(line["quantity"]) for line in payload["lines"] if line["quantity"] > 0}
        by_fulfillment_order = {}
        for fulfillment_order in (remote.get("fulfillmentOrders") or {}).get("nodes") or []:
            location = ((fulfillment_order.get("assignedLocation") or {}).get("location") or {}).get("id")
            if fulfillment_order.get("status") not in OPEN_FULFILLMENT_ORDER_STATES or (ours and location not in ours):
                continue
            if fulfillment_order["id"] in done:
                continue
            for item in (fulfillment_order.get("lineItems") or {}).get("nodes") or []:
                line_id = M.legacy_id(item["lineItem"]["id"])
                take = min(wanted.get(line_id, 0), item.get("remainingQuantity") or 0)
                if take > 0:
                    wanted[line_id] -= take
                    by_fulfillment_order.setdefault(fulfillment_order["id"], []).append(
                        {"id": item["id"], "quantity": take}
                    )
        short = {line_id: qty for line_id, qty in wanted.items() if qty > 0}
        # A previous attempt may have created a fulfillment and lost the answer: never a second one.
        earlier = [
            f
            for f in remote.get("fulfillments") or []
            if f.get("status") != "CANCELLED"
            and tracking.get("number") in {info.get("number") for info in f.get("trackingInfo") or []}
        ]
        if not by_fulfillment_order and (earlier or done):
            if earlier and not recorded:
                record(earlier[0], "")
            return _("already fulfilled in Shopify")
        if short and not earlier:
            raise PermanentError(
                _(
                    "Shopify has nothing left to fulfil for line(s) %(lines)s of order %(order)s (already "
                    "fulfilled, cancelled, on hold or assigned to another location in Shopify).",
                    lines=", ".join(f"{line_id} x {qty}" for line_id, qty in short.items()),
                    order=payload["order_external_id"],
                )
            )
        client, info = (
            self._client(channel),
            {k: tracking.get(k) for k in ("company", "number", "url") if tracking.get(k)},
        )
        for fulfillment_order_gid, items in by_fulfillment_order.items():
            group = {"fulfillmentOrderId": fulfillment_order_gid, "fulfillmentOrderLineItems": items}
            fulfillment = {"lineItemsByFulfillmentOrder": [group], "trackingInfo": info}
            fulfillment["notifyCustomer"] = bool(channel.shopify_notify_customer)
            result = client.mutate(Q.FULFILLMENT_CREATE, {"fulfillment": fulfillment}, "fulfillmentCreate", "Fulfil")
            record(result["fulfillment"], fulfillment_order_gid)
        note = _("Shopify fulfillment created with tracking %(tracking)s (%(count)s fulfillment order(s)).")
        order = self.env["integration.channel.order"].browse(payload["order_id"])
        order._hub_note(note % {"tracking": tracking.get("number"), "count": len(by_fulfillment_order)})
        return _("fulfillment created")

    @api.model
    def _push_tracking(self, job):
        channel, payload = job.channel_id, job._payload()
        fulfillments = self.env["integration.external.id"]._of(
            channel, "fulfillment", hub_reference=payload["shipment_key"]
        )
        if not fulfillments:
            # the fulfillment job of this shipment has not gone out yet: try again later
            raise RetryableError(_("the shipment's fulfillment is not created in Shopify yet"))
        tracking, client = payload.get("tracking") or {}, self._client(channel)
        for fulfillment in fulfillments:  # one per fulfillment order of the shipment
            variables = {
                "id": fulfillment.external_id,
                "tracking": {key: tracking.get(key) for key in ("company", "number", "url") if tracking.get(key)},
                "notify": bool(channel.shopify_notify_customer),
            }
            client.mutate(Q.TRACKING_UPDATE, variables, "fulfillmentTrackingInfoUpdate", "Update tracking")
        return _("tracking updated")

    @api.model
    def _push_order_status(self, job):
        """Order status back to Shopify, where the channel owns the order: a tag the merchant sees."""
        payload = job._payload()
        tags = [f"{M.HUB_TAG_PREFIX}{payload.get('status') or 'updated'}".replace("_", "-")]
        variables = {"id": M.gid("Order", payload["order_id"]), "tags": tags}
        self._client(job.channel_id).mutate(Q.TAGS_ADD, variables, "tagsAdd", "Order status")
        return _("tagged %s", tags[0])
