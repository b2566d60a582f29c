from odoo import api, fields, models


class IntegrationInventoryLevel(models.Model):
    """What the warehouse publishes to one channel for one SKU, and what the channel says back."""

    _name = "integration.inventory.level"
    _description = "Published inventory level"
    _order = "channel_id, sku"
    _rec_name = "sku"

    channel_id = fields.Many2one("integration.channel", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="cascade", readonly=True)
    sku = fields.Char(
        string="Published SKU", readonly=True, help="The product's current code (the new one during a transition)."
    )
    computed_qty = fields.Integer(string="Computed", readonly=True)
    computed_at = fields.Datetime(readonly=True)
    pending_qty = fields.Integer(string="Being published", readonly=True)
    published_qty = fields.Integer(string="Published", readonly=True)
    published_at = fields.Datetime(readonly=True)
    job_id = fields.Many2one("integration.job", string="Last publication job", readonly=True, ondelete="set null")
    reported_qty = fields.Integer(string="Channel reports", readonly=True)
    reported_at = fields.Datetime(readonly=True)
    divergence_pct = fields.Float(string="Divergence (%)", readonly=True, aggregator="max")
    reconciliation_needed = fields.Boolean(
        readonly=True, index=True, help="The channel's figure diverged beyond the threshold: count the shelf."
    )

    _sql_constraints = [
        ("channel_product_unique", "unique(channel_id, product_id)", "One published level per channel and product."),
    ]

    @api.model
    def _for_products(self, channel, product_ids):
        """{product id: level} for the channel, creating the missing ones (two queries whatever the count)."""
        Level = self.sudo()
        levels = {
            level.product_id.id: level
            for level in Level.search([("channel_id", "=", channel.id), ("product_id", "in", list(product_ids))])
        }
        missing = [pid for pid in product_ids if pid not in levels]
        if missing:
            codes = dict(self.env["product.product"].browse(missing).mapped(lambda p: (p.id, p.default_code)))
            for level in Level.create(
                [{"channel_id": channel.id, "product_id": pid, "sku": codes[pid]} for pid in missing]
            ):
                levels[level.product_id.id] = level
        return levels
