from odoo import models


class IntegrationAdapterShopify(models.AbstractModel):
    """Placeholder until the Shopify adapter lands: refuses webhooks (404) instead of failing."""

    _name = "integration.adapter.shopify"
    _inherit = "integration.adapter"
    _description = "Shopify adapter"
