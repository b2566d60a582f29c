import json
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Delivered
from odoo.addons.integration_hub.lib.errors import HubError, PermanentError, RetryableError
from odoo.addons.integration_hub.lib.poll import FIRST_POLL_DAYS, PollPage

from ..lib import sap_b1 as B

# the inventory positions duty (issue 20): declared once the core has it
INVENTORY_POSITIONS = (C.INVENTORY_POSITIONS,) if hasattr(C, "INVENTORY_POSITIONS") else ()
SESSION = "access_token"  # the seam's short-lived token: here the session cookies, kept encrypted with their expiry
# the Service Layer entity -> the kind of message it becomes in the inbox
ENTITY_KINDS = {"Items": "item", "PurchaseOrders": "purchase_order", "Orders": "order"}
ITEM_FIELDS = "ItemCode,ItemName,BarCode,InventoryItem,PurchaseQtyPerPackUnit,SalesUnitWeight,UpdateDate"


class IntegrationAdapterSapB1(models.AbstractModel):
    """SAP Business One Service Layer: sales orders, items and purchase orders polled; delivery notes, goods
    receipts PO and inventory positions posted. One session per channel, reused. Maps and talks only."""

    _name = "integration.adapter.sap_b1"
    _inherit = "integration.adapter"
    _description = "SAP Business One adapter"

    # no push in the Service Layer: everything in is polled, in one stream (items, purchase orders, then orders)
    _capabilities = frozenset(
        (C.POLL_ORDERS, C.FULFILLMENT, C.TRACKING, C.RECEIPT_STATUS)
        + INVENTORY_POSITIONS
        + (C.CONNECTION_TEST, C.TOKEN_REFRESH)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = [] if channel.sap_b1_service_url else [_("no Service Layer URL")]
        if not (channel.sap_b1_company_db and channel.sap_b1_username and channel._get_secret("sap_b1_password")):
            problems.append(_("no company database, user and password"))
        if capability != C.CONNECTION_TEST and not channel.sap_b1_warehouse_code:
            problems.append(_("no SAP warehouse code"))
        return problems

    # --- the session ------------------------------------------------------------------------
    @api.model
    def _refresh_access_token(self, channel):
        """A new session: (cookies as JSON, expires_at). The session it replaces is logged out first (its
        licence is freed); SAP's timeout is idle-based, the hub renews it at the login's timeout."""
        channel = channel.sudo()
        login = B.SapB1Login(channel.sap_b1_service_url)
        previous = channel._get_secret(SESSION)
        if previous:
            try:
                login.logout(json.loads(previous))
            except (HubError, ValueError):
                pass  # a session already gone frees its licence itself
        cookies, expires_at = login.login(
            channel.sap_b1_company_db,
            channel.sap_b1_username,
            channel._get_secret("sap_b1_password"),
            fields.Datetime.now(),
        )
        return json.dumps(cookies), expires_at

    @api.model
    def _client(self, channel):
        problems = self._configuration_problems(channel.sudo(), C.CONNECTION_TEST)
        if problems:
            raise PermanentError(
                _(
                    "SAP Business One channel '%(channel)s': %(problems)s",
                    channel=channel.name,
                    problems=", ".join(problems),
                )
            )
        channel = channel.sudo()
        return B.SapB1Client(
            channel.sap_b1_service_url, lambda renew: json.loads(channel._channel_access_token(renew=renew))
        )

    # --- in ---------------------------------------------------------------------------------
    @api.model
    def _normalize_event(self, event, payload):
        warehouse = event.channel_id.sap_b1_warehouse_code
        if event.event_type == "order":
            return B.order_document(payload["order"], warehouse, payload.get("partner"))
        if event.event_type == "purchase_order":
            return B.purchase_order_document(payload, warehouse)
        if event.event_type == "item":
            return B.item_document(payload, event.channel_id.sap_b1_pallet_field)
        raise PermanentError(_("SAP Business One message type '%s' is not handled by the hub.", event.event_type))

    @api.model
    def _sap_b1_phases(self, channel):
        """What the orders stream reads, in this order: items first (orders and purchase orders name them), when
        this channel owns the catalog and *Poll catalog* is on; purchase orders (*Poll purchase orders*); orders."""
        phases = ["Items"] if channel.catalog_owner == "channel" and channel.poll_catalog else []
        return phases + (["PurchaseOrders"] if channel.poll_receipts else []) + ["Orders"]

    @api.model
    def _poll(self, channel, stream, cursor):
        """One page of what changed since each entity's day (``UpdateDate ge``), ``odata.nextLink`` paging.

        The cursor is ``{"<entity>": the day its last complete read began, "phase", "next", "day"}``: the
        entities are read one after the other (``_sap_b1_phases``), a page per call. ``UpdateDate`` has day
        precision: an entity's window starts a day before the day its last complete read began (that day is
        read again, whole, and a day more for the clocks of SAP's server and ours); the inbox key of a version
        (lib ``message_key``) makes a re-read version a duplicate, never a second order.
        """
        state = json.loads(cursor) if (cursor or "").startswith("{") else {}
        phases = self._sap_b1_phases(channel)
        entity = state.get("phase") if state.get("phase") in phases else phases[0]
        kind, today = ENTITY_KINDS[entity], fields.Date.today()
        if state.get(entity):
            start = fields.Date.to_date(state[entity][:10]) - timedelta(days=1)
        else:
            start = today - timedelta(days=FIRST_POLL_DAYS)
        params = {"$filter": B.day_filter("UpdateDate", start), "$orderby": "DocEntry"}
        if entity == "Orders" and channel.sap_b1_order_filter:
            params["$filter"] = B.day_filter("UpdateDate", start, channel.sap_b1_order_filter)
        if entity == "Items":
            pallet = channel.sap_b1_pallet_field
            params.update({"$select": ITEM_FIELDS + (f",{pallet}" if pallet else ""), "$orderby": "ItemCode"})
        client = self._client(channel)
        link = state.get("next") if state.get("phase") == entity else None
        rows, link = next(client.pages(entity, f"{entity} changed since {start}", params, first=link))
        # the window's day: once its last page is read, everything SAP changed before that day was seen
        day = state.get("day") if state.get("phase") == entity and state.get("day") else today.isoformat()
        if link:
            page = PollPage(more=True, cursor=json.dumps({**state, "phase": entity, "next": link, "day": day}))
        else:
            following = phases[phases.index(entity) + 1 :]
            done = {key: value for key, value in state.items() if key not in ("phase", "next", "day")}
            done[entity] = day
            page = PollPage(
                more=bool(following), cursor=json.dumps({**done, "phase": following[0] if following else None})
            )
        partners = {}
        for row in rows:
            if entity == "Orders":
                payload = {"order": row, "partner": self._sap_b1_partner(client, row.get("CardCode"), partners)}
                page.messages.append((B.message_key("order", row), kind, payload))
            else:
                key = B.message_key(kind, row, "ItemCode" if entity == "Items" else "DocEntry")
                page.messages.append((key, kind, row))
        return page

    @api.model
    def _sap_b1_partner(self, client, card_code, cache):
        """The customer's phones and e-mail (not on the order): ``BusinessPartners('<CardCode>')``, once a page."""
        if card_code not in cache:
            path = f"BusinessPartners({B.odata_literal(card_code)})"
            answer = client.call(
                "GET", path, "customer", params={"$select": "CardCode,Phone1,Cellular,EmailAddress"}, accept=(404,)
            )
            cache[card_code] = answer or {}
        return cache[card_code]

    # --- out: deliveries ------------------------------------------------------------------------
    @api.model
    def _sap_b1_existing(self, client, channel, entity, key):
        """The document of ``entity`` the hub created for ``key`` (by its reference field), or None."""
        field = channel.sap_b1_reference_field
        params = {"$filter": f"{field} eq {B.odata_literal(B.reference_of(key))}", "$select": "DocEntry,DocNum"}
        found = client.call("GET", entity, f"{entity} by reference", params=params).get("value") or []
        return found[0] if found else None

    @api.model
    def _push_fulfillment(self, job):
        """One delivery note per shipment, its lines based on the sales order's lines (BaseType 17), with the
        tracking. A retry after a timeout finds the note it created by its reference and posts nothing."""
        channel, payload = job.channel_id, job._payload()
        client, Shipment = self._client(channel), self.env["integration.external.id"]
        key = payload["shipment_key"]
        done = Shipment._of(channel, "shipment", hub_reference=key)
        if done:
            return _("delivery note %s already posted", done[:1].external_ref or done[:1].external_id)
        note = self._sap_b1_existing(client, channel, "DeliveryNotes", key)
        if not note:
            order = client.call("GET", f"Orders({int(payload['order_external_id'])})", "sales order")
            body = B.delivery_note(
                order,
                payload,
                channel.sap_b1_warehouse_code,
                channel.sap_b1_reference_field,
                channel.sap_b1_tracking_field,
            )
            note = client.call("POST", "DeliveryNotes", "delivery note", body)
        Shipment._remember(
            channel,
            "shipment",
            str(note["DocEntry"]),
            external_ref=str(note.get("DocNum") or ""),
            hub_reference=key,
            order_id=payload["order_id"],
        )
        return _(
            "delivery note %(number)s posted, tracking %(tracking)s",
            number=note.get("DocNum"),
            tracking=(payload.get("tracking") or {}).get("number") or "-",
        )

    @api.model
    def _push_tracking(self, job):
        """A later tracking number on the shipment's delivery note (PATCH of the tracking field)."""
        channel, payload = job.channel_id, job._payload()
        note = self.env["integration.external.id"]._of(channel, "shipment", hub_reference=payload["shipment_key"])
        number = (payload.get("tracking") or {}).get("number")
        if not note:  # the shipment's own message is still in the outbox: this one waits for it
            raise RetryableError(_("no delivery note was posted for shipment %s yet", payload["shipment_key"]), 300)
        if not channel.sap_b1_tracking_field:
            return _("no tracking field set on the channel: tracking %s not sent", number)
        body = {channel.sap_b1_tracking_field: number}
        self._client(channel).call("PATCH", f"DeliveryNotes({int(note[:1].external_id)})", "tracking number", body)
        return _("tracking %s sent", number)

    # --- out: receipts --------------------------------------------------------------------------
    @api.model
    def _push_receipt_status(self, job):
        """A goods receipt PO (``PurchaseDeliveryNotes``) based on the purchase order's lines (BaseType 22).

        Items not on the order and damaged units without a damaged-goods warehouse are named (one exception
        naming each), never posted. Found by its reference after a timeout: never posted twice.
        """
        channel, confirmation = job.channel_id, job._payload()
        client = self._client(channel)
        reference = f"receipt:{confirmation['reference']}"
        if not str(confirmation["reference"]).isdigit():
            raise PermanentError(
                _("receipt %s did not come from an SAP purchase order (its reference is the DocNum)", reference)
            )
        params = {"$filter": f"DocNum eq {int(confirmation['reference'])}"}
        orders = client.call("GET", "PurchaseOrders", "purchase order", params=params).get("value") or []
        if not orders:
            raise PermanentError(_("SAP Business One has no purchase order %s", confirmation["reference"]))
        body, refused = B.goods_receipt_po(
            orders[0],
            confirmation,
            channel.sap_b1_warehouse_code,
            channel.sap_b1_damaged_warehouse_code,
            channel.sap_b1_reference_field,
        )
        if body is None:
            return Delivered(
                _("nothing to post on purchase order %s", confirmation["reference"]), refused, grouped=True
            )
        receipt = self._sap_b1_existing(client, channel, "PurchaseDeliveryNotes", reference)
        if not receipt:
            receipt = client.call("POST", "PurchaseDeliveryNotes", "goods receipt PO", body)
        summary = _(
            "goods receipt PO %(number)s posted for purchase order %(order)s",
            number=receipt.get("DocNum"),
            order=confirmation["reference"],
        )
        return Delivered(summary, refused, grouped=True)

    # --- out: inventory positions ---------------------------------------------------------------
    @api.model
    def _push_inventory_position(self, job):
        """A count in SAP (the channel's choice): a goods receipt / issue of the difference, or an inventory
        posting of SAP's quantity (read first) plus the difference. A zero difference posts nothing."""
        channel, position = job.channel_id, job._payload()
        warehouse, field = channel.sap_b1_warehouse_code, channel.sap_b1_reference_field
        client = self._client(channel)
        if channel.sap_b1_inventory_document == "posting":
            entity = "InventoryPostings"
            path = f"Items({B.odata_literal(position['sku'])})"
            item = client.call("GET", path, "item stock", params={"$select": "ItemCode,ItemWarehouseInfoCollection"})
            body = B.inventory_posting(position, warehouse, B.warehouse_stock(item, warehouse), field)
        else:
            entity, body = B.inventory_adjustment(position, warehouse, field)
            if entity is None:
                return _("%s: no difference, nothing to post", position["sku"])
        existing = self._sap_b1_existing(client, channel, entity, position["reference"])
        if existing:
            return _("%(entity)s %(number)s already posted", entity=entity, number=existing.get("DocNum"))
        answer = client.call("POST", entity, entity, body)
        return _(
            "%(entity)s %(number)s: %(sku)s %(delta)+g in %(warehouse)s",
            entity=entity,
            number=answer.get("DocNum") or answer.get("DocumentNumber") or answer.get("DocEntry"),
            sku=position["sku"],
            delta=float(position["delta"]),
            warehouse=warehouse,
        )

    # --- administration ---------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        client = self._client(channel)
        code = channel.sap_b1_warehouse_code
        if not code:
            client.call("GET", "Warehouses", "warehouses", params={"$select": "WarehouseCode", "$top": 1})
            return _("%s answers; set the SAP warehouse code of this warehouse.", channel.sap_b1_company_db)
        warehouse = client.call(
            "GET",
            f"Warehouses({B.odata_literal(code)})",
            "warehouse",
            params={"$select": "WarehouseCode,WarehouseName"},
        )
        return _(
            "%(db)s answers: warehouse %(code)s (%(name)s).",
            db=channel.sap_b1_company_db,
            code=code,
            name=warehouse.get("WarehouseName"),
        )
