from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

from ..lib import shopify_mapping as M

DEFAULT_API_VERSION = "2025-10"


class IntegrationChannel(models.Model):
    """Shopify settings of a channel (the Shopify page of the channel form). Everything else is the hub's."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("shopify", "Shopify")], ondelete={"shopify": "set default"})
    shopify_shop_domain = fields.Char(
        string="Shop domain", tracking=True, help="The shop's permanent domain, e.g. my-shop.myshopify.com."
    )
    shopify_api_version = fields.Char(
        string="Shopify API version",
        default=DEFAULT_API_VERSION,
        tracking=True,
        help="Admin API version (YYYY-MM), e.g. 2025-10. Shopify supports each version for a year.",
    )
    shopify_access_token = secret_field("Shopify Admin API access token")
    shopify_client_secret = secret_field("Shopify app client secret (signs webhooks)")
    shopify_location_ids = fields.One2many(
        "integration.external.id",
        "channel_id",
        string="Shopify locations",
        domain=[("kind", "=", "location")],
        context={"default_kind": "location"},
        help="gid://shopify/Location/<id> -> the warehouse whose stock it gets.",
    )
    shopify_notify_customer = fields.Boolean(
        string="Notify customer on fulfillment", default=True, help="Shopify e-mails the tracking to the customer."
    )

    @api.constrains("platform", "shopify_shop_domain", "shopify_api_version")
    def _check_shopify_settings(self):
        for channel in self.filtered(lambda c: c.platform == "shopify"):
            domain = (channel.shopify_shop_domain or "").strip().lower()
            if domain and not M.SHOP_DOMAIN_PATTERN.match(domain):
                raise ValidationError(
                    _("The shop domain must be the shop's <name>.myshopify.com domain, not '%s'.", domain)
                )
            if not M.API_VERSION_PATTERN.match(channel.shopify_api_version or ""):
                raise ValidationError(
                    _(
                        "The Shopify API version must look like YYYY-MM with a quarterly month "
                        "(01, 04, 07, 10), e.g. %s.",
                        DEFAULT_API_VERSION,
                    )
                )

    @api.model
    def _webhook_intake_fields(self):
        # X-Shopify-Shop-Domain is checked against it on every webhook: kept with the other intake fields
        return [*super()._webhook_intake_fields(), "shopify_shop_domain"]
