from odoo import api, fields, models


class IntegrationChannelOrderLine(models.Model):
    """A line exactly as the channel sent it, and the catalog product it resolved to."""

    _name = "integration.channel.order.line"
    _description = "Channel order line"
    _order = "order_id, id"

    order_id = fields.Many2one("integration.channel.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    external_line_id = fields.Char(string="Line id")
    sku = fields.Char(string="SKU as sent", index=True)
    quantity_sent = fields.Char(string="Quantity as sent")
    quantity = fields.Float(compute="_compute_quantity", store=True, string="Quantity")
    product_id = fields.Many2one("product.product", string="Resolved product", index=True)
    resolution = fields.Selection(
        [
            ("code", "Internal reference"),
            ("barcode", "Barcode"),
            ("equivalence", "Equivalence (transition)"),
            ("legacy_barcode", "Legacy barcode"),
        ],
        help="How the SKU was matched to the catalog.",
    )
    resolution_note = fields.Char(help="Warnings (legacy code) or why the SKU did not resolve.")
    state = fields.Selection([("open", "Open"), ("cancelled", "Cancelled")], default="open", required=True)

    def _quantity_value(self):
        """The quantity as a number, or None when what was sent is not a number."""
        try:
            return float(self.quantity_sent)
        except (TypeError, ValueError):
            return None

    @api.depends("quantity_sent")
    def _compute_quantity(self):
        for line in self:
            line.quantity = line._quantity_value() or 0.0
