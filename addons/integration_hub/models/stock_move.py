from odoo import models


class StockMove(models.Model):
    """A move restricted to an owner (``restrict_partner_id``) reserves that owner's stock only.

    Odoo's own reservation ignores the owner unless asked; a delivery of a client's order must never take
    another client's goods (README "Clients and accounting": stock ownership).
    """

    _inherit = "stock.move"

    def _update_reserved_quantity(self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True):
        if not owner_id and self.restrict_partner_id:
            owner_id = self.restrict_partner_id
        return super()._update_reserved_quantity(
            need, location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict
        )

    def _prepare_procurement_values(self):
        # the chained steps (pick, pack) of a client's delivery are restricted to the same owner
        values = super()._prepare_procurement_values()
        if self.restrict_partner_id:
            values["restrict_partner_id"] = self.restrict_partner_id.id
        return values
