from odoo import models


class IntegrationReturnPrivacy(models.Model):
    """The customer's claim is their own words: encrypted at rest, its reading logged, anonymised with the rest."""

    _name = "integration.return"
    _inherit = ["integration.return", "integration.personal.data"]

    _personal_data_fields = frozenset({"customer_claim"})
