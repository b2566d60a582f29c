from odoo import fields, models

CARRIER_EXCEPTION_TYPES = [
    ("shipment_incomplete_data", "Shipment data incomplete (no label)"),
    ("carrier_error", "Carrier call failed"),
    ("carrier_status_unknown", "Unknown carrier status"),
    ("carrier_delivery_problem", "Delivery failed / returned"),
    ("carrier_rule_missing", "No carrier service rule"),
]


class IntegrationSyncException(models.Model):
    _inherit = "integration.sync.exception"

    # uninstalling keeps the exceptions (decided ones are audit evidence): their type falls back to "Other"
    exception_type = fields.Selection(
        selection_add=CARRIER_EXCEPTION_TYPES, ondelete={key: "set other" for key, _label in CARRIER_EXCEPTION_TYPES}
    )
