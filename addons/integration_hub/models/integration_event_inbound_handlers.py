from odoo import models


class IntegrationEventInboundHandlers(models.Model):
    """Inbox handlers of the catalog and the inbound side (``_handle_<type>``, see integration.event)."""

    _inherit = "integration.event"

    def _handle_product_upserted(self, data):
        return self.env["integration.catalog.item"].sudo()._ingest(self, data)

    def _handle_receipt_expected(self, data):
        return self.env["integration.receipt"].sudo()._ingest(self, data)
