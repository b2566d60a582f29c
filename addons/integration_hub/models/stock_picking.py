from odoo import api, fields, models

from ..lib import order_states as S

IN_WAREHOUSE = (S.ACCEPTED, S.PICKING, S.PICKED)


class StockPicking(models.Model):
    _inherit = "stock.picking"

    integration_order_id = fields.Many2one(related="sale_id.integration_order_id", string="Channel order")
    integration_return_id = fields.Many2one("integration.return", string="Customer return", index=True, readonly=True)

    def _action_done(self):
        result = super()._action_done()
        self._integration_warehouse_progress()
        returns = self.filtered(lambda p: p.state == "done").integration_return_id
        if returns:
            returns.sudo()._on_receipt_done()
        return result

    def _integration_warehouse_progress(self):
        """Pick / pack evidence moves the channel orders of these transfers forward."""
        sales = self.sale_id
        if not sales:
            return
        orders = (
            self.env["integration.channel.order"]
            .sudo()
            .search([("sale_order_id", "in", sales.ids), ("state", "in", IN_WAREHOUSE)])
        )
        if orders:
            orders.write({"last_pick_activity_at": fields.Datetime.now()})
            orders._sync_warehouse_progress()


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    _PICK_EVIDENCE = {"picked", "result_package_id", "quantity"}

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if any(vals.get("picked") for vals in vals_list):
            lines.picking_id._integration_warehouse_progress()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if self._PICK_EVIDENCE & set(vals):
            self.picking_id._integration_warehouse_progress()
        return result
