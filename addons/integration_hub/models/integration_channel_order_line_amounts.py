from odoo import api, fields, models


class IntegrationChannelOrderLineAmounts(models.Model):
    _inherit = "integration.channel.order.line"

    currency_id = fields.Many2one(related="order_id.currency_id")
    discount_amount = fields.Monetary(string="Discount", readonly=True, help="For the whole line, as sent.")
    tax_amount = fields.Monetary(string="Tax", readonly=True, help="For the whole line, as sent.")
    price_subtotal = fields.Monetary(
        string="Subtotal", compute="_compute_price_subtotal", store=True, help="Price × quantity − discount."
    )

    @api.depends("price_unit", "quantity", "discount_amount")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line.price_unit * line.quantity - line.discount_amount
