import json
from collections import defaultdict

from odoo import SUPERUSER_ID, _, api, fields, models

from odoo.addons.integration_hub.lib import capabilities as C
from odoo.addons.integration_hub.lib import json_document, standard_webhooks
from odoo.addons.integration_hub.lib.delivery import Delivered
from odoo.addons.integration_hub.lib.errors import AuthError, PayloadError, RetryableError
from odoo.addons.integration_hub.lib.poll import PollPage, since, time_cursor
from odoo.addons.integration_hub.lib.webhook import WebhookEnvelope, headers_to_keep
from odoo.addons.integration_hub.models.integration_queue import hub_may_commit

from ..lib import etsy as E

RECEIPT_URL = "/application/shops/{shop}/receipts/{receipt}"
PAID_EVENT = "order.paid"
LOCK_NAMESPACE = 0x45747379  # "Etsy": advisory lock per channel while its refresh token is spent


class IntegrationAdapterEtsy(models.AbstractModel):
    """Etsy Open API v3: receipts polled (and announced by ``order.paid``), listing inventory written back
    whole, tracking on the receipt. Maps and talks only."""

    _name = "integration.adapter.etsy"
    _inherit = "integration.adapter"
    _description = "Etsy adapter"

    # in: receipts polled, order.paid pings; out: listing inventory and receipt tracking. No returns API.
    _capabilities = frozenset(
        (C.WEBHOOKS, C.POLL_ORDERS, C.CATALOG, C.INVENTORY, C.FULFILLMENT, C.CONNECTION_TEST, C.TOKEN_REFRESH)
    )

    @api.model
    def _configuration_problems(self, channel, capability):
        if capability == C.WEBHOOKS:
            secret = channel._get_secret("webhook_secret")
            return [] if secret else [_("no webhook signing secret (Etsy's webhook portal gives it: whsec_…)")]
        problems = []
        if not (channel.etsy_keystring and channel._get_secret("etsy_shared_secret")):
            problems.append(_("no Etsy keystring and shared secret"))
        if not channel.etsy_shop_id:
            problems.append(_("no Etsy shop id"))
        if capability != C.CONNECTION_TEST and not channel._get_secret("etsy_refresh_token"):
            problems.append(_("the app is not authorised on Etsy yet ('Authorise on Etsy')"))
        return problems

    # --- authentication ---------------------------------------------------------------------
    @api.model
    def _refresh_access_token(self, channel):
        """The refresh token for a one-hour access token; the refresh token Etsy returns replaces the old one.

        In production the new refresh token is committed at once in a transaction of its own, under a lock
        per channel (two workers never spend the same refresh token): a rollback of the caller's work must
        not lose it. The access token is kept by the hub (``_channel_access_token``).
        """
        if not channel.sudo()._get_secret("etsy_refresh_token"):
            raise AuthError(_("Etsy channel '%s' is not authorised: use 'Authorise on Etsy'.", channel.name))
        if not hub_may_commit(self.env):  # a test transaction: one transaction for everything
            return self._etsy_refresh(self.env(su=True), channel.id)
        with self.env.registry.cursor() as cr:
            return self._etsy_refresh(api.Environment(cr, SUPERUSER_ID, {}), channel.id)

    @api.model
    def _etsy_refresh(self, env, channel_id):
        env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, channel_id])
        channel = env["integration.channel"].browse(channel_id)
        tokens = E.TokenClient(channel.etsy_keystring).refresh(
            channel._get_secret("etsy_refresh_token"), fields.Datetime.now()
        )
        if tokens["refresh_token"]:
            channel._set_secret("etsy_refresh_token", tokens["refresh_token"])
        return tokens["access_token"], tokens["expires_at"]

    @api.model
    def _client(self, channel, authorized=True):
        channel = channel.sudo()
        shared = channel._get_secret("etsy_shared_secret")
        if not (channel.etsy_keystring and shared):
            raise AuthError(_("Etsy channel '%s' has no keystring and shared secret.", channel.name))
        token = (lambda renew: channel._channel_access_token(renew=renew)) if authorized else None
        return E.EtsyClient(channel.etsy_keystring, shared, token)

    # --- in -----------------------------------------------------------------------------------
    @api.model
    def _verify_webhook(self, channel, headers, body):
        """Standard-Webhooks style signature (``webhook-id``/``-timestamp``/``-signature``); ``webhook-id`` dedupes."""
        msg_id = standard_webhooks.verify(channel._get_secret("webhook_secret"), headers, body)
        return WebhookEnvelope(idempotency_key=f"webhook:{msg_id}", kept_headers=headers_to_keep(dict(headers)))

    @api.model
    def _parse_webhook(self, channel, envelope, body):
        document = json_document.loads(body)
        if not isinstance(document, dict) or not document.get("event_type"):
            raise PayloadError("an Etsy webhook is a JSON object with its event_type")
        return document["event_type"], document

    @api.model
    def _normalize_event(self, event, payload):
        channel = event.channel_id
        if event.event_type == PAID_EVENT:  # a thin ping: the receipt is read now
            receipt_id = str(payload.get("resource_url") or "").rstrip("/").rsplit("/", 1)[-1]
            if not receipt_id.isdigit() or str(payload.get("shop_id") or "") != (channel.etsy_shop_id or ""):
                raise PayloadError(_("The Etsy webhook names no receipt of this channel's shop."))
            path = RECEIPT_URL.format(shop=channel.etsy_shop_id, receipt=receipt_id)
            payload = self._client(channel).call("GET", path, "getShopReceipt")
        elif event.event_type != "receipt":
            raise PayloadError(_("Etsy event '%s' is not handled by the hub.", event.event_type))
        receipt_id = str(payload.get("receipt_id"))
        if payload.get("is_shipped") and not self.env["integration.channel.order"].sudo().search_count(
            [("channel_id", "=", channel.id), ("external_id", "=", receipt_id)], limit=1
        ):  # the seller shipped it on Etsy before the hub saw it: nothing for the warehouse
            return "noop", {"order_id": receipt_id, "reason": "receipt already shipped on Etsy"}
        return E.order_document(payload, channel.etsy_missing_phone, channel.etsy_shop_phone)

    @api.model
    def _poll(self, channel, stream, cursor):
        """One page of the shop's receipts modified since the cursor (``min_last_modified``, offset).

        getShopReceipts pages by ``limit`` / ``offset`` only, so the window is read newest first
        (``sort_on=updated``, ``sort_order=desc``) with no upper bound, its start fixed while its pages are
        read. A receipt changed meanwhile moves to the head of the list: the rows behind it shift one place
        further, so a later page reads one of them again (one message in the inbox), and none is skipped;
        the changed receipt itself, if it slid before the offset unread, is newer than every row read after
        the change, so the next window (from the newest ``updated_timestamp`` read, with the hub's overlap)
        reads it. In ascending order the rows would shift back instead and one would be lost. Shipped
        receipts are read too (a cancellation after our tracking, our own shipments collapse as duplicates);
        one the hub never saw is nothing for the warehouse (``_normalize_event``).
        """
        state = json.loads(cursor) if (cursor or "").startswith("{") else {"since": cursor}
        start = since(state.get("since"), fields.Datetime.now())
        params = {
            "min_last_modified": E.epoch(start),
            "sort_on": "updated",
            "sort_order": "desc",
        }
        path = f"/application/shops/{channel.etsy_shop_id}/receipts"
        client = self._client(channel)
        receipts, offset, more = next(client.pages(path, "getShopReceipts", params, state.get("offset") or 0, 1))
        newest = state.get("newest") or time_cursor(start)
        page = PollPage(more=more)
        for receipt in receipts:
            key = f"receipt:{receipt['receipt_id']}:{receipt.get('updated_timestamp')}"
            page.messages.append((key, "receipt", receipt))
            updated = receipt.get("updated_timestamp")
            if updated:
                newest = max(newest, E.iso(updated)[:19])
        page.cursor = json.dumps({**state, "offset": offset, "newest": newest}) if more else newest
        return page

    @api.model
    def _fetch_listings(self, channel):
        """Every product with an SKU of the shop's active and sold-out listings (``includes=Inventory``)."""
        client, items = self._client(channel), []
        path = f"/application/shops/{channel.etsy_shop_id}/listings"
        for state in E.LISTING_STATES:
            for listings, _offset, _more in client.pages(
                path, "getListingsByShop", {"state": state, "includes": "Inventory"}
            ):
                for listing in listings:
                    items += E.listing_items(listing)
        return items

    # --- out: inventory -------------------------------------------------------------------------
    @api.model
    def _push_inventory(self, job):
        """{sku: quantity}: per listing, read its inventory, change only those quantities, write it back whole.

        A 409 (the listing changed in between) is read and written again (``CONFLICT_ATTEMPTS``); a listing
        Etsy refuses names each of its SKUs; the other listings are published.
        """
        channel, quantities = job.channel_id, {sku: float(qty) for sku, qty in (job._payload() or {}).items()}
        client, Listing = self._client(channel), self.env["integration.external.id"]
        unknown = _("no product of the shop's active Etsy listings has this SKU")
        lookup = lambda skus: self._etsy_products(client, channel, skus)  # noqa: E731
        listings, refused = Listing._to_push(channel, quantities, lookup, unknown)
        by_listing, sent = defaultdict(list), []
        for sku, row in listings.items():
            by_listing[row.external_ref].append(sku)
        for listing_id, skus in by_listing.items():
            if not listing_id:
                refused.update(dict.fromkeys(skus, _("the Etsy listing of this product is not known")))
                continue
            errors = self._etsy_write_listing(client, listing_id, {sku: quantities[sku] for sku in skus})
            refused.update(errors)
            sent += [sku for sku in skus if sku not in errors]
        Listing._record_pushed(Listing.concat(*(listings[sku] for sku in sent)), quantities)
        return Delivered(_("%s quantities published", len(sent)), refused)

    @api.model
    def _etsy_write_listing(self, client, listing_id, quantities):
        """Read-modify-write of one listing's inventory; {sku: why refused}."""
        path = f"/application/listings/{listing_id}/inventory"
        for _attempt in range(E.CONFLICT_ATTEMPTS):
            inventory = client.call("GET", path, "getListingInventory")
            body, refused = E.inventory_update(inventory, quantities)
            if body is None:
                return refused
            answer = client.call("PUT", path, "updateListingInventory", json=body, accept=(400, 404, 409))
            if not isinstance(answer, tuple):
                return refused
            status, error = answer
            if status != 409:  # the listing as a whole is refused: every SKU written to it is named
                why = _("Etsy refused the listing %(listing)s: %(error)s", listing=listing_id, error=error.get("error"))
                return {**refused, **dict.fromkeys(quantities, why)}
        raise RetryableError(_("Etsy listing %s kept changing while its inventory was written (409)", listing_id))

    @api.model
    def _etsy_products(self, client, channel, skus):
        """{sku: {external_id: product_id, external_ref: listing_id, name}} of the shop's active listings."""
        wanted = set(skus)
        return {row["sku"]: row for row in self._fetch_listings(channel) if row["sku"] in wanted}

    # --- out: shipments -------------------------------------------------------------------------
    @api.model
    def _push_fulfillment(self, job):
        """The receipt's tracking (``createReceiptShipment``, receipt level, Etsy e-mails the buyer).

        Etsy has no per-line shipments: the first shipment of a receipt sends its tracking (saying more
        parcels follow when some are left); a later shipment is not sent again, its tracking is noted on
        the order and in the job's summary. The receipt's ``shipments`` are read first (getShopReceipt): one
        with this tracking code means an earlier post whose answer was lost went through, and each post
        e-mails the buyer, so it is not posted again.
        """
        channel, payload = job.channel_id, job._payload()
        Shipment = self.env["integration.external.id"]
        tracking = payload.get("tracking") or {}
        if Shipment._of(channel, "shipment", hub_reference=payload["shipment_key"]):
            return _("already sent")  # a retried job never e-mails the buyer twice
        order = self.env["integration.channel.order"].sudo().browse(payload["order_id"])
        earlier = Shipment._of(channel, "shipment", order_id=order.id)
        if earlier:
            note = _(
                "Etsy takes one tracking per receipt (already sent: %(first)s): tracking %(number)s of this "
                "shipment is noted here, not sent.",
                first=earlier[:1].external_ref or earlier[:1].external_id,
                number=tracking.get("number"),
            )
            order._hub_note(note)
            Shipment._remember(
                channel, "shipment", f"{payload['shipment_key']}:noted", hub_reference=payload["shipment_key"]
            )
            return note
        carrier = E.carrier_name(tracking.get("company"))
        form = {"tracking_code": tracking.get("number") or "", "carrier_name": carrier, "send_bcc": "false"}
        notes = []
        if carrier == "other" and tracking.get("company"):
            notes.append(_("Shipped with %s.", tracking["company"]))
        if tracking.get("url"):
            notes.append(_("Track it at %s", tracking["url"]))
        if not payload.get("order_complete", True):
            notes.append(_("The rest of your order follows in another parcel."))
        if notes:
            form["note_to_buyer"] = " ".join(notes)
        path = RECEIPT_URL.format(shop=channel.etsy_shop_id, receipt=payload["order_external_id"])
        client = self._client(channel)
        # a post whose answer was lost (timeout) may have been made: its shipment is on the receipt, and posting
        # again would e-mail the buyer twice
        receipt = client.call("GET", path, "getShopReceipt")
        done = any(
            (shipment.get("tracking_code") or "") == form["tracking_code"]
            for shipment in receipt.get("shipments") or []
        )
        if not done:
            client.call("POST", path + "/tracking", "createReceiptShipment", data=form)
        Shipment._remember(
            channel,
            "shipment",
            f"{payload['order_external_id']}:{tracking.get('number')}",
            external_ref=tracking.get("number") or "",
            hub_reference=payload["shipment_key"],
            order_id=order.id,
        )
        if done:
            return _("tracking %s was already on the Etsy receipt: not sent again", tracking.get("number"))
        return _("tracking %(number)s sent as %(carrier)s", number=tracking.get("number"), carrier=carrier)

    # --- administration -------------------------------------------------------------------------
    @api.model
    def _test_connection(self, channel):
        client = self._client(channel, authorized=bool(channel.sudo()._get_secret("etsy_refresh_token")))
        shop = client.call("GET", f"/application/shops/{channel.etsy_shop_id}", "getShop")
        remaining = client.limits.get("x-remaining-today")
        text = _("Etsy answers: shop %(name)s.", name=shop.get("shop_name") or channel.etsy_shop_id)
        if remaining is not None:
            text += " " + _("%s calls left today.", remaining)
        if not channel.sudo()._get_secret("etsy_refresh_token"):
            text += " " + _("The app is not authorised yet: use 'Authorise on Etsy'.")
        return text
