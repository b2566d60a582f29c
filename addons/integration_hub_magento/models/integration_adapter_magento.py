import json
from urllib.parse import quote

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Accepted, Delivered, StillProcessing
from odoo.addons.integration_hub.lib.errors import PermanentError
from odoo.addons.integration_hub.lib.poll import PollPage, since, time_cursor

from ..lib import magento as M

STREAM_PATHS = {"orders": ("V1/orders", "Orders poll"), "returns": ("V1/creditmemos", "Credit memos poll")}


def message_of(response):
    """Magento's error text of a refused call (its parameters filled in)."""
    try:
        return M.error_text(response.json()) or f"HTTP {response.status_code}"
    except ValueError:
        return (response.text or "")[:200]


class IntegrationAdapterMagento(models.AbstractModel):
    """Magento 2 / Adobe Commerce: orders and credit memos polled in, REST out. Maps and talks only."""

    _name = "integration.adapter.magento"
    _inherit = "integration.adapter"
    _description = "Magento 2 adapter"

    # no core webhooks in Magento Open Source: polling is the way in
    _capabilities = frozenset(
        (C.POLL_ORDERS, C.POLL_RETURNS, C.RETURNS_IN, C.CATALOG, C.INVENTORY, C.INVENTORY_ASYNC)
        + (C.FULFILLMENT, C.TRACKING, C.ORDER_STATUS, C.CONNECTION_TEST)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = [] if channel.magento_base_url else [_("no Magento store URL")]
        if channel.magento_auth == "bearer":
            if not channel._get_secret("magento_access_token"):
                problems.append(_("no integration access token"))
        else:
            names = ("magento_consumer_key", "magento_consumer_secret", "magento_access_token")
            if not all(channel._get_secret(name) for name in (*names, "magento_access_token_secret")):
                problems.append(_("no integration credentials (consumer key and secret, access token and its secret)"))
        if capability in (C.INVENTORY, C.INVENTORY_ASYNC, C.FULFILLMENT) and not channel.magento_source_code:
            problems.append(_("no Magento source code for this warehouse"))
        return problems

    @api.model
    def _client(self, channel):
        names = ("magento_consumer_key", "magento_consumer_secret", "magento_access_token")
        credentials = tuple(channel._get_secret(name) for name in (*names, "magento_access_token_secret"))
        needed = credentials[2:3] if channel.magento_auth == "bearer" else credentials
        if not (channel.magento_base_url and all(needed)):
            raise PermanentError(
                _("Magento channel '%s' needs its store URL and integration credentials.", channel.name)
            )
        return M.MagentoClient(channel.magento_base_url, channel.magento_store_code, channel.magento_auth, credentials)

    # --- in ---------------------------------------------------------------------------------
    @api.model
    def _normalize_event(self, event, payload):
        channel = event.channel_id
        if event.event_type == "creditmemo":
            order = payload.get("order") or {}
            return M.creditmemo_document(payload.get("creditmemo") or {}, order, M.root_increment(order))
        if event.event_type != "order":
            raise PermanentError(_("Magento message '%s' is not handled by the hub.", event.event_type))
        hub_type, document = M.order_document(payload, channel._magento_states())
        if hub_type == "order.cancelled" and not payload.get("relation_child_id"):
            replacement = self._replacement(channel, payload)
            if replacement:
                payload = {**payload, "relation_child_real_id": replacement}
                hub_type, document = M.order_document(payload, channel._magento_states())
        self._remember_order(channel, payload, superseded=hub_type == "noop")
        return hub_type, document

    @api.model
    def _replacement(self, channel, order):
        """The increment id of the order an admin edit created from this cancelled one, asked from the shop
        when the order does not name it (``relation_child_id`` missing from the payload)."""
        filters = [("relation_parent_id", str(order.get("entity_id")), "eq")]
        found, _more = self._client(channel).search("V1/orders", "Edited order lookup", filters, size=1)
        return str(found[0].get("increment_id") or found[0].get("entity_id")) if found else ""

    @api.model
    def _remember_order(self, channel, order, superseded):
        """Keep the shop's entity id of the hub order (shipments and credit memos address it by that id)."""
        if not order.get("entity_id"):
            return
        self.env["integration.external.id"]._remember(
            channel,
            "order",
            str(order["entity_id"]),
            hub_reference=M.root_increment(order),
            name=order.get("increment_id") or False,
            data={"superseded": bool(superseded)},
        )

    @api.model
    def _poll(self, channel, stream, cursor):
        """Orders (or credit memos) updated since the cursor, oldest first, a page per call.

        The window's start stays fixed while its pages are read; the next window starts at the newest
        ``updated_at`` seen, re-read with the hub's overlap (a re-read version collapses in the inbox).
        """
        state = json.loads(cursor) if (cursor or "").startswith("{") else {"since": cursor}
        start = since(state["since"], fields.Datetime.now())
        path, what = STREAM_PATHS[stream]
        client, number = self._client(channel), state.get("page") or 1
        filters = [("updated_at", M.magento_time(start), "gteq")]
        items, more = client.search(path, what, filters, page=number, sort="updated_at")
        stamps = [str(item.get("updated_at") or "").replace(" ", "T")[:19] for item in items]
        newest = max([state.get("newest") or time_cursor(start)] + [s for s in stamps if s])
        page, orders = PollPage(more=more), {}
        for item, stamp in zip(items, stamps, strict=True):
            if stream == "orders":
                page.messages.append((f"order:{item['entity_id']}:{stamp}", "order", item))
                continue
            order_id = str(item.get("order_id"))
            if order_id not in orders:
                orders[order_id] = client.json("GET", f"V1/orders/{order_id}", "Order of a credit memo")
            message = {"creditmemo": item, "order": orders[order_id]}
            page.messages.append((f"creditmemo:{item['entity_id']}", "creditmemo", message))
        page.cursor = json.dumps({**state, "page": number + 1, "newest": newest}) if more else newest
        return page

    @api.model
    def _fetch_listings(self, channel):
        """The shop's simple products (a configurable's children are its variants: each its own SKU)."""
        client, items, number, more = self._client(channel), [], 1, True
        while more:
            filters = [("type_id", "simple,virtual", "in")]
            products, more = client.search("V1/products", "Catalog", filters, page=number)
            items += [{"external_id": str(p["id"]), "sku": p.get("sku"), "name": p.get("name")} for p in products]
            number += 1
        return items

    # --- inventory --------------------------------------------------------------------------
    @api.model
    def _push_inventory(self, job):
        """{sku: quantity} to the channel's source (MSI) or stock item (legacy); only that source changes."""
        channel, quantities = job.channel_id, {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        client, Listing = self._client(channel), self.env["integration.external.id"]
        if channel.magento_inventory_mode == "legacy":
            return self._push_stock_items(channel, client, quantities)
        unknown = _("not listed on this channel")
        listings, refused = Listing._to_push(channel, quantities, lambda skus: {}, unknown, "sku")
        skus = sorted(listings)
        if not skus:
            return Delivered(_("nothing to publish"), refused)
        if channel.magento_async_inventory:
            return self._push_bulk(channel, client, skus, quantities)
        sent = []
        size = M.SYNC_BATCH
        for start in range(0, len(skus), size):
            self._save_source_items(channel, client, skus[start : start + size], quantities, sent, refused)
        Listing._record_pushed(Listing.concat(*(listings[sku] for sku in sent)), quantities)
        return Delivered(_("%s quantities published", len(sent)), refused)

    @api.model
    def _source_item(self, channel, sku, quantity):
        return {
            "sku": sku,
            "source_code": channel.magento_source_code,
            "quantity": quantity,
            "status": int(quantity > 0),
        }

    @api.model
    def _save_source_items(self, channel, client, skus, quantities, sent, refused):
        """One call for the batch; the shop refuses a batch as a whole: then each item alone names the bad ones."""
        items = [self._source_item(channel, sku, quantities[sku]) for sku in skus]
        response = client.request(
            "POST", "V1/inventory/source-items", "Stock", json={"sourceItems": items}, accept=(400, 404)
        )
        if response.status_code < 300:
            sent.extend(skus)
        elif len(skus) == 1:
            refused[skus[0]] = message_of(response)
        else:
            for sku in skus:
                self._save_source_items(channel, client, [sku], quantities, sent, refused)

    @api.model
    def _push_stock_items(self, channel, client, quantities):
        """Legacy single-source stock: ``PUT /V1/products/{sku}/stockItems/{itemId}``, item by item."""
        Listing, unknown = self.env["integration.external.id"], _("no Magento product has this SKU")
        lookup = lambda skus: self._stock_items(client, skus)  # noqa: E731
        listings, refused = Listing._to_push(channel, quantities, lookup, unknown, "external_ref")
        sent = []
        for sku in sorted(listings):
            item = {"qty": quantities[sku], "is_in_stock": quantities[sku] > 0}
            path = f"V1/products/{quote(sku, safe='')}/stockItems/{listings[sku].external_ref}"
            response = client.request("PUT", path, "Stock item", json={"stockItem": item}, accept=(400, 404))
            if response.status_code < 300:
                sent.append(sku)
            else:
                refused[sku] = message_of(response)
        Listing._record_pushed(Listing.concat(*(listings[sku] for sku in sent)), quantities)
        return Delivered(_("%s quantities published", len(sent)), refused)

    @api.model
    def _stock_items(self, client, skus):
        """{sku: {"external_id": product id, "external_ref": stock item id}} (``GET /V1/stockItems/{sku}``)."""
        found = {}
        for sku in skus:
            response = client.request("GET", f"V1/stockItems/{quote(sku, safe='')}", "Stock item lookup", accept=(404,))
            if response.status_code == 200:
                item = response.json()
                found[sku] = {"external_id": str(item.get("product_id")), "external_ref": str(item.get("item_id"))}
        return found

    @api.model
    def _push_bulk(self, channel, client, skus, quantities):
        """Asynchronous bulk requests of at most 5,000 operations, one per SKU; confirmed later."""
        bulks = []
        for start in range(0, len(skus), M.ASYNC_BATCH):
            chunk = skus[start : start + M.ASYNC_BATCH]
            bodies = [{"sourceItems": [self._source_item(channel, sku, quantities[sku])]} for sku in chunk]
            answer = client.json("POST", "async/bulk/V1/inventory/source-items", "Bulk stock", bodies)
            if answer.get("errors"):
                raise PermanentError(_("Magento refused the bulk stock request: %s", answer.get("errors")))
            bulks.append({"bulk_uuid": answer["bulk_uuid"], "skus": chunk})
        summary = _("%s quantities accepted in bulk", len(skus))
        return Accepted(json.dumps({"bulks": bulks}), check_after=60, summary=summary)

    @api.model
    def _check_inventory(self, job):
        """Each bulk's operations, one per SKU in the order sent: confirmed when none is open any more."""
        client, refused, done = self._client(job.channel_id), {}, []
        for bulk in json.loads(job.remote_ref)["bulks"]:
            answer = client.json("GET", f"V1/bulk/{bulk['bulk_uuid']}/status", "Bulk status")
            operations = sorted(answer.get("operations_list") or [], key=lambda op: op.get("id") or 0)
            if len(operations) < len(bulk["skus"]) or any(op.get("status") == M.BULK_OPEN for op in operations):
                return StillProcessing()
            for sku, operation in zip(bulk["skus"], operations, strict=False):
                if operation.get("status") == M.BULK_COMPLETE:
                    done.append(sku)
                else:
                    status = operation.get("status")
                    refused[sku] = operation.get("result_message") or _("bulk operation status %s", status)
        quantities = {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        Listing = self.env["integration.external.id"]
        listings = Listing._listings_by_sku(job.channel_id, done)
        Listing._record_pushed(Listing.concat(*listings.values()), quantities)
        return Delivered(_("%s quantities confirmed", len(done)), refused)

    # --- fulfillment ------------------------------------------------------------------------
    @api.model
    def _entity_id(self, channel, order_external_id):
        """The shop's entity id of the hub order now (the newest edit of it)."""
        rows = self.env["integration.external.id"]._of(channel, "order", hub_reference=order_external_id)
        rows = rows.filtered(lambda row: not (row.data or {}).get("superseded") and row.external_id.isdigit())
        if not rows:
            raise PermanentError(_("Magento order %s is not known to the hub by its entity id", order_external_id))
        return max(rows.mapped("external_id"), key=int)

    @api.model
    def _push_fulfillment(self, job):
        """``POST /V1/order/{id}/ship``: the shipment's own items and tracking, from the channel's source."""
        channel, payload = job.channel_id, job._payload()
        Shipment = self.env["integration.external.id"]
        if Shipment._of(channel, "shipment", hub_reference=payload["shipment_key"]):
            return _("already shipped in Magento")  # a retried job never creates a second shipment
        entity_id, tracking = self._entity_id(channel, payload["order_external_id"]), payload.get("tracking") or {}
        items = [
            {"order_item_id": int(line["line_id"]), "qty": line["quantity"]}
            for line in payload["lines"]
            if line["quantity"] > 0
        ]
        body = {"items": items, "notify": bool(channel.magento_notify_customer), "appendComment": False}
        if tracking.get("number"):
            body["tracks"] = [self._track(tracking)]
        if channel.magento_inventory_mode == "msi":
            body["arguments"] = {"extension_attributes": {"source_code": channel.magento_source_code}}
        shipment_id = self._client(channel).json("POST", f"V1/order/{entity_id}/ship", "Ship", body)
        Shipment._remember(
            channel,
            "shipment",
            str(shipment_id),
            hub_reference=payload["shipment_key"],
            order_id=payload["order_id"],
            external_ref=entity_id,
        )
        return _("Magento shipment %(id)s with tracking %(number)s", id=shipment_id, number=tracking.get("number"))

    @api.model
    def _track(self, tracking):
        company = tracking.get("company") or ""
        return {
            "track_number": tracking["number"],
            "title": company or "Carrier",
            "carrier_code": M.carrier_code(company),
        }

    @api.model
    def _push_tracking(self, job):
        """A later tracking number on the shipment (``POST /V1/shipment/track``)."""
        channel, payload = job.channel_id, job._payload()
        shipment = self.env["integration.external.id"]._of(channel, "shipment", hub_reference=payload["shipment_key"])
        if not shipment:
            raise PermanentError(_("the shipment %s was never created in Magento", payload["shipment_key"]))
        track = {"parent_id": int(shipment[0].external_id), "order_id": int(shipment[0].external_ref)}
        entity = {**track, **self._track(payload.get("tracking") or {})}
        self._client(channel).json("POST", "V1/shipment/track", "Tracking", {"entity": entity})
        return _("tracking %s sent", (payload.get("tracking") or {}).get("number"))

    @api.model
    def _push_order_status(self, job):
        """What the warehouse decided about an order, as a comment in its history (the merchant sees it, the
        customer is not notified). Shipping steps need none: the shipment says it."""
        channel, payload = job.channel_id, job._payload()
        status = payload.get("status")
        lines = ", ".join(line.get("sku") or line.get("id") or "" for line in payload.get("lines") or [])
        comments = {
            "cancel_acknowledged": _("Integration Hub: the warehouse cancelled this order; nothing will be shipped."),
            "lines_cancelled": _("Integration Hub: the warehouse cancelled for lack of stock: %s.", lines),
            "edit_rejected": _(
                "Integration Hub: the warehouse did not apply the last edit; the order ships as it was released."
            ),
        }
        if status not in comments:
            return _("nothing to tell Magento about '%s': the shipment says it", status)
        entity_id = self._entity_id(channel, payload["order_id"])
        history = {"comment": comments[status], "is_customer_notified": 0, "is_visible_on_front": 0}
        body = {"statusHistory": {**history, "parent_id": int(entity_id)}}
        self._client(channel).json("POST", f"V1/orders/{entity_id}/comments", "Order comment", body)
        return _("comment added: %s", status)

    # --- administration ---------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        client = self._client(channel)
        answer = client.json("GET", M.with_query("V1/orders", M.search_criteria(size=1)), "Connection test")
        how = _("signed with OAuth 1.0a") if channel.magento_auth == "oauth" else _("with the bearer token")
        return _(
            "%(url)s answers %(how)s: %(count)s orders.",
            url=channel.magento_base_url,
            how=how,
            count=answer.get("total_count"),
        )
