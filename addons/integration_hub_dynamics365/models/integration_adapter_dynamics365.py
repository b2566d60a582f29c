import hashlib
import hmac
import json
import secrets
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Delivered
from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError, SignatureError
from odoo.addons.integration_hub.lib.poll import OVERLAP, PollPage, since, time_cursor
from odoo.addons.integration_hub.lib.webhook import WebhookEnvelope, headers_to_keep

from ..lib import business_central as B

# polled stream -> (entity set, the inbox's event type, what to expand)
STREAM_ENTITIES = {
    "orders": ("salesOrders", "salesOrder", "salesOrderLines,shipmentMethod"),
    "receipts": ("purchaseOrders", "purchaseOrder", "purchaseOrderLines"),
    "catalog": ("items", "item", None),
}
ENTITY_STREAMS = {entity: stream for stream, (entity, _kind, _expand) in STREAM_ENTITIES.items()}
RENEW_BEFORE = timedelta(hours=24)  # subscriptions live 3 days: renewed by the hourly check on their last day
SHIPPED_STATES = ("dispatched", "in_transit", "delivered")
# fulfillment jobs that never reach Business Central: not counted as shipped
UNSENT_JOB_STATES = ("cancelled", "dead")


class IntegrationAdapterDynamics365(models.AbstractModel):
    """Dynamics 365 Business Central (API v2.0): released sales orders, purchase orders and items polled by
    ``lastModifiedDateTime`` and announced by webhook subscriptions; shipments and receipts written back.
    Maps and talks only (README, "Dynamics 365 Business Central")."""

    _name = "integration.adapter.dynamics365_bc"
    _inherit = "integration.adapter"
    _description = "Dynamics 365 Business Central adapter"

    # BC deletes a subscription answered anything but 2xx, 408, 429 or 5xx, and retries those for 36 hours
    _webhook_paused_retry_after = 3600
    _capabilities = frozenset(
        (C.WEBHOOKS, C.POLL_ORDERS, C.POLL_RECEIPTS, C.POLL_CATALOG, C.FULFILLMENT, C.RECEIPT_STATUS)
        + (C.INVENTORY_POSITIONS, C.CONNECTION_TEST, C.WEBHOOK_REGISTRATION, C.TOKEN_REFRESH)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = []
        if not (channel.dynamics365_tenant_id and channel.dynamics365_environment and channel.dynamics365_company_id):
            problems.append(_("no Business Central tenant id, environment and company id"))
        if not (channel.dynamics365_client_id and channel._get_secret("dynamics365_client_secret")):
            problems.append(_("no Entra app client id and client secret"))
        if capability == C.WEBHOOKS and not channel._get_secret("webhook_secret"):
            problems.append(_("no client state for the subscriptions ('Register webhooks' sets one)"))
        return problems

    # --- authentication ---------------------------------------------------------------------
    @api.model
    def _refresh_access_token(self, channel):
        """Entra ID client credentials: a new token (about an hour; no refresh token exists)."""
        channel = channel.sudo()
        return B.EntraTokenClient().token(
            channel.dynamics365_tenant_id,
            channel.dynamics365_client_id,
            channel._get_secret("dynamics365_client_secret"),
            fields.Datetime.now(),
        )

    @api.model
    def _client(self, channel, base=None):
        """The company's API (or ``base``: e.g. the environment's subscriptions), with the channel's token."""
        channel = channel.sudo()
        if not (channel.dynamics365_tenant_id and channel.dynamics365_client_id and channel.dynamics365_company_id):
            raise AuthError(
                _("Business Central channel '%s' needs its tenant id, Entra client id and company id.", channel.name)
            )
        return B.BusinessCentralClient(
            base or self._dynamics365_company_url(channel),
            lambda renew: channel._channel_access_token(renew=renew),
        )

    @api.model
    def _dynamics365_company_url(self, channel):
        return B.company_url(
            channel.dynamics365_tenant_id, channel.dynamics365_environment, channel.dynamics365_company_id
        )

    @api.model
    def _dynamics365_environment_url(self, channel):
        return f"{B.API_HOST}/v2.0/{channel.dynamics365_tenant_id}/{channel.dynamics365_environment}"

    @api.model
    def _dynamics365_location(self, channel, client):
        """The id of the channel's location code (looked up once, kept with its code), or None without one."""
        code = (channel.dynamics365_location_code or "").strip()
        if not code:
            return None
        kept = channel.dynamics365_location_id or ""
        if kept.startswith(f"{code}="):
            return kept.split("=", 1)[1]
        quoted = code.replace("'", "''")
        found = client.json("GET", "locations", "Location", params={"$filter": f"code eq '{quoted}'"}).get("value")
        if not found:
            raise PermanentError(_("Business Central has no location '%s' (the channel's Location code).", code))
        channel.sudo().dynamics365_location_id = f"{code}={found[0]['id']}"
        return found[0]["id"]

    # --- in: webhooks -------------------------------------------------------------------------
    @api.model
    def _webhook_handshake(self, channel, query):
        """BC validates the notification URL when a subscription is created or renewed: echo ``validationToken``."""
        token = query.get("validationToken")
        return token[:1024] if token else None

    @api.model
    def _verify_webhook(self, channel, headers, body):
        """Notifications carry no signature: every one must carry the channel's ``clientState``.

        A refusal is answered 401, and BC deletes a subscription answered anything but 2xx, 408, 429 or 5xx:
        a subscription that is not ours (or has an old client state) is dropped, which is what we want.
        """
        try:
            document = json.loads(body or b"null")
        except ValueError:
            raise SignatureError("not a Business Central notification (the body is not JSON)") from None
        entries = document.get("value") if isinstance(document, dict) else None
        if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
            raise SignatureError("not a Business Central notification (no 'value' list)")
        secret = (channel._get_secret("webhook_secret") or "").encode()
        if not secret or not all(
            hmac.compare_digest(str(entry.get("clientState") or "").encode(), secret) for entry in entries
        ):
            raise SignatureError("a notification's clientState is not this channel's")
        keys = sorted(f"{B.notification_key(e)}|{e.get('changeType')}" for e in entries)
        return WebhookEnvelope(
            idempotency_key="notification:" + hashlib.sha256("\n".join(keys).encode()).hexdigest(),
            event_type="notification",
            kept_headers=headers_to_keep(dict(headers)),
        )

    @api.model
    def _redact_body(self, channel, body):
        """The notification without its ``clientState`` (the channel's webhook secret): never stored.

        Only a body ``_verify_webhook`` accepted comes here (a JSON object with a ``value`` list of objects).
        """
        document = json.loads(body)
        document["value"] = [{k: v for k, v in entry.items() if k != "clientState"} for entry in document["value"]]
        return json.dumps(document, separators=(",", ":")).encode()

    @api.model
    def _normalize_event(self, event, payload):
        channel, kind = event.channel_id, event.event_type
        if kind == "notification":
            return self._dynamics365_fan_out(channel, payload)
        if kind == "entry":
            return self._dynamics365_entry(channel, payload)
        if kind == "salesOrder":
            return self._dynamics365_order(channel, payload)
        if kind == "purchaseOrder":
            location = self._dynamics365_location(channel, self._client(channel))
            return "receipt.expected", B.receipt_document(payload, location)
        if kind == "item":
            return self._dynamics365_item(channel, payload)
        raise PermanentError(_("Business Central message '%s' is not handled by the hub.", kind))

    @api.model
    def _dynamics365_fan_out(self, channel, payload):
        """A notification holds up to 1,000 changes: each becomes its own inbox message, deduplicated on
        (subscription, resource, lastModifiedDateTime) (BC retries a delivery for 36 hours); all stored by one
        ``_receive_many``. (A notification stored before ``_redact_body`` may still hold ``clientState``.)"""
        Event = self.env["integration.event"].sudo()
        entries = payload.get("value") or []
        messages = [
            (
                f"entry:{B.notification_key(entry)}",
                "entry",
                {key: value for key, value in entry.items() if key != "clientState"},
                None,
            )
            for entry in entries
        ]
        new = sum(created for _event_id, created in Event._receive_many(channel, messages, source="webhook"))
        if new:
            Event._queue_wake()
        return "noop", {"reason": _("%(new)s of %(all)s changes new", new=new, all=len(entries))}

    @api.model
    def _dynamics365_entry(self, channel, entry):
        """One change: the record is read again from BC (a notification is only a hint)."""
        company, entity, record_id = B.parse_resource(entry.get("resource"))
        change = entry.get("changeType")
        if (company or "").lower() != (channel.dynamics365_company_id or "").lower():
            return "noop", {"reason": _("a change in another company")}
        if change == "collection" or (entity in ENTITY_STREAMS and not record_id):
            self._dynamics365_poll_soon(channel, ENTITY_STREAMS.get(entity))
            return "noop", {"reason": _("many changes at once: read by the next poll")}
        if entity == "salesOrders":
            order = None
            if change != "deleted":
                order = self._dynamics365_read(channel, f"salesOrders({record_id})", STREAM_ENTITIES["orders"][2])
            return (
                self._dynamics365_deleted(channel, record_id)
                if order is None
                else self._dynamics365_order(channel, order)
            )
        if entity == "items" and change != "deleted" and channel.catalog_owner == "channel":
            item = self._dynamics365_read(channel, f"items({record_id})")
            if item:
                return self._dynamics365_item(channel, item)
        return "noop", {"reason": _("nothing for the warehouse: %(entity)s %(change)s", entity=entity, change=change)}

    @api.model
    def _dynamics365_read(self, channel, path, expand=None):
        """A record as BC has it now, or None when BC no longer has it (404)."""
        params = {"$expand": expand} if expand else None
        response = self._client(channel).request("GET", path, "Read", params=params, accept=(404,))
        return None if response.status_code == 404 else response.json()

    @api.model
    def _dynamics365_poll_soon(self, channel, stream):
        if stream:
            channel._poll_cursor(stream).polled_at = False
            self.env.ref("integration_hub.ir_cron_poll_channels")._trigger()

    @api.model
    def _dynamics365_order(self, channel, order):
        if order.get("status") != B.RELEASED:
            return "noop", {
                "order_id": order.get("id"),
                "reason": _(
                    "sales order %(number)s is %(status)s: not released",
                    number=order.get("number"),
                    status=order.get("status"),
                ),
            }
        document = B.order_document(order, self._dynamics365_location(channel, self._client(channel)))
        known = self.env["integration.channel.order"].search_count(
            [("channel_id", "=", channel.id), ("external_id", "=", document["id"])]
        )
        if not known and all(line.get("fulfilled_by") or line.get("ships") is False for line in document["lines"]):
            return "noop", {"order_id": document["id"], "reason": _("no line of this order is at this warehouse")}
        return "order.updated", document

    @api.model
    def _dynamics365_deleted(self, channel, order_id):
        """BC deletes a sales order when it is cancelled, and also once it is fully shipped and invoiced."""
        if self._dynamics365_read(channel, f"salesOrders({order_id})") is not None:
            return "noop", {"order_id": order_id, "reason": _("the sales order still exists in Business Central")}
        order = self.env["integration.channel.order"].search(
            [("channel_id", "=", channel.id), ("external_id", "=", order_id)], limit=1
        )
        if order.state in SHIPPED_STATES or self.env["integration.external.id"]._of(
            channel, "shipment", order_id=order.id
        ):
            return "noop", {"order_id": order_id, "reason": _("posted (shipped and invoiced) in Business Central")}
        return "order.cancelled", {"id": order_id, "cancel_reason": _("sales order deleted in Business Central")}

    @api.model
    def _dynamics365_item(self, channel, item):
        if item.get("type") != "Inventory" or item.get("blocked"):
            return "noop", {"reason": _("item %s is not a stocked item", item.get("number"))}
        return "product.upserted", B.product_document(item)

    # --- in: polling ----------------------------------------------------------------------------
    @api.model
    def _poll(self, channel, stream, cursor):
        """One page of released sales orders, released purchase orders or items modified since the cursor
        (``$filter`` on ``lastModifiedDateTime``, oldest first, ``@odata.nextLink`` for the next page)."""
        if stream == "catalog" and channel.catalog_owner != "channel":
            return PollPage()  # the warehouse (or another channel) owns the catalog: BC's items are not taken
        entity, kind, expand = STREAM_ENTITIES[stream]
        state = json.loads(cursor) if (cursor or "").startswith("{") else {"since": cursor}
        client = self._client(channel)
        if state.get("next"):
            records, link = client.pages(None, f"{entity} poll", None, next_link=state["next"])
        else:
            start = since(state.get("since"), fields.Datetime.now())
            params = B.modified_since(start, "" if stream == "catalog" else f"status eq '{B.RELEASED}'")
            if expand:
                params["$expand"] = expand
            records, link = client.pages(entity, f"{entity} poll", params)
            state["newest"] = time_cursor(start + OVERLAP)
        newest = max([state.get("newest") or ""] + [(r.get("lastModifiedDateTime") or "")[:19] for r in records])
        page = PollPage(more=bool(link))
        page.messages = [(f"{kind}:{r['id']}:{r.get('lastModifiedDateTime')}", kind, r) for r in records]
        page.cursor = json.dumps({**state, "next": link, "newest": newest}) if link else newest
        return page

    # --- out: shipments --------------------------------------------------------------------------
    @api.model
    def _push_fulfillment(self, job):
        """Qty. to Ship on each item line (this and earlier shipments not yet posted, 0 elsewhere), the tracking
        as a comment line, then shipAndInvoice, or an exception asking the client to post the shipment."""
        channel, payload = job.channel_id, job._payload()
        client = self._client(channel)
        order_path = f"salesOrders({payload['order_external_id']})"
        order = client.json("GET", order_path, "Sales order", params={"$expand": "salesOrderLines"})
        targets = self._dynamics365_shipped_targets(job)
        to_ship = {}
        for line in order.get("salesOrderLines") or []:
            if line.get("lineType") != "Item":
                continue
            quantity = max(0.0, targets.get(line["id"], 0.0) - float(line.get("shippedQuantity") or 0))
            outstanding = float(line.get("quantity") or 0) - float(line.get("shippedQuantity") or 0)
            quantity = min(quantity, outstanding)
            if quantity:
                to_ship[line["id"]] = quantity
            if float(line.get("shipQuantity") or 0) != quantity:
                client.json(
                    "PATCH",
                    f"{order_path}/salesOrderLines({line['id']})",
                    "Qty. to Ship",
                    {"shipQuantity": quantity},
                    headers={"If-Match": line.get("@odata.etag") or "*"},
                )
        comment = B.tracking_comment(payload.get("tracking"))
        existing = {line.get("description") for line in order.get("salesOrderLines") or []}
        if (payload.get("tracking") or {}).get("number") and comment not in existing:
            line = {"lineType": "Comment", "description": comment}
            client.json("POST", f"{order_path}/salesOrderLines", "Tracking comment", line)
        number = order.get("number") or payload["order_external_id"]
        if not to_ship:
            return _("sales order %s: nothing left to ship in Business Central (already posted)", number)
        units = sum(to_ship.values())
        if channel.dynamics365_shipment_mode == "ship_and_invoice":
            client.json("POST", f"{order_path}/Microsoft.NAV.shipAndInvoice", "Ship and invoice")
            self.env["integration.external.id"]._remember(
                channel,
                "shipment",
                payload["shipment_key"],
                hub_reference=payload["shipment_key"],
                order_id=payload["order_id"],
            )
            return _(
                "sales order %(number)s: %(units)s units shipped AND invoiced in Business Central (%(tracking)s)",
                number=number,
                units=units,
                tracking=comment,
            )
        self.env["integration.sync.exception"]._open(
            "dynamics365_shipment_to_post",
            _("Post the shipment of sales order %s in Business Central", number),
            _(
                "The carrier has the goods (%(tracking)s). The hub set Qty. to Ship on the order's lines (%(units)s "
                "units) and added the tracking as a comment line. Business Central's standard API posts a shipment "
                "only together with its invoice, and this channel is set to 'Not posted: the client posts the "
                "shipment'. In Business Central, open sales order %(number)s and use Post > Ship (not Ship and "
                "Invoice), then close this exception. To let the hub post shipments and invoices itself, an "
                "administrator sets the channel's Shipments to 'Shipped and invoiced through the standard API'.",
                tracking=comment,
                units=units,
                number=number,
            ),
            record=self.env["integration.channel.order"].sudo().browse(payload["order_id"]),
            channel=channel,
            dedupe_key=f"dynamics365-post:{channel.id}:{payload['shipment_key']}",
        )
        return _(
            "sales order %(number)s: Qty. to Ship set (%(units)s units), tracking added; the client posts the "
            "shipment in Business Central (nothing invoiced)",
            number=number,
            units=units,
        )

    @api.model
    def _dynamics365_shipped_targets(self, job):
        """{BC line id: units shipped by the hub up to this shipment} from this order's fulfillment jobs.

        Against BC's ``shippedQuantity`` it tells what is still to post, so a retried job never ships twice.
        Cancelled and dead jobs never reached BC: their units are not counted (they would over-ship).
        """
        payload = job._payload()
        jobs = (
            self.env["integration.job"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", job.channel_id.id),
                    ("job_type", "=", "fulfillment"),
                    ("idempotency_key", "=like", f"fulfillment:{payload['order_external_id']}:%"),
                    ("id", "<=", job.id),
                    ("state", "not in", UNSENT_JOB_STATES),
                ]
            )
        )
        targets = defaultdict(float)
        for earlier in jobs | job:
            for line in earlier._payload().get("lines") or []:
                targets[line["line_id"]] += float(line["quantity"])
        return targets

    # --- out: receipts ---------------------------------------------------------------------------
    @api.model
    def _push_receipt_status(self, job):
        """Qty. to Receive on the purchase order's lines (the units that arrived, damaged ones included) and a
        comment line with the figures; the client posts the receipt (Post > Receive) in Business Central."""
        data, client = job._payload(), self._client(job.channel_id)
        quoted = data["reference"].replace("'", "''")
        found = client.json(
            "GET",
            "purchaseOrders",
            "Purchase order",
            params={"$filter": f"number eq '{quoted}'", "$expand": "purchaseOrderLines"},
        ).get("value")
        if not found:
            raise PermanentError(
                _("Business Central has no purchase order %s (deleted or posted?).", data["reference"])
            )
        purchase_order = found[0]
        path = f"purchaseOrders({purchase_order['id']})/purchaseOrderLines"
        lines = {line["id"]: line for line in purchase_order.get("purchaseOrderLines") or []}
        written = 0
        for figure in data.get("lines") or []:
            line = lines.get(figure.get("line_id"))
            if not line:
                continue
            done = float(line.get("receivedQuantity") or 0)
            arrived = float(figure.get("received") or 0) + float(figure.get("damaged") or 0)
            quantity = max(0.0, min(arrived, float(line.get("quantity") or 0)) - done)
            if float(line.get("receiveQuantity") or 0) != quantity:
                client.json(
                    "PATCH",
                    f"{path}({line['id']})",
                    "Qty. to Receive",
                    {"receiveQuantity": quantity},
                    headers={"If-Match": line.get("@odata.etag") or "*"},
                )
            written += 1
        summary = B.receipt_comment(data)
        if summary not in {line.get("description") for line in lines.values()}:
            client.json("POST", path, "Receipt comment", {"lineType": "Comment", "description": summary})
        return _(
            "purchase order %(reference)s: Qty. to Receive set on %(lines)s lines (%(summary)s); the client "
            "posts the receipt in Business Central",
            reference=data["reference"],
            lines=written,
            summary=summary,
        )

    # --- out: inventory positions ----------------------------------------------------------------
    @api.model
    def _push_inventory_position(self, job):
        """A count to the client's own inventory API (API v2.0 has none): POSTed once per ``reference``."""
        channel, data = job.channel_id, job._payload()
        endpoint = (channel.dynamics365_inventory_endpoint or "").strip().strip("/")
        if not endpoint:
            raise PermanentError(
                _(
                    "Count %(reference)s (%(sku)s: %(delta)s) not sent: Business Central's standard API v2.0 has no "
                    "inventory write. The client's Business Central partner must publish an API page that posts an "
                    "item journal line (README, 'Dynamics 365 Business Central'), and an administrator sets its "
                    "path as the channel's 'Inventory positions API'; then retry this message.",
                    reference=data.get("reference"),
                    sku=data.get("sku"),
                    delta=data.get("delta"),
                )
            )
        endpoint = endpoint.replace("{company}", channel.dynamics365_company_id)
        url = f"{self._dynamics365_environment_url(channel)}/{endpoint}"
        client = self._client(channel, base=url)
        quoted = str(data.get("reference")).replace("'", "''")
        if client.json("GET", "", "Inventory position", params={"$filter": f"reference eq '{quoted}'"}).get("value"):
            return _("count %s already in Business Central", data.get("reference"))  # a retry after a timeout
        client.json("POST", "", "Inventory position", B.inventory_position(data, channel.dynamics365_location_code))
        return Delivered(
            _(
                "count %(reference)s: %(sku)s %(delta)s posted",
                reference=data.get("reference"),
                sku=data.get("sku"),
                delta=data.get("delta"),
            )
        )

    # --- administration ---------------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        company = self._client(channel).json("GET", "", "Company")
        return _("Business Central answers: company %s.", company.get("displayName") or company.get("name"))

    @api.model
    def _webhook_topics(self, channel):
        return [B.TOPIC_ORDERS] + ([B.TOPIC_ITEMS] if channel.catalog_owner == "channel" else [])

    @api.model
    def _dynamics365_subscriptions(self, channel):
        """The environment's subscriptions on this company's resources."""
        client = self._client(channel, base=f"{self._dynamics365_environment_url(channel)}/api/v2.0")
        found = []
        for subscription in client.json("GET", "subscriptions", "Subscriptions").get("value") or []:
            company, entity, _record = B.parse_resource(subscription.get("resource"))
            if (company or "").lower() == channel.dynamics365_company_id.lower():
                found.append({**subscription, "topic": entity})
        return client, found

    @api.model
    def _webhook_subscriptions(self, channel):
        """BC's subscriptions to this company; a topic registered before and gone (BC deletes a subscription
        that expired or whose notification was refused) is reported inactive, so the hourly check says so."""
        url, now = channel.sudo().webhook_url, fields.Datetime.now()
        _client, found = self._dynamics365_subscriptions(channel)
        listed = [
            {
                "id": s.get("subscriptionId"),
                "topic": s["topic"],
                "url": s.get("notificationUrl"),
                "active": B.parse_time(s.get("expirationDateTime")) > now,
                "expires": B.parse_time(s.get("expirationDateTime")),
                "etag": s.get("@odata.etag"),
            }
            for s in found
        ]
        if channel.sudo().webhook_status:  # registered before: a missing subscription is one BC dropped
            for topic in self._webhook_topics(channel):
                if not any(s["topic"] == topic and s["url"] == url for s in listed):
                    listed.append({"id": None, "topic": topic, "url": url, "active": False})
        return listed

    @api.model
    def _subscribe_webhook(self, channel, topic, url, existing=None):
        """Create (POST) or renew / repoint (PATCH, If-Match) the subscription; BC then calls ``url`` with a
        ``validationToken`` the hub's endpoint echoes (the handshake) before it answers."""
        if not channel._get_secret("webhook_secret"):
            channel.webhook_secret = secrets.token_urlsafe(32)  # the clientState, set through the channel: audited
        body = {
            "notificationUrl": url,
            "resource": f"/api/v2.0/companies({channel.dynamics365_company_id})/{topic}",
            "clientState": channel._get_secret("webhook_secret"),
        }
        client = self._client(channel, base=f"{self._dynamics365_environment_url(channel)}/api/v2.0")
        if existing and existing.get("id"):
            client.json(
                "PATCH",
                f"subscriptions('{existing['id']}')",
                f"Renew subscription {topic}",
                body,
                headers={"If-Match": existing.get("etag") or "*"},
            )
        else:
            client.json("POST", "subscriptions", f"Create subscription {topic}", body)

    @api.model
    def _renew_webhook_subscriptions(self, channel):
        """Hourly: each of this channel's subscriptions expiring within a day is renewed (3-day lifetime)."""
        url, now = channel.sudo().webhook_url, fields.Datetime.now()
        renewed = []
        for subscription in self._webhook_subscriptions(channel):
            if subscription["id"] and subscription["url"] == url and subscription["active"]:
                if subscription["expires"] - now < RENEW_BEFORE:
                    self._subscribe_webhook(channel, subscription["topic"], url, subscription)
                    renewed.append((subscription["topic"], _("renewed")))
        return renewed
