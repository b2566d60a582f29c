from odoo import fields, models

DYNAMICS365_EXCEPTION_TYPES = [("dynamics365_shipment_to_post", "Shipment to post in Business Central")]


class IntegrationSyncException(models.Model):
    _inherit = "integration.sync.exception"

    exception_type = fields.Selection(
        selection_add=DYNAMICS365_EXCEPTION_TYPES,
        ondelete={key: "set other" for key, _label in DYNAMICS365_EXCEPTION_TYPES},
    )
