from odoo import fields, models

INPUT_EXCEPTION_TYPES = [
    ("return_line_unresolved", "Return line not matched to a product"),
    ("service_level_unmapped", "Shipping method not mapped to a service level"),
]


class IntegrationSyncExceptionInputs(models.Model):
    """Exception types for inputs the hub cannot place by itself (return lines, shipping methods)."""

    _inherit = "integration.sync.exception"

    exception_type = fields.Selection(
        selection_add=INPUT_EXCEPTION_TYPES, ondelete={key: "set other" for key, _label in INPUT_EXCEPTION_TYPES}
    )
