import json
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Accepted, Delivered, StillProcessing
from odoo.addons.integration_hub.lib.errors import PermanentError
from odoo.addons.integration_hub.lib.poll import PollPage, since, time_cursor

from ..lib import mirakl as M


class IntegrationAdapterMirakl(models.AbstractModel):
    """Mirakl (seller API): orders and returns polled, OR21 decisions, stock imports, OR23/OR24. Maps and talks."""

    _name = "integration.adapter.mirakl"
    _inherit = "integration.adapter"
    _description = "Mirakl adapter"

    # no seller webhooks in the MMP seller API: everything in is polled
    _capabilities = frozenset(
        (C.POLL_ORDERS, C.POLL_RETURNS, C.RETURNS_IN, C.CATALOG, C.INVENTORY_ASYNC, C.FULFILLMENT, C.TRACKING)
        + (C.ACKNOWLEDGE, C.CONNECTION_TEST)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = [] if channel.mirakl_base_url else [_("no operator URL")]
        if not channel._get_secret("mirakl_api_key"):
            problems.append(_("no shop API key"))
        return problems

    @api.model
    def _client(self, channel):
        key = channel._get_secret("mirakl_api_key")
        if not (channel.mirakl_base_url and key):
            raise PermanentError(_("Mirakl channel '%s' needs its operator URL and shop API key.", channel.name))
        return M.MiraklClient(channel.mirakl_base_url, key, channel.mirakl_shop_id or None)

    # --- in ---------------------------------------------------------------------------------
    @api.model
    def _normalize_event(self, event, payload):
        if event.event_type == "order":
            return M.order_document(payload, event.channel_id.mirakl_acceptance_delay_hours)
        if event.event_type == "return":
            return M.return_document(payload)
        if event.event_type == "refund":
            return "return.created", payload
        raise PermanentError(_("Mirakl message type '%s' is not handled by the hub.", event.event_type))

    @api.model
    def _poll(self, channel, stream, cursor):
        """One page of OR11 orders (offset paging) or RT11 returns (page token) updated since the cursor.

        The operator's call frequency allows one call a minute: one page per run (a backlog is read over
        the next runs, from the offset kept in the cursor), never a second call within the minute.
        """
        now = fields.Datetime.now()
        # without the Returns API both streams call OR11: the minute is the API's, not the stream's
        streams = [stream] if channel.mirakl_returns_api else ["orders", "returns"]
        for row in (channel._poll_cursor(name) for name in streams):
            if row.polled_at and now - row.polled_at < timedelta(seconds=M.MIN_CALL_SECONDS):
                return PollPage()  # too soon for the operator: the next run reads it
        state = json.loads(cursor) if (cursor or "").startswith("{") else {"since": cursor}
        start = since(state["since"], now)
        client = self._client(channel)
        if stream == "orders":
            return self._poll_orders(client, state, start)
        if channel.mirakl_returns_api:
            return self._poll_returns(client, state, start)
        # no Returns API: the refunds with units of shipped orders are the returns (never the orders again)
        page = self._poll_orders(client, state, start, M.SHIPPED_STATES)
        page.messages = [
            (key, "refund", document)
            for _key, _type, order in page.messages
            for key, _hub_type, document in M.refund_documents(order)
        ]
        return page

    @api.model
    def _poll_orders(self, client, state, start, states=M.POLLED_STATES):
        offset = state.get("offset") or 0
        params = {
            "start_update_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "order_state_codes": states,
            "sort": "dateCreated",
            "max": M.PAGE_SIZE,
            "offset": offset,
        }
        answer = client.json("GET", "orders", "OR11 orders", params=params)
        orders = answer.get("orders") or []
        newest = max([state.get("newest") or time_cursor(start)] + [o["last_updated_date"][:19] for o in orders])
        page = PollPage(
            messages=[(f"order:{o['order_id']}:{o['last_updated_date']}", "order", o) for o in orders],
        )
        if offset + len(orders) < (answer.get("total_count") or 0):
            page.cursor = json.dumps({**state, "offset": offset + len(orders), "newest": newest})
        else:
            page.cursor = newest
        return page

    @api.model
    def _poll_returns(self, client, state, start):
        params = {"return_last_updated_from": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "limit": M.PAGE_SIZE}
        if state.get("token"):
            params["page_token"] = state["token"]
        answer = client.json("GET", "returns", "RT11 returns", params=params)
        returns = answer.get("data") or []
        stamps = [(r.get("last_updated_date") or "")[:19] for r in returns]
        newest = max([state.get("newest") or time_cursor(start)] + [s for s in stamps if s])
        page = PollPage(messages=[(f"return:{r['id']}:{r.get('state')}", "return", r) for r in returns])
        token = answer.get("next_page_token")
        page.cursor = json.dumps({**state, "token": token, "newest": newest}) if token else newest
        return page

    @api.model
    def _fetch_listings(self, channel):
        """The shop's offers (OF21), offset paging: the offer SKU is ours, the offer id is Mirakl's."""
        client, items, offset = self._client(channel), [], 0
        while True:
            answer = client.json("GET", "offers", "OF21 offers", params={"max": M.PAGE_SIZE, "offset": offset})
            offers = answer.get("offers") or []
            items += [
                {"external_id": str(o["offer_id"]), "sku": o.get("shop_sku"), "name": o.get("product_title") or ""}
                for o in offers
            ]
            offset += len(offers)
            if not offers or offset >= (answer.get("total_count") or 0):
                return items

    # --- out: the decision ------------------------------------------------------------------
    @api.model
    def _push_acknowledge(self, job):
        """OR21: every line accepted or refused (``ORDER_LINE_ACCEPTANCE_DECISION_MISSING`` otherwise)."""
        payload, channel = job._payload(), job.channel_id
        if not payload.get("decision"):
            return Delivered(_("no decision needed: the order was not waiting for acceptance"))
        order_id = payload["order_id"]
        body = {"order_lines": [{"id": line["id"], "accepted": bool(line["accepted"])} for line in payload["lines"]]}
        client = self._client(channel)
        response = client.request("PUT", f"orders/{order_id}/accept", "OR21 accept", json=body, accept=(400, 404, 409))
        if response.status_code < 300:
            refused = [line["id"] for line in payload["lines"] if not line["accepted"]]
            return Delivered(
                _(
                    "order %(order)s: %(decision)s (refused lines: %(lines)s)",
                    order=order_id,
                    decision=payload["decision"],
                    lines=", ".join(refused) or "-",
                )
            )
        code = M.error_code(response)
        if code == "ORDER_PARTIAL_ACCEPTANCE_DISABLED":
            raise PermanentError(
                _(
                    "%(channel)s does not allow refusing part of order %(order)s (ORDER_PARTIAL_ACCEPTANCE_DISABLED). "
                    "The order must be accepted or refused as a whole before its deadline: accept it in Mirakl once "
                    "the missing stock is there, or refuse it there. Then switch off 'Channel takes partial "
                    "refusals' (Order rules tab): the hub holds such orders for a manager instead.",
                    channel=channel.name,
                    order=order_id,
                )
            )
        if code in ("ORDER_INVALID_STATE", "ORDER_NOT_FOUND") or response.status_code == 404:
            current = self._order_state(client, order_id)
            if current in M.CANCELLED_STATES:  # the operator refused it first (auto-refusal): not delivered
                raise PermanentError(
                    _(
                        "order %(order)s was %(state)s in Mirakl before the decision reached it",
                        order=order_id,
                        state=current,
                    )
                )
            if current and current != "WAITING_ACCEPTANCE":  # accepted meanwhile (in the back office)
                return Delivered(_("order %(order)s is %(state)s in Mirakl already", order=order_id, state=current))
        raise PermanentError(
            _(
                "Mirakl refused the decision on order %(order)s: HTTP %(status)s %(code)s",
                order=order_id,
                status=response.status_code,
                code=code or (response.text or "")[:200],
            )
        )

    @api.model
    def _order_state(self, client, order_id):
        answer = client.json("GET", "orders", "OR11 order", params={"order_ids": order_id})
        return next((o.get("order_state") for o in answer.get("orders") or []), None)

    # --- out: stock imports ---------------------------------------------------------------------
    @api.model
    def _push_inventory(self, job):
        """{sku: quantity} as one import file (STO01, or OF01); its status is checked later (STO02 / OF02)."""
        channel = job.channel_id
        quantities = {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        Listing = self.env["integration.external.id"]
        unknown = _("not listed on this Mirakl channel")
        listings, refused = Listing._to_push(channel, quantities, lambda skus: {}, unknown, id_field="sku")
        if not listings:
            return Delivered(_("nothing to send: Mirakl holds these quantities"), refused)
        send = {sku: quantities[sku] for sku in listings}
        client = self._client(channel)
        if channel.mirakl_stock_import == "of01":
            files = {"file": ("offers.csv", M.offer_file(send), "text/csv")}
            answer = client.json(
                "POST", "offers/imports", "OF01 offer import", files=files, data={"import_mode": "PARTIAL_UPDATE"}
            )
            reference = f"of01:{answer['import_id']}"
        else:
            files = {"file": ("stock.csv", M.stock_file(send), "text/csv")}
            answer = client.json("POST", "offers/stock/imports", "STO01 stock import", files=files)
            reference = f"sto01:{answer['import_id']}"
        return Accepted(reference, check_after=M.MIN_CALL_SECONDS, summary=_("%s quantities sent", len(send)))

    @api.model
    def _check_inventory(self, job):
        """STO02 / OF02 status; on completion the error report (STO03 / OF03) names each refused line."""
        kind, import_id = job.remote_ref.split(":", 1)
        base = f"offers/stock/imports/{import_id}" if kind == "sto01" else f"offers/imports/{import_id}"
        code = "STO" if kind == "sto01" else "OF"
        client = self._client(job.channel_id)
        status = client.json("GET", f"{base}/status" if kind == "sto01" else base, f"{code}02 import status")
        if status.get("status") in M.IMPORT_RUNNING:
            return StillProcessing()
        if status.get("status") != "COMPLETE":
            raise PermanentError(
                _(
                    "import %(id)s %(status)s: %(reason)s",
                    id=import_id,
                    status=status.get("status"),
                    reason=status.get("reason_status") or status.get("error") or _("no reason given"),
                )
            )
        quantities = {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        errors = {}
        if status.get("has_error_report") or status.get("lines_in_error"):
            report = client.request("GET", f"{base}/error_report", f"{code}03 error report")
            errors = M.error_report(report.text, sorted(quantities))
        Listing = self.env["integration.external.id"]
        sent = Listing._listings_by_sku(job.channel_id, [sku for sku in quantities if sku not in errors])
        Listing._record_pushed(Listing.concat(*sent.values()), quantities)
        return Delivered(
            _(
                "import %(id)s: %(ok)s lines in success, %(ko)s in error",
                id=import_id,
                ok=status.get("lines_in_success"),
                ko=status.get("lines_in_error") or len(errors),
            ),
            errors,
            grouped=True,
        )

    # --- out: shipments ---------------------------------------------------------------------------
    @api.model
    def _push_fulfillment(self, job):
        """OR23 tracking then OR24 ship (whole order); with multiple shipments, one ST01 shipment per parcel."""
        channel, payload = job.channel_id, job._payload()
        client, Shipment = self._client(channel), self.env["integration.external.id"]
        order_id, key = payload["order_external_id"], payload["shipment_key"]
        done = Shipment._of(channel, "shipment", hub_reference=key)
        if done:  # a retried job: Mirakl has this shipment already
            return _("shipment %s already sent", done[:1].external_id)
        earlier = Shipment._of(channel, "shipment", order_id=payload["order_id"])
        tracking = M.tracking_body(payload.get("tracking"), self._carriers(client))
        if channel.mirakl_multiple_shipments and (earlier or not payload.get("order_complete", True)):
            shipment = {
                "order_id": order_id,
                "shipment_lines": [
                    {"order_line_id": line["line_id"], "quantity": int(line["quantity"])} for line in payload["lines"]
                ],
                "tracking": tracking,
                "shipped": True,
            }
            answer = client.json("POST", "shipments", "ST01 shipment", {"shipments": [shipment]})
            errors = answer.get("shipment_errors") or []
            if errors:
                raise PermanentError(
                    _(
                        "Mirakl refused the shipment of order %(order)s: %(errors)s",
                        order=order_id,
                        errors=json.dumps(errors)[:300],
                    )
                )
            reference = str((answer.get("shipment_success") or [{}])[0].get("id") or key)
        else:
            client.request("PUT", f"orders/{order_id}/tracking", "OR23 tracking", json=tracking)
            if payload.get("order_complete", True):
                client.request("PUT", f"orders/{order_id}/ship", "OR24 ship")
            reference = f"{order_id}:{tracking['tracking_number']}"
        Shipment._remember(channel, "shipment", reference, hub_reference=key, order_id=payload["order_id"])
        return _("shipped with tracking %s", tracking["tracking_number"])

    @api.model
    def _push_tracking(self, job):
        payload = job._payload()
        client = self._client(job.channel_id)
        tracking = M.tracking_body(payload.get("tracking"), self._carriers(client))
        client.request("PUT", f"orders/{payload['order_external_id']}/tracking", "OR23 tracking", json=tracking)
        return _("tracking %s sent", tracking["tracking_number"])

    @api.model
    def _carriers(self, client):
        """The operator's registered carriers (SH21): [{"code", "label", "tracking_url"}]."""
        return client.json("GET", "shipping/carriers", "SH21 carriers").get("carriers") or []

    # --- administration ---------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        answer = self._client(channel).json("GET", "account", "A01 shop account")
        return _(
            "%(url)s answers: shop %(shop)s (%(id)s).",
            url=channel.mirakl_base_url,
            shop=answer.get("shop_name"),
            id=answer.get("shop_id"),
        )
