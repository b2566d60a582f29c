from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

from ..lib import amazon as A


class IntegrationChannel(models.Model):
    """Amazon settings of a channel (the Amazon page of the channel form)."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("amazon", "Amazon")], ondelete={"amazon": "set default"})
    amazon_seller_id = fields.Char(
        string="Amazon seller id", tracking=True, help="The merchant token (Seller Central › Account info)."
    )
    amazon_region = fields.Selection(
        [("eu", "Europe"), ("na", "North America"), ("fe", "Far East")],
        string="Amazon region",
        default="eu",
        tracking=True,
        help="The SP-API regional endpoint; every EU marketplace is served by the Europe region.",
    )
    amazon_marketplace = fields.Selection(
        [(marketplace, label) for marketplace, label, _locale in A.MARKETPLACES],
        string="Amazon marketplace",
        default=A.SPAIN,
        tracking=True,
    )
    amazon_lwa_client_id = fields.Char(string="LWA client id", tracking=True, help="amzn1.application-oa2-client.…")
    amazon_lwa_client_secret = secret_field("Amazon LWA client secret")
    amazon_refresh_token = secret_field("Amazon refresh token (Atzr|…)")
    amazon_sqs_queue_url = fields.Char(
        string="SQS queue URL",
        tracking=True,
        help="The seller's standard SQS queue subscribed to ORDER_CHANGE, e.g. "
        "https://sqs.eu-west-1.amazonaws.com/123456789012/amazon-orders.",
    )
    amazon_aws_access_key_id = fields.Char(string="AWS access key id (SQS reader)", tracking=True)
    amazon_aws_secret_access_key = secret_field("AWS secret access key (SQS reader)")

    @api.constrains("platform", "amazon_sqs_queue_url")
    def _check_amazon_settings(self):
        for channel in self.filtered(lambda c: c.platform == "amazon" and c.amazon_sqs_queue_url):
            if not channel.amazon_sqs_queue_url.startswith(("https://", "http://127.0.0.1")):
                raise ValidationError(_("The SQS queue URL must start with https://."))
