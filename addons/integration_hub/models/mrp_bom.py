from odoo import fields, models


class MrpBom(models.Model):
    _inherit = "mrp.bom"

    hub_catalog_item_id = fields.Many2one(
        "integration.catalog.item",
        string="Kit of catalog product",
        readonly=True,
        index="btree_not_null",
        help="The kit as the catalog owner defines it: kept by the Integration Hub. A BoM without it is the "
        "warehouse's own and never touched.",
    )
