from odoo import fields, models

STREAMS = [
    ("orders", "Orders"),
    ("returns", "Returns"),
    ("tracking", "Tracking"),
    ("notifications", "Notifications"),
    ("receipts", "Purchase orders"),
    ("catalog", "Catalog"),
]


class IntegrationPollCursor(models.Model):
    """Where the polling of one channel and stream stands. The cursor is the adapter's own text:
    the hub stores it and hands it back, never reads it."""

    _name = "integration.poll.cursor"
    _description = "Polling cursor"
    _order = "channel_id, stream"

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    stream = fields.Selection(STREAMS, required=True, readonly=True)
    cursor = fields.Char(readonly=True, help="Where the next poll starts, as the platform's adapter wrote it.")
    polled_at = fields.Datetime(string="Last polled", readonly=True)
    received_last_run = fields.Integer(string="New messages (last run)", readonly=True)
    last_error = fields.Text(readonly=True)

    _sql_constraints = [
        ("channel_stream_unique", "unique(channel_id, stream)", "One cursor per channel and stream."),
    ]
