from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    hub_client_id = fields.Many2one(
        "res.partner",
        string="Client",
        index=True,
        domain=[("hub_client", "=", True)],
        default=lambda self: self._default_hub_client(),
        help="The merchant this product belongs to. Its channels resolve SKUs and publish stock only inside "
        "their client's catalog: two clients may use the same SKU code. Empty: the company's own product.",
    )

    @api.model
    def _default_hub_client(self):
        return self.env.company.partner_id
