from odoo import api, fields, models

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

from ..lib import ebay as E


class IntegrationChannel(models.Model):
    """eBay settings of a channel (the eBay page of the channel form)."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("ebay", "eBay")], ondelete={"ebay": "set default"})
    ebay_environment = fields.Selection(
        [("production", "Production"), ("sandbox", "Sandbox")],
        string="eBay environment",
        default="production",
        tracking=True,
        help="Sandbox has no Post-Order returns: switch 'Poll returns' off there.",
    )
    ebay_marketplace = fields.Selection(
        [(marketplace, label) for marketplace, label, _site in E.MARKETPLACES],
        string="eBay marketplace",
        default="EBAY_ES",
        tracking=True,
        help="Sent as X-EBAY-C-MARKETPLACE-ID (and the Trading API site); one channel per marketplace.",
    )
    ebay_client_id = fields.Char(string="eBay App ID (client id)", tracking=True)
    ebay_client_secret = secret_field("eBay Cert ID (client secret)")
    ebay_refresh_token = secret_field(
        "eBay refresh token", help="The seller's consent (about 18 months): eBay's access tokens are renewed with it."
    )
    ebay_consent_date = fields.Date(
        string="eBay consent given on",
        readonly=True,
        copy=False,
        help="When the refresh token was set: eBay's refresh tokens last about 18 months. An exception warns "
        "a month before the seller must consent again.",
    )
    ebay_inventory_method = fields.Selection(
        [
            ("inventory_api", "Inventory API (bulk price and quantity)"),
            ("trading", "Trading API (ReviseInventoryStatus)"),
        ],
        string="eBay stock sent by",
        default="inventory_api",
        tracking=True,
        help="Inventory API for listings created through it (the SKU is the key); Trading API for listings "
        "made on eBay's site or by other tools (the item id, learned from the order lines, with the SKU of "
        "a variation).",
    )
    ebay_verification_token = secret_field(
        "eBay deletion verification token",
        help="The 32 to 80 characters typed in the developer portal's marketplace account deletion page.",
    )
    ebay_deletion_endpoint = fields.Char(
        string="eBay deletion endpoint URL",
        tracking=True,
        help="Exactly as registered in the developer portal (the challenge answer hashes it). Empty: this "
        "channel's webhook URL.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("platform") == "ebay":
                # a line refunded on eBay leaves the rest of the order paid and still to ship
                vals.setdefault("paid_statuses", "paid, partially_refunded")
            if vals.get("ebay_refresh_token"):
                vals["ebay_consent_date"] = fields.Date.context_today(self)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("ebay_refresh_token"):  # a new consent: its 18 months start again
            vals = {**vals, "ebay_consent_date": fields.Date.context_today(self)}
        return super().write(vals)
