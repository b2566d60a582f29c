from odoo import api, fields, models


class IntegrationChannelOrderAmounts(models.Model):
    """The consumer's amounts as the platform sent them (lib/order_payload.py amounts contract).

    Kept for reference in every accounting mode; in *Own sales* they are the sale order's prices.
    """

    _inherit = "integration.channel.order"

    client_id = fields.Many2one(related="channel_id.client_id", store=True, index=True, string="Client")
    currency_code = fields.Char(string="Currency as sent", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    prices_include_tax = fields.Boolean(readonly=True, help="The channel's prices include tax.")
    amount_shipping = fields.Monetary(string="Shipping charged", readonly=True)
    amount_shipping_tax = fields.Monetary(string="Tax on shipping", readonly=True)
    amount_total = fields.Monetary(string="Total as sent", readonly=True, help="The order's grand total as sent.")
    amount_tax = fields.Monetary(
        string="Tax", compute="_compute_amounts", store=True, help="Tax of the lines and of shipping, as sent."
    )
    amount_discount = fields.Monetary(string="Discounts", compute="_compute_amounts", store=True)
    accounting_mode = fields.Selection(related="channel_id.client_id.hub_accounting_mode", string="Accounting mode")
    placed_month = fields.Date(
        compute="_compute_placed_month", store=True, help="For reports: the month the order was placed."
    )

    @api.depends("line_ids.tax_amount", "line_ids.discount_amount", "line_ids.state", "amount_shipping_tax")
    def _compute_amounts(self):
        for order in self:
            lines = order.line_ids.filtered(lambda line: line.state == "open")
            order.amount_tax = sum(lines.mapped("tax_amount")) + order.amount_shipping_tax
            order.amount_discount = sum(lines.mapped("discount_amount"))

    @api.depends("placed_at", "received_at")
    def _compute_placed_month(self):
        for order in self:
            moment = order.placed_at or order.received_at
            order.placed_month = moment and moment.date().replace(day=1)

    @api.model
    def _amount_values(self, doc):
        """Order-level amounts of a parsed document as field values (the currency by its ISO code)."""
        currency = self._currency_by_code(doc.currency)
        return {
            "currency_code": doc.currency or False,
            "currency_id": currency.id,
            "prices_include_tax": doc.prices_include_tax,
            "amount_shipping": doc.shipping_price or 0.0,
            "amount_shipping_tax": doc.shipping_tax or 0.0,
            "amount_total": doc.total or 0.0,
        }

    @api.model
    def _currency_by_code(self, code):
        # inactive currencies too: an order in SEK is stored in SEK even if nobody enabled it yet
        if not code:
            return self.env.company.currency_id
        return self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
