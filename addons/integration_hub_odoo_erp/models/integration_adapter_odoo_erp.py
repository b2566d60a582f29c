import hashlib
import json
from collections import defaultdict

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib import json_document
from odoo.addons.integration_hub.lib.delivery import Delivered
from odoo.addons.integration_hub.lib.errors import PayloadError, PermanentError, RetryableError
from odoo.addons.integration_hub.lib.poll import PollPage, since
from odoo.addons.integration_hub.lib.webhook import WebhookEnvelope, headers_to_keep

from ..lib import odoo_erp as O

ORDER_FIELDS = ["name", "client_order_ref", "state", "date_order", "write_date", "partner_shipping_id", "carrier_id"]
ORDER_FIELDS += ["order_line", "warehouse_id"]
LINE_FIELDS = ["product_id", "product_uom_qty", "qty_delivered", "display_type", "name"]
PARTNER_FIELDS = ["name", "company_name", "street", "street2", "zip", "city", "state_id", "country_id"]
PARTNER_FIELDS += ["phone", "mobile", "email"]
PURCHASE_FIELDS = ["name", "partner_id", "partner_ref", "state", "date_planned", "write_date", "order_line"]
PURCHASE_LINE_FIELDS = ["product_id", "product_qty", "qty_received", "display_type", "name"]
PRODUCT_FIELDS = ["name", "default_code", "barcode", "weight", "write_date", "packaging_ids", "type"]
# fields a client's Odoo may lack (a module not installed, a version that dropped them): read without them
OPTIONAL_FIELDS = ("carrier_id", "client_order_ref", "mobile", "company_name", "packaging_ids", "barcode", "weight")
# the order line a move comes from: its model, ordered and done quantities (a kit's line counts kits)
KIT_LINES = {
    "sale_line_id": ("sale.order.line", "product_uom_qty", "qty_delivered"),
    "purchase_line_id": ("purchase.order.line", "product_qty", "qty_received"),
}
# what each polled stream reads: model, the states that matter, the warehouse path, the stored event type
STREAMS = {
    "orders": ("sale.order", ["sale", "cancel"], "warehouse_id"),
    "receipts": ("purchase.order", ["purchase", "done", "cancel"], "picking_type_id.warehouse_id"),
    "catalog": ("product.product", None, None),
}
STREAM_OF_MODEL = {model: stream for stream, (model, _states, _path) in STREAMS.items()}
PING = "odoo.ping"  # the client's "Send Webhook Notification" automation: a "this record changed" ping


