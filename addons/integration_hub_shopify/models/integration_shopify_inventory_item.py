from odoo import api, fields, models


class IntegrationShopifyInventoryItem(models.Model):
    """SKU -> Shopify inventory item, resolved once; the last quantity pushed per location.

    Also keeps Shopify's own last reported level (inventory_levels/update) for
    the divergence checks of the inventory work.
    """

    _name = "integration.shopify.inventory.item"
    _description = "Shopify inventory item of a SKU"
    _order = "channel_id, sku"

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True)
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
    def _for_channel(self, channel, location_gid):
        rows = self.sudo().search([("channel_id", "=", channel.id), ("location_gid", "=", location_gid)])
        return {row.sku: row for row in rows}
