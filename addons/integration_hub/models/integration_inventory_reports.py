from odoo import _, api, fields, models

from ..lib import availability as A
from ..lib.errors import PayloadError


class IntegrationChannelSnapshot(models.Model):
    """The daily CSV snapshot for file channels: sku, on-hand, allocated, available."""

    _inherit = "integration.channel"

    @api.model
    def _cron_export_inventory_snapshot(self):
        for channel in self.search([("state", "=", "live"), ("platform", "=", "csv")]):
            products = channel._publishable_products()
            on_hand, reserved = channel._stock_totals(products.ids)
            available = channel._compute_availability(products)
            rows = [["sku", "on_hand", "allocated", "available"]] + [
                [
                    product.default_code,
                    on_hand.get(product.id, 0.0),
                    reserved.get(product.id, 0.0),
                    available[product.id],
                ]
                for product in products.sorted("default_code")
            ]
            stamp = fields.Datetime.now().strftime("%Y%m%dT%H%M%SZ")
            self.env["integration.adapter.csv"]._write_file(
                channel, f"inventory_snapshot_{channel.code}_{stamp}.csv", rows
            )


class IntegrationEventInventoryHandlers(models.Model):
    """What a channel says it has: compared with what the warehouse published."""

    _inherit = "integration.event"

    def _handle_inventory_reported(self, data):
        """{"sku", "quantity"} or {"levels": [{"sku", "quantity"}, ...]}"""
        levels = data.get("levels") if isinstance(data, dict) and "levels" in data else [data]
        channel = self.channel_id
        codes = [str(level.get("sku") or "") for level in levels]
        resolved = self.env["integration.sku.equivalence"]._resolve_codes(channel, codes)
        unknown = [code for code in codes if not resolved.get(code, {}).get("product_id")]
        for level, code in zip(levels, codes, strict=True):
            product_id = resolved.get(code, {}).get("product_id")
            if product_id:
                self.env["integration.inventory.level"]._record_reported(channel, product_id, level.get("quantity"))
        if unknown:
            self.env["integration.sync.exception"]._open(
                "inventory_mismatch",
                _("%s reports stock for unknown SKUs", channel.name),
                _(
                    "SKUs %s are not in the catalog. Map them (SKU equivalences) or ask the channel to remove them.",
                    ", ".join(unknown),
                ),
                record=self,
                channel=channel,
                dedupe_key=f"unknown-skus:{channel.id}:{','.join(sorted(unknown))}",
            )
        return channel


class IntegrationInventoryLevelDivergence(models.Model):
    _inherit = "integration.inventory.level"

    @api.model
    def _record_reported(self, channel, product_id, quantity):
        level = self.sudo().search([("channel_id", "=", channel.id), ("product_id", "=", product_id)], limit=1)
        if not level:
            level = self.sudo().create(
                {
                    "channel_id": channel.id,
                    "product_id": product_id,
                    "sku": self.env["product.product"].browse(product_id).default_code,
                }
            )
        try:
            reported = int(float(quantity))
        except (TypeError, ValueError):
            raise PayloadError(_("reported quantity %r for %s is not a number", quantity, level.sku)) from None
        reference = level.published_qty if level.published_at else level.computed_qty
        divergence = abs(reported - reference) * 100.0 / max(abs(reference), 1)
        level.write({"reported_qty": reported, "reported_at": fields.Datetime.now(), "divergence_pct": divergence})
        if not A.diverges(reference, reported, channel.divergence_threshold_pct):
            return level
        level.reconciliation_needed = True
        self.env["integration.sync.exception"]._open(
            "inventory_mismatch",
            _(
                "%(sku)s: %(channel)s shows %(reported)s, the warehouse published %(published)s",
                sku=level.sku,
                channel=channel.name,
                reported=reported,
                published=reference,
            ),
            _(
                "The channel's figure is %(pct).1f %% away from the warehouse's (threshold %(threshold)s %%). Until a "
                "physical count reconciles it, the warehouse count keeps being published (conservative).\n\n"
                "What to do: count the shelf and record it with 'Reconcile inventory' (the count wins, the "
                "variance is traced and republished at once).",
                pct=divergence,
                threshold=channel.divergence_threshold_pct,
            ),
            record=level,
            channel=channel,
            dedupe_key=f"divergence:{level.id}",
        )
        # conservative: push the warehouse's own figure again now, not the channel's
        channel._publish_inventory(level.product_id, force=True, reason=_("divergence on %s", level.sku))
        return level
