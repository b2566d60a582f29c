from odoo import fields, models


class IntegrationInventoryShare(models.Model):
    """Units of a product set aside for one channel (e.g. B2B keeps 20 of each): other channels never see them."""

    _name = "integration.inventory.share"
    _description = "Inventory reserved for a channel"

    channel_id = fields.Many2one("integration.channel", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="cascade")
    reserved_qty = fields.Float(required=True)

    _sql_constraints = [
        ("channel_product_unique", "unique(channel_id, product_id)", "One reservation per channel and product."),
        ("positive", "CHECK(reserved_qty >= 0)", "A reserved quantity cannot be negative."),
    ]
