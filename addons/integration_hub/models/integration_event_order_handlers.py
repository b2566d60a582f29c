from odoo import models


class IntegrationEventOrderHandlers(models.Model):
    """Inbox handlers for the hub's order events (``_handle_<type>``, see integration.event)."""

    _inherit = "integration.event"

    def _handle_order_created(self, data):
        return self.env["integration.channel.order"]._ingest(self, data, "created")

    def _handle_order_updated(self, data):
        return self.env["integration.channel.order"]._ingest(self, data, "updated")

    def _handle_order_cancelled(self, data):
        return self.env["integration.channel.order"]._ingest(self, data, "cancelled")
