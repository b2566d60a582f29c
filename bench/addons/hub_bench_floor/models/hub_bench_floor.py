from odoo import fields, models


class HubBenchFloor(models.Model):
    """The table the floor route writes one row to per request (bench only)."""

    _name = "hub.bench.floor"
    _description = "Bench: intake floor rows"

    body = fields.Text()
    received_at = fields.Datetime()
