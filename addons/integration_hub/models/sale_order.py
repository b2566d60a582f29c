from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    integration_order_id = fields.Many2one(
        "integration.channel.order", string="Channel order", index=True, readonly=True, copy=False
    )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    integration_line_id = fields.Many2one(
        "integration.channel.order.line", string="Channel order line", index=True, readonly=True, copy=False
    )
