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
