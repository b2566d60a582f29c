from odoo import models

# inbound messages that carry no customer: stock levels, carrier scans, app notices
NON_PERSONAL_EVENT_TYPES = ("inventory", "shipment.", "app/")


class IntegrationEventPrivacy(models.Model):
    """A raw order or return message holds the customer's delivery data: reading it is logged."""

    _name = "integration.event"
    _inherit = ["integration.event", "integration.personal.data"]

    _personal_data_fields = frozenset({"payload"})

    def _personal_data_records(self):
        return self.filtered(lambda event: not (event.sudo().event_type or "").startswith(NON_PERSONAL_EVENT_TYPES))
