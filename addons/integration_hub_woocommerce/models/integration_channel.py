from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field


class IntegrationChannel(models.Model):
    """WooCommerce settings of a channel (the WooCommerce page of the channel form)."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("woocommerce", "WooCommerce")], ondelete={"woocommerce": "set default"})
    woocommerce_store_url = fields.Char(
        string="Store URL", tracking=True, help="The shop's address over HTTPS, e.g. https://shop.example.com."
    )
    woocommerce_consumer_key = secret_field("WooCommerce consumer key (ck_…)")
    woocommerce_consumer_secret = secret_field("WooCommerce consumer secret (cs_…)")
    woocommerce_tracking = fields.Selection(
        [("shipment_tracking", "Shipment Tracking extension"), ("note", "Customer note")],
        string="Tracking sent as",
        readonly=True,
        copy=False,
        help="Detected at the first fulfillment: the Shipment Tracking extension when the shop has it.",
    )

    @api.constrains("platform", "woocommerce_store_url")
    def _check_woocommerce_settings(self):
        for channel in self.filtered(lambda c: c.platform == "woocommerce" and c.woocommerce_store_url):
            if not channel.woocommerce_store_url.startswith("https://"):
                raise ValidationError(
                    _("The store URL must start with https:// (the consumer secret travels with every call).")
                )

    @api.model
    def _webhook_intake_fields(self):
        # X-WC-Webhook-Source is checked against it on every webhook: kept with the other intake fields
        return [*super()._webhook_intake_fields(), "woocommerce_store_url"]
