from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools.translate import LazyTranslate

from ..lib import availability as A
from ..lib import capabilities as C
from ..lib.errors import PayloadError

_lt = LazyTranslate(__name__)


class IntegrationChannelSnapshot(models.Model):
    """The daily snapshot for file channels: sku, on-hand, allocated, available (their listed products)."""

    _inherit = "integration.channel"

    @api.model
    def _cron_export_inventory_snapshot(self):
        channels = self.search([("state", "=", "live")])
        for channel in channels.filtered(lambda c: C.INVENTORY_SNAPSHOT in c._adapter()._capabilities):
            products = channel._publishable_products()
            on_hand, reserved = channel._stock_totals(products.ids)
            available = channel._compute_availability(products)
            rows = [["sku", "on-hand", "allocated", "available"]] + [
                [
                    product.default_code,
                    on_hand.get(product.id, 0.0),
                    reserved.get(product.id, 0.0),
                    available[product.id],
                ]
                for product in products.sorted("default_code")
            ]
            stamp = fields.Datetime.now().strftime("%Y%m%dT%H%M%SZ")
            channel._adapter()._write_file(channel, f"inventory_snapshot_{channel.code}_{stamp}.csv", rows)


class IntegrationEventInventoryHandlers(models.Model):
    """What a channel says it has: compared with what the warehouse published."""

    _inherit = "integration.event"

    def _handle_inventory_reported(self, data):
        """{"sku", "quantity"} or {"levels": [{"sku", "quantity"}, ...]}

        A platform that names its own item instead of the SKU sends ``external_id`` or ``external_ref``
        (a listing's ids): it resolves through the channel's listings; an item the channel does not list
        is not the warehouse's and is ignored.
        """
        levels = data.get("levels") if isinstance(data, dict) and "levels" in data else [data]
        channel = self.channel_id
        levels = self.env["integration.external.id"]._levels_with_skus(channel, levels)
        codes = [str(level.get("sku") or "") for level in levels]
        resolved = self.env["integration.sku.equivalence"]._resolve_codes(channel, codes)
        unknown = [code for code in codes if not resolved.get(code, {}).get("product_id")]
        reported = {}
        for level, code in zip(levels, codes, strict=True):
            product_id = resolved.get(code, {}).get("product_id")
            if product_id:
                reported[product_id] = level.get("quantity")
        self.env["integration.inventory.level"]._record_reported_batch(channel, reported)
        self._record_reported_listings(channel, levels, resolved)
        if unknown:
            self.env["integration.sync.exception"]._open(
                "inventory_mismatch",
                _lt("%s reports stock for unknown SKUs", channel.name),
                _lt(
                    "SKUs %s are not in the catalog. Map them (SKU equivalences) or ask the channel to remove them.",
                    ", ".join(unknown),
                ),
                record=self,
                channel=channel,
                dedupe_key=f"unknown-skus:{channel.id}:{','.join(sorted(unknown))}",
            )
        return channel

    def _record_reported_listings(self, channel, levels, resolved):
        """The channel's own figure on its listings (what it holds); a product it reports is one it lists."""
        Listing = self.env["integration.external.id"]
        codes = [str(level.get("sku") or "") for level in levels if level.get("sku")]
        rows = Listing._listings_by_sku(channel, codes)
        products = self.env["product.product"].browse(
            {resolved[code]["product_id"] for code in codes if resolved.get(code, {}).get("product_id")}
        )
        unlisted = products - Listing._listed_products(channel)
        if unlisted:
            for row in Listing._list_products(channel, unlisted, source="sku_match"):
                rows.setdefault(row.sku, row)
        at = self.source_timestamp or fields.Datetime.now()
        by_quantity = defaultdict(Listing.browse)
        for level in levels:
            row = rows.get(str(level.get("sku") or ""))
            try:
                by_quantity[float(level.get("quantity"))] |= row or Listing.browse()
            except (TypeError, ValueError):
                continue
        for quantity, group in by_quantity.items():  # one UPDATE per distinct quantity
            group._hub_write({"reported_qty": quantity, "reported_at": at})


