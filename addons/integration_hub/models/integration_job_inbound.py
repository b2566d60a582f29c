from odoo import fields, models

INBOUND_JOB_TYPES = [("receipt_status", "Receipt confirmation"), ("catalog_status", "Catalog change answer")]


class IntegrationJobInbound(models.Model):
    """Outbox messages of the inbound side: receipt confirmations and answers to catalog changes."""

    _inherit = "integration.job"

    job_type = fields.Selection(
        selection_add=INBOUND_JOB_TYPES, ondelete={key: "cascade" for key, _label in INBOUND_JOB_TYPES}
    )

    def _after_delivery(self, refused=frozenset()):
        super()._after_delivery(refused)
        if self.job_type == "receipt_status" and self.res_model == "integration.receipt" and self.res_id:
            self.env["integration.receipt"].sudo().browse(self.res_id)._on_confirmation_delivered(self)
