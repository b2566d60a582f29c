import json
import time
from contextlib import contextmanager

import pytz

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Delivered
from odoo.addons.integration_hub.lib.errors import PermanentError, RetryableError
from odoo.addons.integration_hub.lib.poll import PollPage, since, time_cursor

from ..lib import netsuite as N

SECRETS = ("netsuite_consumer_key", "netsuite_consumer_secret", "netsuite_token_id", "netsuite_token_secret")
LOCK_CLASS = 0x4E53  # "NS": the advisory locks of NetSuite channels' concurrency slots
SLOT_WAIT = 2.0  # seconds a call waits for a free slot before it is retried later
# what the orders stream reads, in turn: record type, SuiteQL of its changes (keyset paging, see ``_poll``)
CHANGED = "SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified FROM {table} WHERE {kind} "
PHASES = {
    "salesOrder": CHANGED.format(table="transaction", kind="type = 'SalesOrd'"),
    "purchaseOrder": CHANGED.format(table="transaction", kind="type = 'PurchOrd'"),
    "inventoryItem": CHANGED.format(table="item", kind="itemtype = 'InvtPart'"),
}
SINCE = "AND lastmodifieddate >= {since} ORDER BY lastmodifieddate, id"
AFTER = "AND (lastmodifieddate > {moment} OR (lastmodifieddate = {moment} AND id > {id})) ORDER BY lastmodifieddate, id"


