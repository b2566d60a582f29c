from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    integration_order_id = fields.Many2one(
        "integration.channel.order", string="Channel order", index=True, readonly=True, copy=False
    )
    hub_stock_owner_id = fields.Many2one(
        "res.partner",
        string="Stock owner",
        readonly=True,
        copy=False,
        help="Fulfilment for a client: the delivery takes only this client's stock (owner on stock).",
    )
    hub_fulfilment = fields.Boolean(
        string="Fulfilment for a client",
        readonly=True,
        copy=False,
        help="Delivered for a client of the warehouse: no revenue for the warehouse, nothing to invoice.",
    )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    integration_line_id = fields.Many2one(
        "integration.channel.order.line", string="Channel order line", index=True, readonly=True, copy=False
    )

    def _prepare_procurement_values(self, group_id=False):
        values = super()._prepare_procurement_values(group_id)
        if self.order_id.hub_stock_owner_id:
            values["restrict_partner_id"] = self.order_id.hub_stock_owner_id.id
        return values

    @api.depends("order_id.hub_fulfilment")
    def _compute_qty_to_invoice(self):
        # fulfilment for a client: the goods are the client's, the warehouse bills its services elsewhere
        super()._compute_qty_to_invoice()
        for line in self.filtered("order_id.hub_fulfilment"):
            line.qty_to_invoice = 0.0