class IntegrationAdapterOdooErp(models.AbstractModel):
    """A client's own Odoo as its ERP: sale orders, purchase orders and products polled in; deliveries and
    receipts validated back in the client's Odoo, tracking on its delivery, counts as its inventory adjustments."""

    _name = "integration.adapter.odoo_erp"
    _inherit = "integration.adapter"
    _description = "Client's Odoo (ERP) adapter"

    _capabilities = frozenset(
        (C.POLL_ORDERS, C.POLL_RECEIPTS, C.POLL_CATALOG, C.FULFILLMENT, C.TRACKING, C.RECEIPT_STATUS)
        + (C.INVENTORY_POSITIONS, C.CONNECTION_TEST, C.WEBHOOKS)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = [] if channel.odoo_erp_url else [_("no Odoo URL")]
        if not channel._get_secret("odoo_erp_api_key"):
            problems.append(_("no API key of the client's bot user"))
        if channel.odoo_erp_protocol == O.JSONRPC and not (channel.odoo_erp_database and channel.odoo_erp_login):
            problems.append(_("JSON-RPC needs the database and the bot user's login"))
        if capability == C.INVENTORY_POSITIONS and not (channel.odoo_erp_location_id or channel.odoo_erp_warehouse_id):
            problems.append(_("no warehouse or stock location of the client's Odoo to adjust"))
        return problems

    @api.model
    def _client(self, channel):
        key = channel._get_secret("odoo_erp_api_key")
        if not (channel.odoo_erp_url and key):
            raise PermanentError(_("Channel '%s' needs the client's Odoo URL and API key.", channel.name))
        protocol = channel.odoo_erp_protocol
        if protocol == "auto":
            protocol = channel.odoo_erp_detected_protocol or self._detect(channel, key)
        return O.OdooErpClient(
            channel.odoo_erp_url, channel.odoo_erp_database, key, protocol, login=channel.odoo_erp_login
        )

    @api.model
    def _detect(self, channel, key):
        """Which API the client's Odoo speaks: ``GET /web/version`` (else JSON-RPC ``common.version``)."""
        probe = O.OdooErpClient(channel.odoo_erp_url, channel.odoo_erp_database, key, O.JSONRPC)
        version = probe.version()
        if version is None:
            answer = probe.rpc("common", "version", [], "version") or {}
            version = {"version": answer.get("server_version"), "version_info": answer.get("server_version_info")}
        protocol = O.protocol_of(version)
        channel.sudo().write(
            {"odoo_erp_detected_protocol": protocol, "odoo_erp_version": str(version.get("version") or "")}
        )
        return protocol

    # --- in ---------------------------------------------------------------------------------
    @api.model
    def _verify_webhook(self, channel, headers, body):
        """Odoo's *Send Webhook Notification* action (17+) signs nothing and sends no custom header: the
        channel's unguessable URL (rotate it to revoke) and its allowed IPs are the protection. The ping only
        says "this record changed": the record is read again through the API when processed. Key: the model,
        id and ``write_date`` when the automation sends it (else the body), so a repeated ping is one event."""
        try:
            data = json_document.loads(body)
        except (PayloadError, ValueError):
            data = None
        data = data if isinstance(data, dict) else {}
        stamp = data.get("write_date") or hashlib.sha256(body).hexdigest()[:16]
        return WebhookEnvelope(
            idempotency_key=f"ping:{data.get('_model')}:{data.get('_id')}:{stamp}",
            event_type=PING,
            kept_headers=headers_to_keep(dict(headers)),
        )

    @api.model
    def _parse_webhook(self, channel, envelope, body):
        event_type, data = super()._parse_webhook(channel, envelope, body)
        if data.get("_model") not in STREAM_OF_MODEL or not isinstance(data.get("_id"), int):
            raise PayloadError(
                "a ping needs _model (sale.order, purchase.order or product.product) and the record's _id"
            )
        return event_type, data

    @api.model
    def _normalize_event(self, event, payload):
        channel = event.channel_id
        if event.event_type == PING:  # read the record now, as the poll would
            stream = STREAM_OF_MODEL[payload["_model"]]
            records = self._odoo_erp_records(channel, stream, [("id", "=", payload["_id"])])
            if not records:
                reason = _("%(model)s #%(id)s is not for this warehouse", model=payload["_model"], id=payload["_id"])
                return "noop", {"reason": reason}
            return self._odoo_erp_document(channel, payload["_model"], records[0])
        if event.event_type in STREAM_OF_MODEL:
            return self._odoo_erp_document(channel, event.event_type, payload)
        raise PermanentError(_("A '%s' message from the client's Odoo is not handled by the hub.", event.event_type))

    @api.model
    def _odoo_erp_document(self, channel, model, record):
        if model == "sale.order":
            hub_type, document = O.order_document(record)
            known = self.env["integration.channel.order"].search_count(
                [("channel_id", "=", channel.id), ("external_id", "=", document["id"])]
            )
            if hub_type == "order.cancelled" and not known:
                return "noop", {"reason": _("sale order %s cancelled before it reached the warehouse", record["name"])}
            return hub_type, document
        if model == "purchase.order":
            return O.receipt_document(record)
        return O.product_document(record)

    @api.model
    def _poll(self, channel, stream, cursor):
        """One page of sale orders, purchase orders or products changed since the cursor (``write_date``).

        ``write_date`` has second precision: each window re-reads from the cursor minus the overlap, and the
        inbox key (id, ``write_date``) makes a record read twice one message. Pages by keyset in
        ``write_date, id`` order: the next page starts after the last row read (``write_date > w`` or
        ``write_date = w and id > i``), so a record the client edits while the window is read moves to a
        later page instead of shifting the others back (an offset would then skip one row for good).
        Cursor while paging: JSON ``{"start", "after": [write_date, id]}``; at the end: the newest
        ``write_date`` read (``YYYY-MM-DDTHH:MM:SS``, UTC).
        """
        if stream == "catalog" and channel.catalog_owner != "channel":
            return PollPage()  # only the channel that owns the catalog sends its product master
        state = json.loads(cursor) if (cursor or "").startswith("{") else {"since": cursor}
        start = state.get("start") or since(state.get("since"), fields.Datetime.now()).strftime(O.ODOO_TIME)
        after = state.get("after")  # a cursor of the former offset paging re-reads its window: no loss
        if after:
            domain = ["|", ("write_date", ">", after[0]), "&", ("write_date", "=", after[0]), ("id", ">", after[1])]
        else:
            domain = [("write_date", ">=", start)]
        records = self._odoo_erp_records(channel, stream, domain)
        model = STREAMS[stream][0]
        newest = max([after[0] if after else start] + [r["write_date"] for r in records])
        page = PollPage(more=len(records) == O.PAGE_SIZE)
        page.messages = [(f"{model}:{r['id']}:{r['write_date']}", model, r) for r in records]
        if page.more:
            page.cursor = json.dumps({"start": start, "after": [records[-1]["write_date"], records[-1]["id"]]})
        else:
            page.cursor = newest.replace(" ", "T")
        return page

    @api.model
    def _odoo_erp_records(self, channel, stream, domain):
        """One page of the stream's records matching ``domain`` (confirmed, of the channel's warehouse), each
        with what its mapping needs (lines, SKUs, address)."""
        model, states, warehouse_path = STREAMS[stream]
        if stream == "catalog" and channel.catalog_owner != "channel":
            return []
        domain = list(domain)
        if states:
            domain.append(("state", "in", states))
        if warehouse_path and channel.odoo_erp_warehouse_id:
            domain.append((warehouse_path, "=", channel.odoo_erp_warehouse_id))
        if stream == "catalog":
            domain += [("default_code", "!=", False), ("type", "!=", "service")]
        fields_read = {"orders": ORDER_FIELDS, "receipts": PURCHASE_FIELDS, "catalog": PRODUCT_FIELDS}[stream]
        client = self._client(channel)
        records = client.search_read(
            model,
            domain,
            fields_read,
            limit=O.PAGE_SIZE,
            order="write_date asc, id asc",
            optional=OPTIONAL_FIELDS,
        )
        getattr(self, f"_odoo_erp_enrich_{stream}")(client, records)
        return records

    @api.model
    def _odoo_erp_enrich_orders(self, client, orders):
        """Each order's lines (with the SKU and whether it ships) and its delivery address (with the country code)."""
        lines = _by_id(client.read("sale.order.line", _flat(o["order_line"] for o in orders), LINE_FIELDS))
        products = self._odoo_erp_products(client, [O.many2one_id(line["product_id"]) for line in lines.values()])
        partner_ids = _ids(o["partner_shipping_id"] for o in orders)
        partners = _by_id(client.read("res.partner", partner_ids, PARTNER_FIELDS, optional=OPTIONAL_FIELDS))
        countries = _by_id(client.read("res.country", _ids(p["country_id"] for p in partners.values()), ["code"]))
        for order in orders:
            partner = dict(partners.get(O.many2one_id(order["partner_shipping_id"])) or {})
            partner["country_code"] = (countries.get(O.many2one_id(partner.get("country_id"))) or {}).get("code")
            order["shipping"], order["lines"] = partner, []
            for line_id in order["order_line"]:
                line = dict(lines.get(line_id) or {"id": line_id})
                product = products.get(O.many2one_id(line.get("product_id"))) or {}
                line["sku"] = product.get("default_code")
                line["ships"] = product.get("type") != "service"  # a service is not goods to ship
                order["lines"].append(line)

    @api.model
    def _odoo_erp_enrich_receipts(self, client, purchases):
        lines = _by_id(
            client.read("purchase.order.line", _flat(p["order_line"] for p in purchases), PURCHASE_LINE_FIELDS)
        )
        products = self._odoo_erp_products(client, [O.many2one_id(line["product_id"]) for line in lines.values()])
        for purchase in purchases:
            purchase["lines"] = []
            for line_id in purchase["order_line"]:
                line = dict(lines.get(line_id) or {"id": line_id})
                product = products.get(O.many2one_id(line.get("product_id"))) or {}
                line.update(sku=product.get("default_code"), barcode=product.get("barcode"))
                if product.get("type") == "service":
                    line["display_type"] = "service"
                purchase["lines"].append(line)

    @api.model
    def _odoo_erp_enrich_catalog(self, client, products):
        ids = _flat(p.get("packaging_ids") for p in products)
        packagings = _by_id(client.read("product.packaging", ids, ["name", "qty"]))
        for product in products:
            product["packagings"] = [packagings[i] for i in product.get("packaging_ids") or [] if i in packagings]

    @api.model
    def _odoo_erp_products(self, client, ids):
        return _by_id(
            client.read(
                "product.product", sorted({i for i in ids if i}), ["default_code", "barcode", "type"], OPTIONAL_FIELDS
            )
        )

    # --- out: deliveries and receipts validated in the client's Odoo ----------------------------
    @api.model
    def _push_fulfillment(self, job):
        """Validate the client's delivery of the sale order with the quantities shipped and the tracking.

        Payload: ``order_external_id`` (the sale order id), ``shipment_key``, ``lines`` [{line_id (sale order
        line id), quantity}], ``tracking`` {number, company, url}. A retry never validates twice: the shipment
        is remembered, and a delivery already done with this tracking number counts as sent.
        """
        channel, payload = job.channel_id, job._payload()
        Shipment = self.env["integration.external.id"]
        if Shipment._of(channel, "shipment", hub_reference=payload["shipment_key"]):
            return _("already validated in the client's Odoo")
        client, number = self._client(channel), (payload.get("tracking") or {}).get("number") or ""
        order_id = int(payload["order_external_id"])
        shipped = {line["line_id"]: line["quantity"] for line in payload["lines"]}
        picking = self._odoo_erp_open_picking(client, [("sale_id", "=", order_id)], "outgoing", number)
        if picking is None:
            return _("delivery already validated with tracking %s", number)
        client.call("stock.picking", "write", ids=[picking["id"]], vals={"carrier_tracking_ref": number or False})
        self._odoo_erp_validate(client, channel, picking, "sale_line_id", shipped)
        Shipment._remember(
            channel, "shipment", str(picking["id"]), hub_reference=payload["shipment_key"], order_id=payload["order_id"]
        )
        return _("%(picking)s validated with tracking %(number)s", picking=picking["name"], number=number)

    @api.model
    def _push_tracking(self, job):
        """A new tracking number for a shipment already validated: written on the client's delivery."""
        channel, payload = job.channel_id, job._payload()
        row = self.env["integration.external.id"]._of(channel, "shipment", hub_reference=payload["shipment_key"])
        if not row:
            raise RetryableError(_("the shipment has not reached the client's Odoo yet"))
        number = (payload.get("tracking") or {}).get("number") or False
        self._client(channel).call(
            "stock.picking", "write", ids=[int(row[:1].external_id)], vals={"carrier_tracking_ref": number}
        )
        return _("tracking %s written on the client's delivery", number)

    @api.model
    def _push_receipt_status(self, job):
        """Validate the client's receipt of the purchase order with the quantities received (good + damaged).

        Payload: the hub's ``receipt.confirmed`` figures (``reference`` = the purchase order's name, each line's
        ``line_id`` = the purchase order line id). Damaged units and items nobody expected are written in a
        note on the client's receipt (the hub cannot name a product line the client did not order).
        """
        channel, data = job.channel_id, job._payload()
        Shipment, key = self.env["integration.external.id"], f"receipt:{data['reference']}"
        if Shipment._of(channel, "shipment", hub_reference=key):
            return _("receipt already validated in the client's Odoo")
        client = self._client(channel)
        purchase = client.search_read("purchase.order", [("name", "=", data["reference"])], ["id"], limit=1)
        if not purchase:
            raise PermanentError(_("no purchase order %s in the client's Odoo", data["reference"]))
        received = {line["line_id"]: line["received"] + line["damaged"] for line in data["lines"]}
        # a validation whose answer was lost is not repeated (it would validate the client's backorder): the
        # purchase lines already count what the warehouse received
        ids = [int(line_id) for line_id in received if str(line_id).isdigit()]
        lines = client.read("purchase.order.line", ids, ["qty_received"])
        if any(received.values()) and lines and all(row["qty_received"] >= received[str(row["id"])] for row in lines):
            Shipment._remember(channel, "shipment", f"PO-{purchase[0]['id']}", hub_reference=key)
            return _("receipt already validated in the client's Odoo")
        # a receipt already done there (by the client) with nothing open is not redone
        picking = self._odoo_erp_open_picking(client, [("purchase_id", "=", purchase[0]["id"])], "incoming", None)
        if picking is None:
            return _("receipt already validated in the client's Odoo")
        notes = [
            self.env._("%(sku)s: %(damaged)s damaged, into quarantine", sku=line["sku"], damaged=line["damaged"])
            for line in data["lines"]
            if line["damaged"]
        ] + [
            self.env._("%(sku)s: %(received)s received, not on the order", sku=line["sku"], received=line["received"])
            for line in data["unexpected"]
        ]
        if notes:
            body = _("Received by the warehouse:") + "<br/>" + "<br/>".join(notes)
            client.call("stock.picking", "message_post", ids=[picking["id"]], body=body)
        self._odoo_erp_validate(client, channel, picking, "purchase_line_id", received)
        Shipment._remember(channel, "shipment", str(picking["id"]), hub_reference=key)
        return _("%s validated in the client's Odoo", picking["name"])

    @api.model
    def _odoo_erp_open_picking(self, client, domain, kind, marker):
        """The first open transfer of ``kind`` (incoming / outgoing); None when one is already done with the
        tracking ``marker`` (``None``: any done one), i.e. a retry after a timeout; PermanentError when there is
        nothing to validate."""
        domain = domain + [("picking_type_code", "=", kind)]
        pickings = client.search_read(
            "stock.picking", domain, ["name", "state", "origin", "carrier_tracking_ref"], order="id asc"
        )
        done = [p for p in pickings if p["state"] == "done"]
        if marker and any(p.get("carrier_tracking_ref") == marker for p in done):
            return None  # this shipment's delivery is done: a retry after the validation timed out
        for picking in pickings:
            if picking["state"] not in ("done", "cancel", "draft"):
                return picking
        if done and marker is None:
            return None
        raise PermanentError(
            _(
                "the client's Odoo has no %(kind)s transfer to validate (%(done)s already done): validate or "
                "re-open it there, then retry the message",
                kind=kind,
                done=len(done),
            )
        )

    @api.model
    def _odoo_erp_validate(self, client, channel, picking, line_field, quantities):
        """Set each move's quantity done from ``quantities`` ({line id text: quantity}), then validate with the
        channel's backorder policy. Odoo 17+ keeps it in ``quantity`` (+ ``picked``), older versions in
        ``quantity_done``. A kit's line counts kits while its moves are the components (mrp): each component
        takes the share of the kits still to go that leaves now."""
        moves = client.search_read(
            "stock.move",
            [("picking_id", "=", picking["id"]), ("state", "not in", ["done", "cancel"])],
            [line_field, "product_id", "product_uom_qty"],
            order="id asc",
        )
        line_model, ordered, done = KIT_LINES[line_field]
        lines = _by_id(client.read(line_model, _ids(m[line_field] for m in moves), ["product_id", ordered, done]))
        shipped = {str(k): float(v) for k, v in quantities.items()}
        left = defaultdict(float, shipped)
        legacy = _major(channel.odoo_erp_version) and _major(channel.odoo_erp_version) < 17
        for move in moves:
            line = lines.get(O.many2one_id(move[line_field])) or {}
            key = str(line.get("id") or "")
            if line and O.many2one_id(line["product_id"]) != O.many2one_id(move["product_id"]):
                to_go = (line[ordered] or 0.0) - (line[done] or 0.0)
                share = min(1.0, shipped.get(key, 0.0) / to_go) if to_go > 0 else 0.0
                quantity = move["product_uom_qty"] * share
            else:
                quantity = min(left[key], move["product_uom_qty"]) if key in left else 0.0
                left[key] -= quantity
            vals = {"quantity_done": quantity} if legacy else {"quantity": quantity, "picked": bool(quantity)}
            client.call("stock.move", "write", ids=[move["id"]], vals=vals)
        context = {"skip_backorder": True}
        if channel.odoo_erp_backorders == "cancel":
            context["picking_ids_not_to_backorder"] = [picking["id"]]
        result = client.call("stock.picking", "button_validate", ids=[picking["id"]], context=context)
        if isinstance(result, dict) and result.get("res_model"):
            raise PermanentError(
                _(
                    "the client's Odoo asks for '%(wizard)s' before validating %(picking)s: validate it there (or "
                    "switch that check off for the bot user's transfers), then retry the message",
                    wizard=result.get("name") or result["res_model"],
                    picking=picking["name"],
                )
            )

    # --- out: inventory positions as the client's inventory adjustments -------------------------
    @api.model
    def _push_inventory_position(self, job):
        """The warehouse's count as the client's inventory adjustment, read before written.

        Payload (the hub's inventory positions duty): ``sku``, ``on_hand`` (counted, in the product's unit),
        ``reason``, ``reference``. The client's quant of the product in the channel's location (no lot, no
        package) gets ``inventory_quantity`` = on hand in inventory mode, then ``action_apply_inventory`` with the
        reason as the adjustment's name. A quantity the client's Odoo already holds is not written again (a
        retry after a timeout finds it applied). Each call is its own transaction in the client's Odoo: a
        failure between the two leaves a counted, unapplied quant that the retry applies.
        """
        channel, data = job.channel_id, job._payload()
        client = self._client(channel)
        product = client.search_read("product.product", [("default_code", "=", data["sku"])], ["id"], limit=1)
        if not product:
            raise PermanentError(_("no product with internal reference %s in the client's Odoo", data["sku"]))
        location = self._odoo_erp_location(client, channel)
        domain = [("product_id", "=", product[0]["id"]), ("location_id", "=", location)]
        domain += [("lot_id", "=", False), ("package_id", "=", False)]
        quant = client.search_read("stock.quant", domain, ["quantity", "inventory_quantity"], limit=1)
        before, counted = (quant[0]["quantity"] if quant else 0.0), float(data["on_hand"])
        if abs(before - counted) < 1e-6:
            return Delivered(_("%(sku)s: the client's Odoo already holds %(qty)s", sku=data["sku"], qty=counted))
        mode = {"inventory_mode": True}
        if quant:
            quant_id = quant[0]["id"]
            client.call("stock.quant", "write", ids=[quant_id], context=mode, vals={"inventory_quantity": counted})
        else:
            values = {"product_id": product[0]["id"], "location_id": location, "inventory_quantity": counted}
            created = client.call("stock.quant", "create", context=mode, vals_list=[values])
            quant_id = created[0] if isinstance(created, list) else created
        name = _(
            "%(reason)s (warehouse count %(reference)s)", reason=data.get("reason") or "", reference=data["reference"]
        )
        result = client.call(
            "stock.quant", "action_apply_inventory", ids=[quant_id], context={**mode, "inventory_name": name}
        )
        if isinstance(result, dict) and result.get("res_model"):
            # the quant moved between our read and the apply (Odoo's conflict wizard): read again later
            raise RetryableError(_("%s changed in the client's Odoo while it was adjusted", data["sku"]), seconds=60)
        return Delivered(
            _(
                "%(sku)s: %(before)s → %(after)s in the client's Odoo (%(name)s)",
                sku=data["sku"],
                before=before,
                after=counted,
                name=name,
            )
        )

    @api.model
    def _odoo_erp_location(self, client, channel):
        if channel.odoo_erp_location_id:
            return channel.odoo_erp_location_id
        if not channel.odoo_erp_warehouse_id:
            raise PermanentError(
                _("Channel '%s' names no stock location nor warehouse of the client's Odoo.", channel.name)
            )
        warehouse = client.read("stock.warehouse", [channel.odoo_erp_warehouse_id], ["lot_stock_id"])
        if not warehouse:
            raise PermanentError(_("no warehouse #%s in the client's Odoo", channel.odoo_erp_warehouse_id))
        return O.many2one_id(warehouse[0]["lot_stock_id"])

    # --- administration ---------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        """Detects the API (JSON-2 from Odoo 19, JSON-RPC before), then reads the bot user's context."""
        key = channel._get_secret("odoo_erp_api_key")
        if not key:
            raise PermanentError(_("Set the API key of the client's bot user first."))
        protocol = self._detect(channel, key) if channel.odoo_erp_protocol == "auto" else channel.odoo_erp_protocol
        client = self._client(channel)
        client.protocol = protocol
        if protocol == O.JSONRPC:
            uid = client.authenticate()
        else:
            uid = (client.call("res.users", "context_get") or {}).get("uid")
        return _(
            "%(url)s answers: Odoo %(version)s over %(api)s, bot user #%(uid)s.",
            url=channel.odoo_erp_url,
            version=channel.odoo_erp_version or "?",
            api="JSON-2" if protocol == O.JSON2 else "JSON-RPC",
            uid=uid,
        )


def _flat(lists):
    return sorted({item for ids in lists for item in (ids or [])})


def _ids(values):
    return sorted({O.many2one_id(v) for v in values if O.many2one_id(v)})


def _by_id(records):
    return {record["id"]: record for record in records or []}


def _major(version):
    digits = "".join(ch if ch.isdigit() else " " for ch in (version or "")).split()
    return int(digits[0]) if digits else 0
