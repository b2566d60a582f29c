from odoo import models


class StockQuantCorrection(models.Model):
    _inherit = "stock.quant"

    def _get_inventory_move_values(self, qty, location_id, location_dest_id, package_id=False, package_dest_id=False):
        values = super()._get_inventory_move_values(qty, location_id, location_dest_id, package_id, package_dest_id)
        values.update(self.env["stock.move"]._hub_correction_values())
        return values
