from odoo import models
from odoo.tools import plaintext2html


class StockMove(models.Model):
    """The channel order's special handling (buyer's note, gift message, personalisation) on every transfer
    made for it, so the picker and the packer read it where they work (issue 18, for every platform)."""

    _inherit = "stock.move"

    def _get_new_picking_values(self):
        values = super()._get_new_picking_values()
        order = self.group_id.sale_id.sudo().integration_order_id[:1]
        if order.special_handling and not values.get("note"):
            # text from the channel, never markup: escaped into the HTML note
            values["note"] = plaintext2html(order.special_handling)
        return values
