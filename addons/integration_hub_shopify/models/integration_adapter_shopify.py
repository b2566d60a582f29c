import hashlib
import json
import logging
import uuid
from collections import defaultdict
from datetime import UTC, timedelta

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import json_document
from odoo.addons.integration_hub.lib.errors import PayloadError, PermanentError, RetryableError, SignatureError
from odoo.addons.integration_hub.lib.order_payload import parse_timestamp
from odoo.addons.integration_hub.lib.webhook import WebhookEnvelope, headers_to_keep

from ..lib import shopify_mapping as M
from ..lib.shopify_client import AccessRevoked, AuthError, ShopifyClient, UserErrors

_logger = logging.getLogger(__name__)

INVENTORY_BATCH = 250  # Shopify accepts at most 250 quantities per inventorySetQuantities call
SKU_LOOKUP_BATCH = 50  # SKUs per productVariants search query
ORDER_PAGE_SIZE = 250
# Line items read with each order. Every order of a page is priced at this many lines, so a
# larger first page would shrink the orders page to a handful (max query cost 1000); an order
# with more lines says so (pageInfo.hasNextPage) and the rest is read by cursor (LINE_ITEMS_PAGE).
LINE_ITEMS_PER_ORDER = 50
LINE_ITEMS_PAGE = 250  # the remaining line items of one order, per query
LINE_FIELDS = (
    "id title sku quantity currentQuantity variant { id } requiresShipping isGiftCard "
    "originalUnitPriceSet { shopMoney { amount } }"
)

ORDER_FIELDS = (
    (
        """
  id legacyResourceId name createdAt updatedAt cancelledAt cancelReason displayFinancialStatus
  email phone note tags
  customer { firstName lastName email phone }
  shippingAddress { name company address1 address2 zip city provinceCode countryCodeV2 phone }
  shippingLines(first: 5) { nodes { title code } }
  lineItems(first: LINES) { pageInfo { hasNextPage endCursor } nodes { LINE_FIELDS } }
"""
    )
    .replace("LINES", str(LINE_ITEMS_PER_ORDER))
    .replace("LINE_FIELDS", LINE_FIELDS)
)

ORDER_LINES_QUERY = (
    """
query HubOrderLines($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    lineItems(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { LINE_FIELDS }
    }
  }
}"""
).replace("LINE_FIELDS", LINE_FIELDS)

ORDERS_QUERY = (
    """
query HubOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ORDER_FIELDS }
  }
}"""
).replace("ORDER_FIELDS", ORDER_FIELDS)

ORDER_QUERY = "query HubOrder($id: ID!) { order(id: $id) { ORDER_FIELDS } }".replace("ORDER_FIELDS", ORDER_FIELDS)

SHOP_QUERY = "query HubShop { shop { name myshopifyDomain } }"

WEBHOOKS_QUERY = """
query HubWebhooks($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id topic uri }
  }
}"""

WEBHOOK_CREATE = """
mutation HubWebhookCreate($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}"""

WEBHOOK_UPDATE = """
mutation HubWebhookUpdate($id: ID!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionUpdate(id: $id, webhookSubscription: $sub) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}"""

VARIANTS_QUERY = """
query HubVariants($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { sku inventoryItem { id } }
  }
}"""

# %s: the @idempotent directive where the API version takes it
INVENTORY_SET = """
mutation HubInventorySet($input: InventorySetQuantitiesInput!%s) {
  inventorySetQuantities(input: $input)%s {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}"""

FULFILLMENT_ORDERS_QUERY = """
query HubFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 50) { id status trackingInfo { number company url } }
    fulfillmentOrders(first: 20) {
      nodes {
        id status assignedLocation { name location { id } }
        lineItems(first: 100) { nodes { id remainingQuantity lineItem { id } } }
      }
    }
  }
}"""

FULFILLMENT_CREATE = """
mutation HubFulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo { number company url } }
    userErrors { field message }
  }
}"""

TRACKING_UPDATE = """
mutation HubTrackingUpdate($id: ID!, $tracking: FulfillmentTrackingInput!, $notify: Boolean) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: $tracking, notifyCustomer: $notify) {
    fulfillment { id trackingInfo { number company url } }
    userErrors { field message }
  }
}"""

