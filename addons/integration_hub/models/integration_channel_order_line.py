import math

from odoo import api, fields, models

LINE_KINDS = [
    ("goods", "Goods shipped by this warehouse"),
    ("no_shipping", "Needs no shipping"),
    ("elsewhere", "Fulfilled elsewhere"),
]


class IntegrationChannelOrderLine(models.Model):
    """A line exactly as the channel sent it, and the catalog product it resolved to.

    Only goods this warehouse ships are validated, reserved, picked and labelled. A line that needs
    no shipping (a tip, a digital gift card) or that another location or fulfillment service handles
    is kept with its price, shown for what it is, and never held, picked or reserved.
    """

    _name = "integration.channel.order.line"
    _description = "Channel order line"
    _order = "order_id, id"

    order_id = fields.Many2one("integration.channel.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    external_line_id = fields.Char(string="Line id")
    name = fields.Char(string="Description", help="The line's title as the channel sent it.")
    sku = fields.Char(string="SKU as sent", index=True)
    external_product_id = fields.Char(
        string="Channel product id",
        index=True,
        help="The channel's own id of the product or variant (e.g. a Shopify variant id): used when the SKU is empty.",
    )
    quantity_sent = fields.Char(string="Quantity as sent")
    quantity = fields.Float(compute="_compute_quantity", store=True, string="Quantity")
    price_unit = fields.Float(string="Unit price", digits="Product Price", help="As the channel sent it.")
    ships = fields.Boolean(
        string="Needs shipping",
        default=True,
        help="False for lines that are not goods to send (a tip, a digital gift card): kept, never picked.",
    )
    fulfilled_by = fields.Char(
        string="Fulfilled elsewhere by",
        help="The location or fulfillment service that ships this line instead of this warehouse.",
    )
    line_kind = fields.Selection(LINE_KINDS, compute="_compute_line_kind", string="Kind")
    for_warehouse = fields.Boolean(
        compute="_compute_for_warehouse",
        store=True,
        index=True,
        help="An open line of goods this warehouse ships: the only lines validated, reserved and picked.",
    )
    product_id = fields.Many2one("product.product", string="Resolved product", index=True)
    resolution = fields.Selection(
        [
            ("code", "Internal reference"),
            ("barcode", "Barcode"),
            ("equivalence", "Equivalence (transition)"),
            ("legacy_barcode", "Legacy barcode"),
            ("channel_product", "Channel product id"),
        ],
        help="How the SKU was matched to the catalog.",
    )
    resolution_note = fields.Char(help="Warnings (legacy code) or why the SKU did not resolve.")
    state = fields.Selection([("open", "Open"), ("cancelled", "Cancelled")], default="open", required=True)

    def _quantity_value(self):
        """The quantity as a finite number, or None when what was sent is not one (text, NaN, Infinity)."""
        try:
            number = float(self.quantity_sent)
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) else None

    @api.depends("quantity_sent")
    def _compute_quantity(self):
        for line in self:
            line.quantity = line._quantity_value() or 0.0

    @api.depends("ships", "fulfilled_by")
    def _compute_line_kind(self):
        for line in self:
            line.line_kind = "no_shipping" if not line.ships else "elsewhere" if line.fulfilled_by else "goods"

    @api.depends("ships", "fulfilled_by", "state")
    def _compute_for_warehouse(self):
        for line in self:
            line.for_warehouse = line._is_warehouse_line()

    def _is_warehouse_line(self):
        self.ensure_one()
        return self.state == "open" and self.ships and not self.fulfilled_by

    def _label(self):
        """How people name the line: its SKU, else its title, else its id."""
        self.ensure_one()
        return self.sku or self.name or self.external_line_id or str(self.id)
