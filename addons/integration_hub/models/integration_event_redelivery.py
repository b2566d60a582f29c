from odoo import fields, models


class IntegrationEventRedelivery(models.Model):
    """One row per redelivery of a known message (the seed: "the duplicate is logged and discarded").

    Append-only and separate from the event, so that recording a duplicate
    never waits for, nor conflicts with, the worker processing the original.
    """

    _name = "integration.event.redelivery"
    _description = "Integration inbox redelivery"
    _order = "id desc"

    event_id = fields.Many2one("integration.event", required=True, index=True, ondelete="cascade", readonly=True)
    channel_id = fields.Many2one(related="event_id.channel_id")
    company_id = fields.Many2one(related="event_id.company_id")
    received_at = fields.Datetime(readonly=True)
    remote_ip = fields.Char(readonly=True)
    source = fields.Char(readonly=True, help="How the redelivery came: webhook, poll, file, email...")