TAGS_ADD = """
mutation HubTagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}"""

OPEN_FULFILLMENT_ORDER_STATES = {"OPEN", "IN_PROGRESS"}
# Fulfillment orders still to be worked on somewhere (a closed or cancelled one only tells the past).
LIVE_FULFILLMENT_ORDER_STATES = {"OPEN", "IN_PROGRESS", "SCHEDULED", "ON_HOLD", "INCOMPLETE"}


def _header(headers, name):
    value = headers.get(name)
    if value is None and isinstance(headers, dict):
        lowered = {key.lower(): val for key, val in headers.items()}
        value = lowered.get(name.lower())
    return (value or "").strip()


def _version_at_least(version, minimum):
    return (version or "") >= minimum


class IntegrationAdapterShopify(models.AbstractModel):
    """Shopify: signed webhooks in, GraphQL Admin API out. Thin: the hub owns the rest."""

    _name = "integration.adapter.shopify"
    _inherit = "integration.adapter"
    _description = "Shopify adapter"

    _accepts_webhooks = True

    # --- the client -------------------------------------------------------
    @api.model
    def _client(self, channel, **kwargs):
        token = channel._get_secret("shopify_access_token")
        if not channel.shopify_shop_domain or not token:
            raise PermanentError(
                _("Shopify channel '%s' needs its shop domain and Admin API access token.", channel.name)
            )
        return ShopifyClient(channel.shopify_shop_domain, token, channel.shopify_api_version, **kwargs)

    # --- webhooks ---------------------------------------------------------
    @api.model
    def _verify_webhook(self, channel, headers, body):
        secret = channel._get_secret("shopify_client_secret")
        if not M.signature_matches(secret, body, _header(headers, "X-Shopify-Hmac-Sha256")):
            raise SignatureError("missing or invalid X-Shopify-Hmac-Sha256")
        shop = _header(headers, "X-Shopify-Shop-Domain").lower()
        if not shop or shop != (channel.shopify_shop_domain or "").lower():
            raise SignatureError(f"X-Shopify-Shop-Domain '{shop}' is not this channel's shop")
        topic = _header(headers, "X-Shopify-Topic")
        # The event id is the same on every retry of one event: the dedupe key.
        event_id = _header(headers, "X-Shopify-Event-Id") or _header(headers, "X-Shopify-Webhook-Id")
        if not event_id:
            event_id = "body-" + hashlib.sha256(body).hexdigest()
        triggered = None
        try:
            moment = parse_timestamp(_header(headers, "X-Shopify-Triggered-At"), "X-Shopify-Triggered-At")
            triggered = moment.replace(tzinfo=UTC).timestamp() if moment else None
        except PayloadError:
            triggered = None
        return WebhookEnvelope(
            idempotency_key=f"{topic or 'unknown'}:{event_id}",
            event_type=topic or None,
            source_timestamp=triggered,
            kept_headers=headers_to_keep(dict(headers)),
        )

    @api.model
    def _parse_webhook(self, channel, envelope, body):
        if not envelope.event_type:
            raise PayloadError("the webhook has no X-Shopify-Topic header")
        document = json_document.loads(body)
        if not isinstance(document, dict):
            raise PayloadError("the body must be a JSON object")
        return envelope.event_type, document

    @api.model
    def _normalize_event(self, event, payload):
        topic = event.event_type
        hub_type = M.TOPIC_TO_HUB_TYPE.get(topic)
        if not hub_type:
            raise PermanentError(
                _("Shopify topic '%s' is not handled by the hub; unsubscribe it or ignore this event.", topic)
            )
        if not hub_type.startswith("order."):
            return hub_type, payload
        order = payload
        if topic == "orders/edited":
            edit = payload.get("order_edit") or {}
            if not edit.get("order_id"):
                raise PayloadError("orders/edited without order_edit.order_id")
            order = self._fetch_order(event.channel_id, edit["order_id"])
        assignments = None
        if hub_type != "order.cancelled" and not (hub_type == "order.updated" and M.is_cancelled(order)):
            assignments = self._fulfillment_assignments(event.channel_id, order.get("id"))
        data = M.to_generic_order(order, assignments)
        if not data.get("updated_at") and event.source_timestamp:
            data["updated_at"] = event.source_timestamp.replace(tzinfo=UTC).isoformat()
        if hub_type == "order.updated" and M.is_cancelled(order):
            hub_type = "order.cancelled"
        return hub_type, data

    # --- reads ------------------------------------------------------------
    @api.model
    def _fulfillment_orders(self, channel, order_id):
        """The order's fulfillment orders and fulfillments (one query), or None when Shopify has no such order."""
        data = self._client(channel).execute(
            FULFILLMENT_ORDERS_QUERY, {"id": M.gid("Order", order_id)}, "Fulfillment orders"
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
        ours = {location._normalized_gid() for location in channel.shopify_location_ids}
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
    def _fetch_shop(self, channel):
        return self._client(channel).execute(SHOP_QUERY, what="Shop query").get("shop") or {}

    @api.model
    def _fetch_order(self, channel, order_id):
        client = self._client(channel)
        data = client.execute(ORDER_QUERY, {"id": M.gid("Order", order_id)}, "Order query")
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
        more = list(
            client.paginate(
                ORDER_LINES_QUERY,
                {"id": node["id"]},
                ["order", "lineItems"],
                page_size=LINE_ITEMS_PAGE,
                what="Order line items",
                after=page["endCursor"],
            )
        )
        if not more:  # the order vanished meanwhile
            return False
        node["lineItems"] = {"nodes": list(connection.get("nodes") or []) + more, "pageInfo": {"hasNextPage": False}}
        return True

    @api.model
    def _fetch_orders(self, channel, cursor):
        """Orders updated since ``cursor`` (naive UTC), oldest first: ([(key, topic, order)], new cursor).

        Never unbounded: without a cursor the poll starts ``RECONCILE_DAYS`` back (not the shop's history).
        """
        if not cursor:
            cursor = fields.Datetime.now() - timedelta(days=M.RECONCILE_DAYS)
        query = f"updated_at:>='{cursor.strftime('%Y-%m-%dT%H:%M:%SZ')}'"
        client = self._client(channel)
        messages, newest = [], cursor
        for node in client.paginate(
            ORDERS_QUERY, {"query": query}, ["orders"], page_size=ORDER_PAGE_SIZE, what="Orders poll"
        ):
            if not self._complete_line_items(client, node):
                # diffed with lines missing, the order would lose them; its webhook carries them all
                _logger.warning(
                    "Shopify poll of channel %s: skipped order %s, its line items could not be read whole",
                    channel.code,
                    node.get("legacyResourceId") or node.get("id"),
                )
                continue
            order = M.rest_order_from_graphql(node)
            # Same order version = same key: a poll and a re-poll collapse in the inbox.
            messages.append((f"order:{order['id']}:{order['updated_at']}", "orders/updated", order))
            updated = parse_timestamp(order["updated_at"], "updatedAt")
            if updated and (not newest or updated > newest):
                newest = updated
        return messages, newest

    @api.model
    def _register_webhooks(self, channel):
        """Create or repair one subscription per topic pointing at the hub; [(topic, what happened)]."""
        client = self._client(channel)
        url = channel.sudo().webhook_url
        existing = list(client.paginate(WEBHOOKS_QUERY, {}, ["webhookSubscriptions"], page_size=100, what="Webhooks"))
        report = []
        for topic in M.WEBHOOK_TOPICS:
            enum = topic.upper().replace("/", "_")
            found = [sub for sub in existing if sub.get("topic") == enum]
            if any(sub.get("uri") == url for sub in found):
                report.append((topic, _("already subscribed")))
            elif found:
                client.mutate(
                    WEBHOOK_UPDATE,
                    {"id": found[0]["id"], "sub": {"uri": url, "format": "JSON"}},
                    "webhookSubscriptionUpdate",
                    f"Repair webhook {topic}",
                )
                report.append((topic, _("repaired (pointed at this hub)")))
            else:
                client.mutate(
                    WEBHOOK_CREATE,
                    {"topic": enum, "sub": {"uri": url, "format": "JSON"}},
                    "webhookSubscriptionCreate",
                    f"Subscribe webhook {topic}",
                )
                report.append((topic, _("created")))
        return report

    # --- outbound ---------------------------------------------------------
    @api.model
    def _push(self, job):
        try:
            return super()._push(job)
        except AuthError as error:
            # not retried in a loop: integration.job parks the job and pauses the channel's outbound work
            raise AccessRevoked(str(error)) from error

    @api.model
    def _push_inventory(self, job):
        """Publish {sku: quantity} (or {"warehouse_id", "quantities"}) as absolute 'available' quantities."""
        channel = job.channel_id
        payload = job._payload() or {}
        quantities = payload.get("quantities") if isinstance(payload.get("quantities"), dict) else payload
        warehouse_id = payload.get("warehouse_id") or channel.warehouse_id.id
        location = channel.shopify_location_ids.filtered(lambda loc: loc.warehouse_id.id == warehouse_id)[:1]
        if not location:
            raise PermanentError(
                _("Channel '%s' maps no Shopify location to the warehouse whose stock is published.", channel.name)
            )
        location_gid = location._normalized_gid()
        Item = self.env["integration.shopify.inventory.item"].sudo()
        cache = Item._for_channel(channel, location_gid, skus=list(quantities))  # one search
        # skipped only when Shopify is known to hold it already (pushed, and no other level reported since):
        # the hub's corrective republish after a divergence must reach Shopify
        changed = {
            sku: float(qty)
            for sku, qty in quantities.items()
            if not (sku in cache and cache[sku]._shopify_holds(float(qty)))
        }
        if not changed:
            return "nothing changed"
        client = self._client(channel)
        missing = [sku for sku in changed if sku not in cache]
        if missing:
            resolved = self._resolve_inventory_items(client, channel, missing)
            created = Item.create(  # one INSERT for every newly resolved SKU
                [
                    {"channel_id": channel.id, "sku": sku, "inventory_item_gid": item_gid, "location_gid": location_gid}
                    for sku, item_gid in resolved.items()
                ]
            )
            cache.update({row.sku: row for row in created})
        for sku in [sku for sku in changed if sku not in cache]:
            self._open_sku_exception(channel, sku, _("no Shopify product variant has this SKU"))
            del changed[sku]
        skus = sorted(changed)
        for start in range(0, len(skus), INVENTORY_BATCH):
            batch = skus[start : start + INVENTORY_BATCH]
            self._set_quantities(client, job, channel, location_gid, batch, changed, cache, start // INVENTORY_BATCH)
        return f"{len(skus)} quantities published"

    @api.model
    def _resolve_inventory_items(self, client, channel, skus):
        """SKU -> inventory item gid, looked up once (then cached by the caller)."""
        Item = self.env["integration.shopify.inventory.item"].sudo()
        known = {
            row.sku: row.inventory_item_gid
            for row in Item.search([("channel_id", "=", channel.id), ("sku", "in", skus)])
        }
        result = {sku: known[sku] for sku in skus if sku in known}
        todo = [sku for sku in skus if sku not in known]
        for start in range(0, len(todo), SKU_LOOKUP_BATCH):
            chunk = todo[start : start + SKU_LOOKUP_BATCH]
            search = " OR ".join(f"sku:{json.dumps(sku)}" for sku in chunk)
            for node in client.paginate(
                VARIANTS_QUERY, {"query": search}, ["productVariants"], page_size=SKU_LOOKUP_BATCH, what="SKU lookup"
            ):
                if node.get("sku") in chunk and node.get("inventoryItem"):
                    result.setdefault(node["sku"], node["inventoryItem"]["id"])
        return result

    @api.model
    def _set_quantities(self, client, job, channel, location_gid, batch, quantities, cache, number):
        Item = self.env["integration.shopify.inventory.item"].sudo()
        version = channel.shopify_api_version
        with_key = _version_at_least(version, "2026-01")
        key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{channel.id}:{job.idempotency_key}:{number}:{len(batch)}"))
        mutation = INVENTORY_SET % ((", $key: String!", " @idempotent(key: $key)") if with_key else ("", ""))
        rejected = set()
        for _attempt in range(2):  # once more without the SKUs Shopify rejected
            todo = [sku for sku in batch if sku not in rejected]
            if not todo:
                return
            rows = []
            for sku in todo:
                row = {
                    "inventoryItemId": cache[sku].inventory_item_gid,
                    "locationId": location_gid,
                    "quantity": int(quantities[sku]),
                }
                if _version_at_least(version, "2026-04"):
                    row["changeFromQuantity"] = None  # explicit opt-out: the warehouse is the source of truth
                rows.append(row)
            payload = {
                "name": "available",
                "reason": "correction",
                "referenceDocumentUri": f"gid://integration-hub/Job/{job.id}",
                "quantities": rows,
            }
            if not _version_at_least(version, "2026-04"):
                # The hub owns inventory: it sets absolute values, whatever Shopify holds now.
                payload["ignoreCompareQuantity"] = True
            variables = {"input": payload}
            if with_key:
                variables["key"] = key
            try:
                client.mutate(mutation, variables, "inventorySetQuantities", "Publish inventory")
            except UserErrors as error:
                named = self._skus_of_user_errors(error.errors, todo)
                if not named:
                    raise
                for sku, message in named.items():
                    self._open_sku_exception(channel, sku, message)
                    rejected.add(sku)
                # resolved again next time (the item may have been recreated)
                Item.browse([cache[sku].id for sku in named]).unlink()
                continue
            now = fields.Datetime.now()
            by_quantity = defaultdict(list)
            for sku in todo:
                by_quantity[quantities[sku]].append(cache[sku].id)
            for quantity, ids in by_quantity.items():  # one UPDATE per distinct quantity
                Item.browse(ids).write({"last_pushed_quantity": quantity, "pushed": True, "pushed_at": now})
            return

    @staticmethod
    def _skus_of_user_errors(errors, batch):
        named = {}
        for error in errors:
            path = error.get("field") or []
            index = next((int(part) for part in path if str(part).isdigit()), None)
            if index is not None and index < len(batch):
                named[batch[index]] = error.get("message") or error.get("code") or "rejected"
        return named

    @api.model
    def _open_sku_exception(self, channel, sku, reason):
        self.env["integration.sync.exception"]._open(
            "other",
            _("Shopify inventory: SKU %(sku)s not published", sku=sku),
            _(
                "Shopify did not accept the quantity of SKU %(sku)s: %(reason)s.\n\nCheck that the product "
                "variant exists in Shopify with this SKU and tracks inventory at the mapped location; the other "
                "SKUs were published.",
                sku=sku,
                reason=reason,
            ),
            record=channel,
            channel=channel,
            dedupe_key=f"shopify-sku:{channel.id}:{sku}",
        )

    @api.model
    def _push_fulfillment(self, job):
        payload = job._payload()
        if payload.get("action") == "update_tracking":
            return self._update_tracking(job, payload)
        return self._create_fulfillment(job, payload)

    @api.model
    def _create_fulfillment(self, job, payload):
        """One fulfillmentCreate per fulfillment order of ours that the shipment covers.

        Shopify takes one location's fulfillment orders per fulfillment, and only the fulfillment
        orders assigned to the channel's mapped locations are the warehouse's: a line another location
        or a fulfillment service ships is never fulfilled from here. Each fulfillment is recorded per
        (shipment, fulfillment order), so a retried job never creates one twice.
        """
        channel = job.channel_id
        Fulfillment = self.env["integration.shopify.fulfillment"].sudo()
        order = self.env["integration.channel.order"].browse(payload["order_id"])
        recorded = Fulfillment.search([("channel_id", "=", channel.id), ("shipment_key", "=", payload["shipment_key"])])
        if recorded and not all(recorded.mapped("fulfillment_order_gid")):
            return "already fulfilled"  # recorded before fulfillments were kept per fulfillment order
        tracking = payload.get("tracking") or {}
        remote = self._fulfillment_orders(channel, payload["order_external_id"])
        if not remote:
            raise PermanentError(_("Shopify order %s was not found", payload["order_external_id"]))
        ours = {location._normalized_gid() for location in channel.shopify_location_ids}

        def record(fulfillment, fulfillment_order_gid):
            return Fulfillment.create(
                {
                    "channel_id": channel.id,
                    "order_id": order.id,
                    "shipment_key": payload["shipment_key"],
                    "fulfillment_order_gid": fulfillment_order_gid,
                    "fulfillment_gid": fulfillment["id"],
                    "tracking_number": tracking.get("number"),
                    "tracking_company": tracking.get("company"),
                    "tracking_url": tracking.get("url"),
                }
            )

        done = set(recorded.mapped("fulfillment_order_gid"))
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
            fulfillment
            for fulfillment in remote.get("fulfillments") or []
            if fulfillment.get("status") != "CANCELLED"
            and tracking.get("number") in {info.get("number") for info in fulfillment.get("trackingInfo") or []}
        ]
        if not by_fulfillment_order and (earlier or done):
            if earlier and not recorded:
                record(earlier[0], "")
            return "already fulfilled in Shopify"
        if short and not earlier:
            raise PermanentError(
                _(
                    "Shopify has nothing left to fulfil for line(s) %(lines)s of order %(order)s (already "
                    "fulfilled, cancelled, on hold or assigned to another location in Shopify).",
                    lines=", ".join(f"{line_id} x {qty}" for line_id, qty in short.items()),
                    order=payload["order_external_id"],
                )
            )
        client = self._client(channel)
        for fulfillment_order_gid, items in by_fulfillment_order.items():
            fulfillment_input = {
                "lineItemsByFulfillmentOrder": [
                    {"fulfillmentOrderId": fulfillment_order_gid, "fulfillmentOrderLineItems": items}
                ],
                "notifyCustomer": bool(payload.get("notify_customer")),
                "trackingInfo": {key: tracking.get(key) for key in ("company", "number", "url") if tracking.get(key)},
            }
            result = client.mutate(
                FULFILLMENT_CREATE, {"fulfillment": fulfillment_input}, "fulfillmentCreate", "Create fulfillment"
            )
            record(result["fulfillment"], fulfillment_order_gid)
        order.message_post(
            body=_(
                "Shopify fulfillment created with tracking %(tracking)s (%(count)s fulfillment order(s)).",
                tracking=tracking.get("number"),
                count=len(by_fulfillment_order),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return "fulfillment created"

    @api.model
    def _update_tracking(self, job, payload):
        channel = job.channel_id
        fulfillments = (
            self.env["integration.shopify.fulfillment"]
            .sudo()
            .search([("channel_id", "=", channel.id), ("shipment_key", "=", payload["shipment_key"])])
        )
        if not fulfillments:
            # the fulfillment job of this shipment has not gone out yet: try again later
            raise RetryableError(_("the shipment's fulfillment is not created in Shopify yet"))
        tracking = payload.get("tracking") or {}
        client = self._client(channel)
        for fulfillment in fulfillments:  # one per fulfillment order of the shipment
            client.mutate(
                TRACKING_UPDATE,
                {
                    "id": fulfillment.fulfillment_gid,
                    "tracking": {key: tracking.get(key) for key in ("company", "number", "url") if tracking.get(key)},
                    "notify": bool(payload.get("notify_customer")),
                },
                "fulfillmentTrackingInfoUpdate",
                "Update tracking",
            )
        fulfillments.write(
            {
                "tracking_number": tracking.get("number"),
                "tracking_company": tracking.get("company"),
                "tracking_url": tracking.get("url"),
            }
        )
        return "tracking updated"

    @api.model
    def _push_order_status(self, job):
        """Order status back to Shopify, where the channel owns the order: a tag the merchant sees."""
        payload = job._payload()
        status = payload.get("status") or "updated"
        tags = [f"{M.HUB_TAG_PREFIX}{status}".replace("_", "-")]
        self._client(job.channel_id).mutate(
            TAGS_ADD, {"id": M.gid("Order", payload["order_id"]), "tags": tags}, "tagsAdd", "Order status"
        )
        return f"tagged {tags[0]}"
