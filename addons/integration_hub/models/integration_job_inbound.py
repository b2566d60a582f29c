from odoo import fields, models

INBOUND_JOB_TYPES = [
    ("receipt_status", "Receipt confirmation"),
    ("catalog_status", "Catalog change answer"),
    ("inventory_position", "Inventory position"),
]


class IntegrationJobInbound(models.Model):
    """Outbox messages to the owners of goods: receipt confirmations, catalog answers, inventory positions."""

    _inherit = "integration.job"

    job_type = fields.Selection(
        selection_add=INBOUND_JOB_TYPES, ondelete={key: "cascade" for key, _label in INBOUND_JOB_TYPES}
    )

    def _after_delivery(self, refused=frozenset()):
        super()._after_delivery(refused)
        if self.job_type == "receipt_status" and self.res_model == "integration.receipt" and self.res_id:
            self.env["integration.receipt"].sudo().browse(self.res_id)._on_confirmation_delivered(self)
