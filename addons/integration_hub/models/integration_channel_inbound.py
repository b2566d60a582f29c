from odoo import api, fields, models
from odoo.exceptions import ValidationError


class IntegrationChannelInbound(models.Model):
    """A channel's catalog and inbound rules: the receipt tolerance, and only ready products published."""

    _inherit = "integration.channel"

    receipt_tolerance_pct = fields.Float(
        string="Receipt tolerance (%)",
        default=0.0,
        tracking=True,
        help="A received line may differ from the expected quantity (over, short or damaged) by this share of it "
        "without an exception. 0: every difference opens one.",
    )
    # off by default: most channels send orders, not purchase orders or the catalog
    send_receipt_confirmations = fields.Boolean(
        string="Send receipt confirmations",
        default=False,
        tracking=True,
        help="Once a purchase order / ASN is received: the figures per line (over, short, damaged, unexpected).",
    )
    send_catalog_answers = fields.Boolean(
        string="Answer catalog changes",
        default=False,
        tracking=True,
        help="Tell the catalog owner when a manager keeps a locked pack configuration instead of its change.",
    )
    send_inventory_positions = fields.Boolean(
        string="Send inventory positions",
        default=False,
        tracking=True,
        help="After each physical count of this client's goods: the counted quantity, the variance and its reason, "
        "so the ERP's inventory matches the warehouse (seed: Inventory -> ERP).",
    )
    catalog_item_count = fields.Integer(string="Catalog products", compute="_compute_inbound_counts")
    receipt_count = fields.Integer(string="Expected receipts", compute="_compute_inbound_counts")

    @api.constrains("receipt_tolerance_pct")
    def _check_receipt_tolerance(self):
        for channel in self:
            if not 0 <= channel.receipt_tolerance_pct <= 100:
                raise ValidationError(self.env._("The receipt tolerance is a percentage between 0 and 100."))

    def _compute_inbound_counts(self):
        def count_by(model):
            groups = self.env[model]._read_group([("channel_id", "in", self.ids)], ["channel_id"], ["__count"])
            return {channel.id: count for channel, count in groups}

        items, receipts = count_by("integration.catalog.item"), count_by("integration.receipt")
        for channel in self:
            channel.catalog_item_count = items.get(channel.id, 0)
            channel.receipt_count = receipts.get(channel.id, 0)

    def _publishable_products(self):
        """Only products ready for receiving are published: a product the catalog owner is still defining
        (no barcode, pack configuration incomplete...) is never offered (seed, "SKU/Catalog")."""
        products = super()._publishable_products()
        waiting = self.env["integration.catalog.item"]._receiving_problems(products)
        return products.filtered(lambda product: product.id not in waiting) if waiting else products

    def action_view_catalog_items(self):
        return self._action_view("integration_hub.action_integration_catalog_item")

    def action_view_receipts(self):
        return self._action_view("integration_hub.action_integration_receipt")
