from odoo import fields, models


class IntegrationShopifyLocation(models.Model):
    """Which Shopify location publishes the stock of which warehouse."""

    _name = "integration.shopify.location"
    _description = "Shopify location of a channel"
    _order = "channel_id, id"

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    name = fields.Char(help="The location's name in Shopify, for people.")
    location_gid = fields.Char(
        string="Shopify location id", required=True, help="gid://shopify/Location/<id> (a bare number is accepted)."
    )
    warehouse_id = fields.Many2one("stock.warehouse", required=True, check_company=True)

    _sql_constraints = [
        ("channel_location_unique", "unique(channel_id, location_gid)", "This Shopify location is already mapped."),
    ]

    def _normalized_gid(self):
        gid = (self.location_gid or "").strip()
        return gid if gid.startswith("gid://") else f"gid://shopify/Location/{gid}"
