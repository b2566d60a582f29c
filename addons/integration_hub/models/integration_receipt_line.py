from odoo import fields, models

from ..lib import receipt_figures as F


class IntegrationReceiptLine(models.Model):
    """A line of an expected receipt: the code as the owner sent it, the product it resolved to, and
    what the transfer brought in (good units into stock, damaged ones into quarantine)."""

    _name = "integration.receipt.line"
    _inherit = ["integration.hub.record"]
    _description = "Expected receipt line"
    _order = "receipt_id, unexpected, id"
    _hub_fields = frozenset(
        {
            "receipt_id",
            "external_line_id",
            "sku",
            "barcode",
            "quantity_sent",
            "quantity_expected",
            "lot",
            "expiry",
            "product_id",
            "resolution",
            "resolution_note",
            "unexpected",
            "quantity_received",
            "quantity_damaged",
            "difference",
            "result",
            "beyond_tolerance",
        }
    )

    receipt_id = fields.Many2one("integration.receipt", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="receipt_id.company_id", store=True, index=True)
    external_line_id = fields.Char(string="Line id", readonly=True)
    sku = fields.Char(string="SKU as sent", readonly=True)
    barcode = fields.Char(string="Barcode as sent", readonly=True)
    quantity_sent = fields.Char(string="Quantity as sent", readonly=True)
    quantity_expected = fields.Float(string="Expected", readonly=True, digits="Product Unit of Measure")
    lot = fields.Char(string="Lot", readonly=True)
    expiry = fields.Date(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    resolution = fields.Selection(
        [
            ("code", "Internal reference"),
            ("barcode", "Barcode"),
            ("equivalence", "Old code (transition window)"),
            ("legacy_barcode", "Legacy barcode (warning)"),
            ("channel_product", "Channel product id"),
            ("received", "Counted at the receipt"),
        ],
        readonly=True,
    )
    resolution_note = fields.Char(string="Note", readonly=True)
    unexpected = fields.Boolean(string="Not expected", readonly=True, help="Received, but on no line of the owner.")
    move_ids = fields.One2many(
        "stock.move", "integration_receipt_line_id", string="Moves", readonly=True, groups="stock.group_stock_user"
    )
    quantity_received = fields.Float(string="Received", readonly=True, digits="Product Unit of Measure")
    quantity_damaged = fields.Float(
        string="Damaged", readonly=True, digits="Product Unit of Measure", help="Received into quarantine."
    )
    difference = fields.Float(readonly=True, digits="Product Unit of Measure", help="Received and damaged − expected.")
    result = fields.Selection(F.RESULTS, readonly=True)
    beyond_tolerance = fields.Boolean(string="Beyond tolerance", readonly=True)

    def _code(self):
        return self.sku or self.barcode or self.product_id.default_code or self.product_id.display_name
