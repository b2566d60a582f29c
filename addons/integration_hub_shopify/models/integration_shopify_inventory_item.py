from datetime import timedelta

from odoo import api, fields, models

# Shopify's clock (X-Shopify-Triggered-At) against ours: a reported level older than the last push by
# more than this was superseded by the push; a closer one still counts (at worst one push too many).
REPORT_CLOCK_SKEW = timedelta(minutes=5)


class IntegrationShopifyInventoryItem(models.Model):
    """SKU -> Shopify inventory item, resolved once; the last quantity pushed per location.

    Also keeps Shopify's own last reported level (inventory_levels/update) for
    the divergence checks of the inventory work.
    """

    _name = "integration.shopify.inventory.item"
    _description = "Shopify inventory item of a SKU"
    _order = "channel_id, sku"

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    sku = fields.Char(required=True, index=True)
    inventory_item_gid = fields.Char(required=True, index=True)
    location_gid = fields.Char(required=True)
    last_pushed_quantity = fields.Float(readonly=True)
    pushed = fields.Boolean(readonly=True, help="A quantity was published at least once.")
    pushed_at = fields.Datetime(readonly=True)
    remote_available = fields.Float(readonly=True, help="Available quantity Shopify last reported.")
    remote_updated_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("channel_sku_location_unique", "unique(channel_id, sku, location_gid)", "One row per SKU and location."),
    ]

    @api.model
    def _for_channel(self, channel, location_gid, skus=None):
        """{sku: row} at one location, in one search (only ``skus`` when given)."""
        domain = [("channel_id", "=", channel.id), ("location_gid", "=", location_gid)]
        if skus is not None:
            domain.append(("sku", "in", list(skus)))
        return {row.sku: row for row in self.sudo().search(domain)}

    def _shopify_holds(self, quantity):
        """True when Shopify is known to hold ``quantity`` already, so pushing it again changes nothing.

        The hub last pushed this quantity, and Shopify reported no other level since then (a level
        reported well before the push was overwritten by it).
        """
        self.ensure_one()
        if not self.pushed or self.last_pushed_quantity != quantity:
            return False
        if not self.remote_updated_at:
            return True  # Shopify never reported a level: what the hub set is what it holds
        if self.pushed_at and self.remote_updated_at < self.pushed_at - REPORT_CLOCK_SKEW:
            return True
        return self.remote_available == quantity
