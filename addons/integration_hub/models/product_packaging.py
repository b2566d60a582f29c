from odoo import fields, models


class ProductPackaging(models.Model):
    _inherit = "product.packaging"

    hub_pack_level = fields.Selection(
        [("inner", "Inner pack"), ("carton", "Carton"), ("pallet", "Pallet")],
        string="Pack level (catalog owner)",
        readonly=True,
        help="Kept by the Integration Hub from the catalog owner's pack configuration.",
    )
