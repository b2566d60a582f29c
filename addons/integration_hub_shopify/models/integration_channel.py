from odoo import fields, models


class IntegrationChannel(models.Model):
    """Declares the platform; the adapter arrives with the Shopify issue."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("shopify", "Shopify")], ondelete={"shopify": "set default"})
