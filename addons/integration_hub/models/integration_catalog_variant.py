from odoo import fields, models


class IntegrationCatalogVariant(models.Model):
    """One variant of a catalog product as the owner sent it, and the Odoo variant it is kept on.

    Identified by the owner's variant id, else by its attribute values (``key``): a new SKU or barcode
    for the same variant is a code change, never a second product.
    """

    _name = "integration.catalog.variant"
    _inherit = ["integration.hub.record"]
    _description = "Catalog product variant"
    _order = "item_id, sequence, id"
    _hub_fields = frozenset({"item_id", "key", "external_id", "sku", "barcode", "attribute_values", "product_id"})

    item_id = fields.Many2one(
        "integration.catalog.item",
        string="Catalog product",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="item_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    key = fields.Char(
        string="Identity", required=True, readonly=True, help="The owner's variant id, else its attribute values."
    )
    external_id = fields.Char(string="Variant id in the owner", readonly=True)
    sku = fields.Char(string="SKU", readonly=True, index=True)
    barcode = fields.Char(readonly=True, index=True)
    attribute_values = fields.Char(string="Attributes", readonly=True, help="e.g. Size=S, Colour=Blue")
    product_id = fields.Many2one("product.product", string="Odoo variant", readonly=True, index=True)
    state = fields.Selection(related="item_id.state", string="Lifecycle")

    _sql_constraints = [
        ("item_key_unique", "unique(item_id, key)", "A variant is kept once per catalog product."),
    ]
