from odoo import models


class IntegrationAdapterPrivacy(models.AbstractModel):
    """The platform's own rule for personal data, when stricter than the channel's setting."""

    _inherit = "integration.adapter"

    # days after an order is closed before its personal data must be gone on this platform (None: no rule
    # of its own), e.g. a marketplace whose restricted data may not be kept longer than needed after shipment
    _personal_data_retention_days = None
