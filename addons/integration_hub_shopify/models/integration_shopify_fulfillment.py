from odoo import fields, models


class IntegrationShopifyFulfillment(models.Model):
    """One Shopify fulfillment per hub shipment and fulfillment order: never two for the same pair."""

    _name = "integration.shopify.fulfillment"
    _description = "Shopify fulfillment of a shipment"
    _order = "id desc"

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    order_id = fields.Many2one("integration.channel.order", required=True, ondelete="cascade", index=True)
    shipment_key = fields.Char(required=True, help="The hub's shipment (order and transfers) this fulfils.")
    fulfillment_order_gid = fields.Char(
        string="Shopify fulfillment order id", help="One fulfillment per fulfillment order of the shipment."
    )
    fulfillment_gid = fields.Char(string="Shopify fulfillment id", required=True)
    tracking_number = fields.Char()
    tracking_company = fields.Char()
    tracking_url = fields.Char()

    _sql_constraints = [
        (
            "channel_shipment_unique",
            "unique(channel_id, shipment_key, fulfillment_order_gid)",
            "This shipment's fulfillment order was already fulfilled.",
        ),
    ]
