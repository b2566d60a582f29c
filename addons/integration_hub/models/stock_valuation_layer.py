from odoo import fields, models


class StockValuationLayerCorrection(models.Model):
    """The valuation view shows the hub's corrections with their reason (Finance reads it)."""

    _inherit = "stock.valuation.layer"

    hub_correction_kind = fields.Selection(related="stock_move_id.hub_correction_kind", store=True)
    hub_correction_reason = fields.Char(related="stock_move_id.hub_correction_reason")
    hub_client_id = fields.Many2one(related="product_id.hub_client_id", string="Client")
