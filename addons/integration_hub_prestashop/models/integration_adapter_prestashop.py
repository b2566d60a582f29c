import json
from datetime import datetime, timedelta

from odoo import _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib.delivery import Delivered
from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError
from odoo.addons.integration_hub.lib.poll import FIRST_POLL_DAYS, OVERLAP, PollPage

from ..lib import prestashop as P

# only what the mapping needs is kept in the inbox (a customer row also carries its password hash)
ADDRESS_FIELDS = ("firstname", "lastname", "company", "address1", "address2", "postcode", "city", "phone")
ADDRESS_FIELDS += ("phone_mobile", "vat_number", "id_country")
CUSTOMER_FIELDS = ("firstname", "lastname", "email")
# related resources read during one poll window (its pages), per database, channel and stream: {(resource, id): row}
_WINDOW_CACHE = {}


def _label(value):
    """A translated field as text (XML gives the first language's text, JSON a list of {id, value})."""
    if isinstance(value, list):
        return str((value[0] or {}).get("value") or "") if value else ""
    return str(value or "")


class IntegrationAdapterPrestashop(models.AbstractModel):
    """PrestaShop: orders (and merchandise returns where the shop exposes them) polled by ``date_upd``;
    stock through ``stock_availables``; shipments through ``order_carriers`` + ``order_histories``. No
    webhooks (core PrestaShop has none). Maps and talks only."""

    _name = "integration.adapter.prestashop"
    _inherit = "integration.adapter"
    _description = "PrestaShop adapter"

    _capabilities = frozenset(
        (C.POLL_ORDERS, C.POLL_RETURNS, C.RETURNS_IN, C.CATALOG, C.INVENTORY, C.FULFILLMENT, C.TRACKING)
        + (C.ORDER_STATUS, C.CONNECTION_TEST)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        problems = [] if channel.prestashop_shop_url else [_("no shop URL")]
        if not channel._get_secret("prestashop_webservice_key"):
            problems.append(_("no webservice key"))
        meanings = set(channel._prestashop_meanings().values())
        if capability == C.POLL_ORDERS and P.READY not in meanings:
            problems.append(_("no order state means 'paid / ready to ship' ('Test connection' reads them)"))
        if capability == C.FULFILLMENT and P.SHIPPED not in meanings:
            problems.append(_("no order state means 'shipped' (the state set when the goods leave)"))
        if capability == C.POLL_RETURNS and not channel.prestashop_returns_available:
            problems.append(_("the shop's webservice does not expose order_returns (switch 'Poll returns' off)"))
        return problems

    @api.model
    def _client(self, channel):
        key = channel._get_secret("prestashop_webservice_key")
        if not (channel.prestashop_shop_url and key):
            raise PermanentError(_("PrestaShop channel '%s' needs its shop URL and webservice key.", channel.name))
        return P.PrestaShopClient(
            channel.prestashop_shop_url,
            key,
            shop_id=channel.prestashop_shop_id or None,
            output_json=channel.prestashop_output == "json",
        )

    # --- in ---------------------------------------------------------------------------------
    @api.model
    def _normalize_event(self, event, payload):
        channel = event.channel_id
        if event.event_type == "order":
            return P.order_document(payload, channel._prestashop_meanings(), channel.prestashop_timezone or "UTC")
        if event.event_type == "return":
            return P.return_document(payload)
        raise PermanentError(_("PrestaShop message type '%s' is not handled by the hub.", event.event_type))

    @api.model
    def _poll(self, channel, stream, cursor):
        """Orders (or merchandise returns) whose ``date_upd`` is at or after the cursor, a page per call.

        The window's start stays fixed while its pages are read (``limit=offset,count``; a short page is
        the last); the next window starts at the newest ``date_upd`` seen, re-read with an overlap (the
        inbox collapses what was read twice). Dates are the shop's local time.
        """
        if stream == "returns" and not channel.prestashop_returns_available:
            return PollPage()
        timezone = channel.prestashop_timezone or "UTC"
        state = json.loads(cursor) if (cursor or "").startswith("{") else {}
        if not state:
            try:
                start = datetime.strptime(cursor or "", P.DATE_FORMAT) - OVERLAP
            except ValueError:  # no cursor yet (or not one of ours): the last days, never the shop's history
                now = datetime.strptime(P.shop_time(fields.Datetime.now(), timezone), P.DATE_FORMAT)
                start, cursor = now - timedelta(days=FIRST_POLL_DAYS), ""
            state = {"start": start.strftime(P.DATE_FORMAT), "offset": 0, "newest": cursor or ""}
        resource = "orders" if stream == "orders" else "order_returns"
        client = self._client(channel)
        window = (self.env.cr.dbname, channel.id, stream)
        if state["offset"] == 0 or _WINDOW_CACHE.get(window, (None,))[0] != state["start"]:
            _WINDOW_CACHE[window] = (state["start"], {})
        client.cache = _WINDOW_CACHE[window][1]  # an address shared by many orders is read once per poll
        params = {
            "filter[date_upd]": f"[{state['start']},{P.FAR_FUTURE}]",
            "date": "1",
            "sort": "[date_upd_ASC]",
            "limit": f"{state['offset']},{P.PAGE_SIZE}",
        }
        if channel.prestashop_shop_id:
            params["filter[id_shop]"] = f"[{channel.prestashop_shop_id}]"
        rows = client.rows(resource, f"{stream} poll", params)
        page = PollPage(more=len(rows) >= P.PAGE_SIZE)
        newest = max([state["newest"]] + [row.get("date_upd") or "" for row in rows])
        shop = str(channel.prestashop_shop_id or "")
        for row in rows:
            if shop and str(row.get("id_shop") or shop) != shop:
                continue  # another shop of a multistore installation
            if stream == "orders":
                key, bundle = f"order:{row['id']}:{row['date_upd']}", self._order_bundle(client, row)
            else:
                details = client.rows("order_details", "Order details", {"filter[id_order]": f"[{row['id_order']}]"})
                key, bundle = f"return:{row['id']}:{row['date_upd']}", {"order_return": row, "details": details}
            page.messages.append((key, stream[:-1], bundle))
        if page.more:
            page.cursor = json.dumps({**state, "offset": state["offset"] + len(rows), "newest": newest})
        else:
            page.cursor = newest or None
            _WINDOW_CACHE.pop(window, None)
        return page

    @api.model
    def _order_bundle(self, client, order):
        """The order with what the mapping needs from its related resources, each read once per poll."""
        address = client.one("addresses", order.get("id_address_delivery"), "Delivery address")
        customer = client.one("customers", order.get("id_customer"), "Customer")
        bundle = {
            "order": order,
            "address": {name: address.get(name) for name in ADDRESS_FIELDS},
            "customer": {name: customer.get(name) for name in CUSTOMER_FIELDS},
            "country_iso": client.one("countries", address.get("id_country"), "Country").get("iso_code"),
            "currency_iso": client.one("currencies", order.get("id_currency"), "Currency").get("iso_code"),
        }
        if str(order.get("id_carrier") or "0") != "0":
            bundle["carrier"] = {"name": client.one("carriers", order["id_carrier"], "Carrier").get("name")}
        return bundle

    @api.model
    def _fetch_listings(self, channel):
        """Simple products (``<product>-0``) and every combination (``<product>-<combination>``) with its reference."""
        client, items = self._client(channel), []
        with_combinations = set()
        for combination in self._all(client, "combinations", "Combinations"):
            with_combinations.add(str(combination.get("id_product")))
            items.append(
                {
                    "external_id": P.variant_id(combination.get("id_product"), combination.get("id")),
                    "external_ref": str(combination.get("id_product")),
                    "sku": combination.get("reference") or "",
                    "name": combination.get("reference") or "",
                }
            )
        for product in self._all(client, "products", "Products"):
            if str(product.get("id")) not in with_combinations:
                items.append(
                    {
                        "external_id": P.variant_id(product.get("id"), 0),
                        "sku": product.get("reference") or "",
                        "name": _label(product.get("name")),
                    }
                )
        return items

    @api.model
    def _all(self, client, resource, what):
        offset = 0
        while True:
            rows = client.rows(resource, what, {"limit": f"{offset},{P.PAGE_SIZE}"})
            yield from rows
            if len(rows) < P.PAGE_SIZE:
                return
            offset += len(rows)

    # --- out --------------------------------------------------------------------------------
    @api.model
    def _push_inventory(self, job):
        """{sku: quantity}, one ``stock_availables`` row per call: read it, set ``quantity``, PUT it whole."""
        channel, quantities = job.channel_id, {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        client, Listing = self._client(channel), self.env["integration.external.id"]
        unknown = _("no PrestaShop product or combination has this reference")
        listings, refused = Listing._to_push(
            channel, quantities, lambda skus: self._by_reference(client, skus), unknown
        )
        sent = []
        for sku, listing in listings.items():
            product_id, _dash, attribute_id = listing.external_id.partition("-")
            params = {"filter[id_product]": f"[{product_id}]", "filter[id_product_attribute]": f"[{attribute_id or 0}]"}
            if channel.prestashop_shop_id:
                params["filter[id_shop]"] = f"[{channel.prestashop_shop_id}]"
            try:
                rows = client.rows("stock_availables", "Stock row", params)
                if not rows:
                    refused[sku] = _("the shop has no stock row for product %s", listing.external_id)
                    continue
                row = rows[0]
                if str(row.get("depends_on_stock")) == "1":  # advanced stock management: quantity is read-only
                    refused[sku] = _("the shop computes this quantity itself (depends_on_stock = 1)")
                    continue
                row["quantity"] = int(quantities[sku])
                client.write("PUT", f"stock_availables/{row['id']}", "stock_available", row, "Stock update")
            except AuthError:
                raise  # the key was refused: the hub parks the channel
            except PermanentError as error:  # the shop refused this row: named, the rest goes on
                refused[sku] = str(error)
                continue
            sent.append(sku)
        Listing._record_pushed(Listing.concat(*(listings[sku] for sku in sent)), quantities)
        return Delivered(_("%s quantities published", len(sent)), refused)

    @api.model
    def _by_reference(self, client, skus):
        """{sku: item} by reference: a combination's own reference first, else a simple product's."""
        found = {}
        for sku in skus:
            combinations = client.rows("combinations", "Reference lookup", {"filter[reference]": f"[{sku}]"})
            if combinations:
                item = combinations[0]
                found[sku] = {
                    "external_id": P.variant_id(item.get("id_product"), item.get("id")),
                    "external_ref": str(item.get("id_product")),
                }
                continue
            for product in client.rows("products", "Reference lookup", {"filter[reference]": f"[{sku}]"})[:1]:
                found[sku] = {"external_id": P.variant_id(product.get("id"), 0), "name": _label(product.get("name"))}
        return found

    @api.model
    def _push_fulfillment(self, job):
        """The tracking number on the order's carrier row (the shop e-mails it), then the 'shipped' state."""
        channel, payload = job.channel_id, job._payload()
        client, Shipment = self._client(channel), self.env["integration.external.id"]
        order_id, tracking = payload["order_external_id"], payload.get("tracking") or {}
        if not Shipment._of(channel, "shipment", hub_reference=payload["shipment_key"]):  # never twice on a retry
            carrier_row = self._send_tracking(client, order_id, tracking.get("number"))
            Shipment._remember(
                channel,
                "shipment",
                f"{carrier_row}:{payload['shipment_key']}",
                hub_reference=payload["shipment_key"],
                order_id=payload["order_id"],
            )
        if payload.get("order_complete", True):  # PrestaShop has no partial shipment: the last one ships the order
            if not self._set_state(client, channel, order_id, P.SHIPPED, (P.SHIPPED, P.DELIVERED)):
                raise PermanentError(_("No order state of channel %s means 'shipped'.", channel.name))
        return _("shipped with tracking %s", tracking.get("number"))

    @api.model
    def _push_order_status(self, job):
        """The carrier's delivery becomes the 'delivered' state (the shop notifies the customer); PrestaShop
        has no counterpart for the other steps (the shipped state went with the fulfillment)."""
        channel, payload = job.channel_id, job._payload()
        if payload.get("status") != "delivered":
            return _("PrestaShop has no order state for '%s': nothing sent", payload.get("status"))
        if not self._set_state(self._client(channel), channel, payload["order_id"], P.DELIVERED, (P.DELIVERED,)):
            return _("no order state of this channel means 'delivered': nothing sent")
        return _("delivered state set")

    @api.model
    def _set_state(self, client, channel, order_id, meaning, already):
        """POST ``order_histories?sendemail=1`` with the channel's state of ``meaning`` (the lowest id), unless
        the order is in a state meaning one of ``already``. False when no state has that meaning."""
        meanings = channel._prestashop_meanings()
        states = sorted((s for s, m in meanings.items() if m == meaning), key=lambda s: int(s) if s.isdigit() else 0)
        if not states:
            return False
        order = client.get(f"orders/{order_id}", "Order").get("order") or {}
        if meanings.get(str(order.get("current_state"))) not in already:
            history = {"id_order": order_id, "id_order_state": states[0]}
            client.write("POST", "order_histories", "order_history", history, "Order state", params={"sendemail": "1"})
        return True

    @api.model
    def _push_tracking(self, job):
        payload = job._payload()
        number = (payload.get("tracking") or {}).get("number")
        self._send_tracking(self._client(job.channel_id), payload["order_external_id"], number)
        return _("tracking %s sent", number)

    @api.model
    def _send_tracking(self, client, order_id, number):
        """PUT the order's ``order_carriers`` row with the tracking number (``sendemail=1``); returns its id."""
        rows = client.rows("order_carriers", "Order carrier", {"filter[id_order]": f"[{order_id}]"})
        if not rows:
            raise PermanentError(_("PrestaShop order %s has no carrier row to put the tracking number on.", order_id))
        row = dict(rows[0], tracking_number=number or "")
        client.write("PUT", f"order_carriers/{row['id']}", "order_carrier", row, "Tracking", {"sendemail": "1"})
        return row["id"]

    # --- administration ---------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        """``GET /api/`` (what the key may use), JSON detection, and the shop's order states (stored on the channel)."""
        client = self._client(channel)
        resources = client.resources()
        missing = [r for r in ("orders", "order_states", "stock_availables") if not resources.get(r, {}).get("get")]
        output_json = client.detect_json()
        client.output_json = output_json
        states = client.rows("order_states", "Order states")
        channel.sudo().write(
            {
                "prestashop_output": "json" if output_json else "xml",
                "prestashop_returns_available": bool(resources.get("order_returns", {}).get("get")),
            }
        )
        self.env["integration.prestashop.order.state"]._store_from_shop(
            channel, [{**state, "name": _label(state.get("name"))} for state in states]
        )
        unmapped = len(channel.prestashop_order_state_ids.filtered(lambda s: not s.meaning))
        message = _(
            "%(url)s answers in %(format)s: %(states)s order states (%(unmapped)s without a meaning).",
            url=channel.prestashop_shop_url,
            format="JSON" if output_json else "XML",
            states=len(states),
            unmapped=unmapped,
        )
        if missing:
            message += " " + _("The key may not read: %s.", ", ".join(missing))
        return message
