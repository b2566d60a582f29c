from odoo import models


class IntegrationAdapterManual(models.AbstractModel):
    """Manual entry: orders typed by the warehouse team (the seed's fallback path)."""

    _name = "integration.adapter.manual"
    _inherit = "integration.adapter"
    _description = "Manual entry adapter"


class IntegrationAdapterCsv(models.AbstractModel):
    """CSV files: rows become inbox events; nothing arrives through webhooks."""

    _name = "integration.adapter.csv"
    _inherit = "integration.adapter"
    _description = "CSV file adapter"


class IntegrationAdapterEmail(models.AbstractModel):
    """Email hand-offs for constrained B2B workflows."""

    _name = "integration.adapter.email"
    _inherit = "integration.adapter"
    _description = "Email adapter"
