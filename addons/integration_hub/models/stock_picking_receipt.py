from odoo import fields, models

from ..lib import receipt_states as R


class StockPickingReceipt(models.Model):
    """The incoming transfer of an expected receipt: counting it is arrival, validating it is receipt."""

    _inherit = "stock.picking"

    integration_receipt_id = fields.Many2one(
        "integration.receipt",
        string="Expected receipt",
        index="btree_not_null",
        readonly=True,
        help="The purchase order / ASN this transfer receives (a backorder keeps it).",
    )

    def _action_done(self):
        result = super()._action_done()
        # the hub reads its own records: a warehouse user needs no right on them to validate
        receipts = self.sudo().filtered(lambda p: p.state == "done").integration_receipt_id
        if receipts:
            receipts._on_transfers_done()
        return result

    def action_cancel(self):
        result = super().action_cancel()
        # a cancelled backorder: what was validated before is all that comes
        receipts = self.sudo().integration_receipt_id.filtered(lambda r: r.state in (R.EXPECTED, R.ARRIVED))
        if receipts:
            receipts._on_transfers_done()
        return result

    def _integration_warehouse_progress(self):
        """A line counted on the receipt is the evidence that the goods arrived."""
        super()._integration_warehouse_progress()
        receipts = self.sudo().integration_receipt_id.filtered(lambda r: r.state == R.EXPECTED)
        for receipt in receipts:
            if receipt.picking_ids.move_ids.filtered("picked"):
                receipt._mark_arrived(self.env._("first line counted by %s", self.env.user.name))


class StockMoveReceipt(models.Model):
    _inherit = "stock.move"

    integration_receipt_line_id = fields.Many2one(
        "integration.receipt.line", string="Expected receipt line", index="btree_not_null", readonly=True
    )

    def _prepare_merge_moves_distinct_fields(self):
        # two lines of the owner (e.g. one by SKU, one by barcode) stay two moves: each line gets its figures
        return super()._prepare_merge_moves_distinct_fields() + ["integration_receipt_line_id"]
