from odoo import fields, models

CORRECTION_KINDS = [
    ("reconciliation", "Reconciliation (physical count)"),
    ("count_import", "Count import (CSV)"),
    ("return_disposition", "Return disposition"),
]


class StockMoveCorrection(models.Model):
    """Every inventory correction the hub posts says what it was and why (README "Clients and accounting":
    valuation of corrections). Set from the context key ``hub_correction`` = {"kind", "reason"}."""

    _inherit = "stock.move"

    hub_correction_kind = fields.Selection(CORRECTION_KINDS, string="Hub correction", readonly=True, index=True)
    hub_correction_reason = fields.Char(string="Correction reason", readonly=True)

    def _hub_correction_values(self):
        correction = self.env.context.get("hub_correction")
        if not isinstance(correction, dict) or correction.get("kind") not in dict(CORRECTION_KINDS):
            return {}
        return {"hub_correction_kind": correction["kind"], "hub_correction_reason": correction.get("reason") or False}


class StockQuantCorrection(models.Model):
    _inherit = "stock.quant"

    def _get_inventory_move_values(self, qty, location_id, location_dest_id, package_id=False, package_dest_id=False):
        values = super()._get_inventory_move_values(qty, location_id, location_dest_id, package_id, package_dest_id)
        values.update(self.env["stock.move"]._hub_correction_values())
        return values


class StockValuationLayerCorrection(models.Model):
    """The valuation view shows the hub's corrections with their reason (Finance reads it)."""

    _inherit = "stock.valuation.layer"

    hub_correction_kind = fields.Selection(related="stock_move_id.hub_correction_kind", store=True)
    hub_correction_reason = fields.Char(related="stock_move_id.hub_correction_reason")
    hub_client_id = fields.Many2one(related="product_id.hub_client_id", string="Client")