class IntegrationAdapterNetSuite(models.AbstractModel):
    """Oracle NetSuite (SuiteTalk REST): sales orders, purchase orders and items polled in with SuiteQL; item
    fulfillments, item receipts and inventory adjustments out. Maps and talks only."""

    _name = "integration.adapter.netsuite"
    _inherit = "integration.adapter"
    _description = "Oracle NetSuite adapter"

    # no outbound webhooks in NetSuite (a SuiteScript on the client's side would be needed): polling
    _capabilities = frozenset(
        {C.POLL_ORDERS, C.FULFILLMENT, C.RECEIPT_STATUS, C.INVENTORY_POSITIONS, C.CONNECTION_TEST}
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = [] if channel.netsuite_account_id else [_("no NetSuite account id")]
        if not all(channel._get_secret(name) for name in SECRETS):
            problems.append(
                _("no token-based authentication credentials (consumer key and secret, token id and secret)")
            )
        if capability in (C.FULFILLMENT, C.RECEIPT_STATUS, C.INVENTORY_POSITIONS) and not channel.netsuite_location_id:
            problems.append(_("no NetSuite location for this warehouse"))
        if capability == C.INVENTORY_POSITIONS and not channel.netsuite_adjustment_account_id:
            problems.append(_("no adjustment account for inventory adjustments"))
        return problems

    @api.model
    def _client(self, channel):
        credentials = tuple(channel._get_secret(name) for name in SECRETS)
        if not (channel.netsuite_account_id and all(credentials)):
            raise PermanentError(
                _(
                    "NetSuite channel '%s' needs its account id and token-based authentication credentials.",
                    channel.name,
                )
            )
        return N.NetSuiteClient(channel.netsuite_account_id, credentials, gate=lambda: self._netsuite_slot(channel))

    @contextmanager
    def _netsuite_slot(self, channel):
        """Hold one of the channel's concurrency slots (a PostgreSQL advisory lock, until the transaction ends) for
        a call: NetSuite's limit is per account, whichever worker or thread calls. None free within SLOT_WAIT:
        ``RetryableError`` (the outbox or the next polling run tries again)."""
        slots, deadline = max(1, channel.netsuite_concurrency or 1), time.monotonic() + SLOT_WAIT
        while True:
            for slot in range(slots):
                self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (LOCK_CLASS, channel.id * 100 + slot))
                if self.env.cr.fetchone()[0]:
                    yield slot
                    return
            if time.monotonic() >= deadline:
                raise RetryableError(
                    _("NetSuite: the channel's %s request slot(s) are busy with another worker", slots), seconds=10
                )
            time.sleep(0.1)

    # --- in ---------------------------------------------------------------------------------
    @api.model
    def _normalize_event(self, event, payload):
        channel = event.channel_id
        location = channel.netsuite_location_id
        if event.event_type == "salesOrder":
            return N.order_document(payload, location)
        if event.event_type == "purchaseOrder":
            return N.receipt_document(payload, location)
        if event.event_type == "inventoryItem":
            return N.product_document(payload, channel.netsuite_carton_field, channel.netsuite_pallet_field)
        raise PermanentError(_("NetSuite message '%s' is not handled by the hub.", event.event_type))

    @api.model
    def _netsuite_phases(self, channel):
        """What the orders stream reads, in this order: items first (an order or a purchase order names them)."""
        phases = []
        if channel.netsuite_poll_items and channel.catalog_owner == "channel":
            phases.append("inventoryItem")
        if channel.netsuite_poll_purchase_orders:
            phases.append("purchaseOrder")
        return [*phases, "salesOrder"]

    @api.model
    def _netsuite_since(self, channel, moment):
        """The cursor (naive UTC) as a SuiteQL timestamp in the time zone of the token's user."""
        local = pytz.utc.localize(moment).astimezone(pytz.timezone(channel.netsuite_timezone or "UTC"))
        return self._netsuite_timestamp(N.suiteql_time(local))

    @api.model
    def _netsuite_timestamp(self, local_text):
        """A SuiteQL timestamp of a ``YYYY-MM-DD HH:MM:SS`` text in the token user's time zone."""
        return f"TO_TIMESTAMP({N.quoted(local_text)}, 'YYYY-MM-DD HH24:MI:SS')"

    @api.model
    def _poll(self, channel, stream, cursor):
        """Changed items, then purchase orders, then sales orders (each its own time cursor), a SuiteQL page per call.

        The cursor is ``{"<record type>": newest lastModifiedDate seen (UTC), "phase", "after", "newest"}``. A
        window's first page reads from the record type's cursor; the next ones page by keyset in
        ``lastmodifieddate, id`` order from the last row read (``"after": [its lastmodifieddate in the token
        user's time zone, its id]``), never by offset: a record changed while the window is read moves to a
        later page instead of shifting the others back past the reader, and no window meets SuiteQL's
        100,000-row paging limit. ``TO_CHAR`` keeps whole seconds: a row in the same second as the last one
        is read again (one message in the inbox), never skipped. Then that record type's cursor moves to the
        newest record read and the next type is read. Each changed record is then read whole
        (``expandSubResources=true``) into the inbox, keyed by id and ``lastModifiedDate``.
        """
        state = json.loads(cursor) if (cursor or "").startswith("{") else {}
        phases = self._netsuite_phases(channel)
        phase = state.get("phase") if state.get("phase") in phases else phases[0]
        after = state.get("after")
        start = since(state.get(phase), fields.Datetime.now())
        client = self._client(channel)
        if after:
            moment = self._netsuite_timestamp(after[0])
            query = PHASES[phase] + AFTER.format(moment=moment, id=int(after[1]))
        else:
            query = PHASES[phase] + SINCE.format(since=self._netsuite_since(channel, start))
        rows, more = client.suiteql(query, f"{phase} changes")
        newest = state.get("newest") or time_cursor(start)
        page = PollPage()
        for row in rows:
            record = client.record(phase, row["id"], phase)
            moment = N.stamp(record.get("lastModifiedDate"))
            newest = max(newest, moment or newest)
            page.messages.append((f"{phase}:{record.get('id') or row['id']}:{moment}", phase, record))
        if more and rows:
            state.update(phase=phase, after=[rows[-1]["modified"], int(rows[-1]["id"])], newest=newest)
            page.more = True
        else:
            state.update({phase: newest, "after": None, "newest": ""})
            state.pop("offset", None)  # the former offset paging's
            following = phases[phases.index(phase) + 1 :]
            state["phase"] = following[0] if following else phases[0]
            page.more = bool(following)
        page.cursor = json.dumps(state, sort_keys=True)
        return page

    # --- fulfillment ------------------------------------------------------------------------
    @api.model
    def _push_fulfillment(self, job):
        """The sales order transformed into an item fulfillment of this shipment's lines, with its package and
        tracking (``POST salesOrder/{id}/!transform/itemFulfillment``). Its ``externalId`` is derived from the
        shipment: an attempt after a timeout first asks NetSuite for it and never creates a second one."""
        channel, payload = job.channel_id, job._payload()
        key, Remembered = payload["shipment_key"], self.env["integration.external.id"]
        if Remembered._of(channel, "fulfillment", hub_reference=key):
            return _("already fulfilled in NetSuite")
        client, xid = self._client(channel), N.external_id("hub-if", key)
        found = client.find("itemFulfillment", xid, "Item fulfillment lookup")
        if found:
            self._remember_fulfillment(channel, payload, str(found.get("id")), xid)
            return _("item fulfillment %s was already created by an earlier attempt", found.get("id"))
        order_id = payload["order_external_id"]
        order = client.record("salesOrder", order_id, "Sales order")
        shipped = {str(line["line_id"]): line["quantity"] for line in payload["lines"] if line["quantity"] > 0}
        tracking = payload.get("tracking") or {}
        body = N.fulfillment_body(
            order, shipped, tracking, channel.netsuite_location_id, xid, channel.netsuite_ship_status
        )
        new_id = client.create(f"record/v1/salesOrder/{order_id}/!transform/itemFulfillment", body, "Item fulfillment")
        self._remember_fulfillment(channel, payload, new_id, xid)
        return _("item fulfillment %(id)s with tracking %(number)s", id=new_id, number=tracking.get("number"))

    @api.model
    def _remember_fulfillment(self, channel, payload, fulfillment_id, xid):
        self.env["integration.external.id"]._remember(
            channel,
            "fulfillment",
            fulfillment_id,
            hub_reference=payload["shipment_key"],
            order_id=payload["order_id"],
            external_ref=xid,
        )

    # --- receipts ---------------------------------------------------------------------------
    @api.model
    def _push_receipt_status(self, job):
        """The purchase order transformed into an item receipt of the good units received per line (damaged and
        unexpected units named in its memo), once: ``externalId`` from the receipt's reference."""
        channel, data = job.channel_id, job._payload()
        client, xid = self._client(channel), N.external_id("hub-ir", data["reference"])
        found = client.find("itemReceipt", xid, "Item receipt lookup")
        if found:
            return _("item receipt %s was already created by an earlier attempt", found.get("id"))
        if not any(line.get("received") for line in data.get("lines") or []):
            return Delivered(_("nothing received against the purchase order: no item receipt"))
        query = f"SELECT id FROM transaction WHERE type = 'PurchOrd' AND tranid = {N.quoted(data['reference'])}"
        rows, _more = client.suiteql(query, "Purchase order lookup", limit=2)
        if len(rows) != 1:
            raise PermanentError(
                _("NetSuite has %(n)s purchase orders numbered %(ref)s", n=len(rows), ref=data["reference"])
            )
        purchase_id = rows[0]["id"]
        purchase = client.record("purchaseOrder", purchase_id, "Purchase order")
        body = N.item_receipt_body(purchase, data, channel.netsuite_location_id, xid)
        path = f"record/v1/purchaseOrder/{purchase_id}/!transform/itemReceipt"
        new_id = client.create(path, body, "Item receipt")
        return _("item receipt %(id)s of %(ref)s", id=new_id, ref=data["reference"])

    # --- inventory positions ----------------------------------------------------------------
    @api.model
    def _push_inventory_position(self, job):
        """A count's difference as an inventory adjustment (``adjustQtyBy`` = counted − before, never an absolute
        quantity): NetSuite's own movements (fulfillments, receipts) stay as they are. A zero delta sends nothing."""
        channel, position = job.channel_id, job._payload()
        if not float(position.get("delta") or 0):
            return Delivered(_("%s: the count matched, nothing to adjust", position.get("sku")))
        client, xid = self._client(channel), N.external_id("hub-adj", position["reference"])
        found = client.find("inventoryAdjustment", xid, "Inventory adjustment lookup")
        if found:
            return _("inventory adjustment %s was already created by an earlier attempt", found.get("id"))
        item_id = self._netsuite_item_id(channel, client, position["sku"])
        body = N.adjustment_body(
            position,
            item_id,
            channel.netsuite_location_id,
            channel.netsuite_adjustment_account_id,
            channel.netsuite_subsidiary_id,
            xid,
        )
        new_id = client.create("record/v1/inventoryAdjustment", body, "Inventory adjustment")
        return _(
            "inventory adjustment %(id)s: %(sku)s by %(delta)s", id=new_id, sku=position["sku"], delta=position["delta"]
        )

    @api.model
    def _netsuite_item_id(self, channel, client, sku):
        """NetSuite's internal id of the item whose name (``itemid``) is the SKU: the listing's, else asked once."""
        Listing = self.env["integration.external.id"]
        listing = Listing._listings_by_sku(channel, [sku]).get(sku)
        if listing and listing.external_id:
            return listing.external_id
        rows, _more = client.suiteql(f"SELECT id FROM item WHERE itemid = {N.quoted(sku)}", "Item lookup", limit=2)
        if len(rows) != 1:
            raise PermanentError(
                _(
                    "NetSuite has %(n)s items named %(sku)s: the adjustment cannot name its item. Make the item's "
                    "name (Item Name/Number) the SKU in NetSuite, then retry.",
                    n=len(rows),
                    sku=sku,
                )
            )
        return str(rows[0]["id"])

    # --- administration ---------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        client = self._client(channel)
        if channel.netsuite_location_id:
            query = f"SELECT id, name FROM location WHERE id = {N.quoted(channel.netsuite_location_id)}"
        else:
            query = "SELECT id, name FROM location"
        rows, _more = client.suiteql(query, "Connection test", limit=5)
        where = ", ".join(f"{row.get('name')} ({row.get('id')})" for row in rows) or _("no location found")
        return _(
            "NetSuite account %(realm)s answers (token-based authentication, HMAC-SHA256): %(where)s.",
            realm=client.realm,
            where=where,
        )
