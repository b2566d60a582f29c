from odoo import fields, models


class IntegrationChannelOrderFiles(models.Model):
    """Where an order came from when it is not an API (a file, an email), and the buyer's requested date."""

    _inherit = "integration.channel.order"

    order_source = fields.Selection(
        [("file", "File"), ("email", "Email")],
        readonly=True,
        help="Set for orders taken from a purchase-order file or an email; empty for the channel's API.",
    )
    requested_date = fields.Date(
        string="Requested delivery date", readonly=True, tracking=True, help="The delivery date of the purchase order."
    )
    # indexed: removing settled inbox messages (the archive job) looks up the orders that name each one
    source_event_id = fields.Many2one(
        "integration.event",
        string="Source file / email",
        readonly=True,
        index="btree_not_null",
        help="The inbox message the order came from.",
    )