class IntegrationInventoryLevelDivergence(models.Model):
    _inherit = "integration.inventory.level"

    @api.model
    def _record_reported(self, channel, product_id, quantity):
        return self._record_reported_batch(channel, {product_id: quantity})

    @api.model
    def _record_reported_batch(self, channel, reported):
        """Compare what the channel says ({product id: quantity}) with what the warehouse published.

        A few queries whatever the number of SKUs, and one corrective publication for all that diverge.
        """
        if not reported:
            return self.browse()
        quantities = {}
        for product_id, quantity in reported.items():
            try:
                quantities[product_id] = int(float(quantity))
            except (TypeError, ValueError):
                raise PayloadError(_("reported quantity %r is not a number", quantity)) from None
        Level = self.sudo()
        levels = Level._for_products(channel, list(quantities))
        sold_since = self._sold_since_publication(channel, list(levels.values()))
        now = fields.Datetime.now()
        diverging = self.env["product.product"]
        for product_id, reported_qty in quantities.items():
            level = levels[product_id]
            published = level.published_qty if level.published_at else level.computed_qty
            # the channel sells from what it was given: orders it took since then are not a divergence
            expected = max(0, published - sold_since.get(product_id, 0))
            divergence = abs(reported_qty - expected) * 100.0 / max(abs(expected), 1)
            level.write({"reported_qty": reported_qty, "reported_at": now, "divergence_pct": divergence})
            if A.diverges(expected, reported_qty, channel.divergence_threshold_pct):
                level.reconciliation_needed = True
                level._open_divergence_exception(channel, reported_qty, expected, divergence)
                diverging |= level.product_id
        if diverging:
            # conservative: push the warehouse's own figures again now, not the channel's
            channel._publish_inventory(
                diverging, force=True, reason=_("divergence on %s", ", ".join(diverging.mapped("default_code")))
            )
        return Level.browse([level.id for level in levels.values()])

    def _sold_since_publication(self, channel, levels):
        """Units of each product in this channel's orders received after the level was published."""
        published_at = {level.product_id.id: level.published_at for level in levels if level.published_at}
        if not published_at:
            return {}
        lines = (
            self.env["integration.channel.order.line"]
            .sudo()
            .search_read(
                [
                    ("order_id.channel_id", "=", channel.id),
                    ("product_id", "in", list(published_at)),
                    ("state", "=", "open"),
                    ("order_id.received_at", ">=", min(published_at.values())),
                ],
                ["product_id", "quantity", "order_id"],
            )
        )
        received = dict(
            self.env["integration.channel.order"]
            .sudo()
            .browse({line["order_id"][0] for line in lines})
            .mapped(lambda o: (o.id, o.received_at))
        )
        sold = {}
        for line in lines:
            product_id = line["product_id"][0]
            if received[line["order_id"][0]] >= published_at[product_id]:
                sold[product_id] = sold.get(product_id, 0) + line["quantity"]
        return sold

    def _open_divergence_exception(self, channel, reported, expected, divergence):
        self.env["integration.sync.exception"]._open(
            "inventory_mismatch",
            _lt(
                "%(sku)s: %(channel)s shows %(reported)s, the warehouse expects %(published)s",
                sku=self.sku,
                channel=channel.name,
                reported=reported,
                published=expected,
            ),
            _lt(
                "The channel's figure is %(pct).1f %% away from the warehouse's (threshold %(threshold)s %%). Until a "
                "physical count reconciles it, the warehouse count keeps being published (conservative).\n\n"
                "What to do: count the shelf and record it with 'Reconcile inventory' (the count wins, the "
                "variance is traced and republished at once).",
                pct=divergence,
                threshold=channel.divergence_threshold_pct,
            ),
            record=self,
            channel=channel,
            dedupe_key=f"divergence:{self.id}",
        )
