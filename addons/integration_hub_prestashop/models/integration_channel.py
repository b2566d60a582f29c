from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get
from odoo.addons.integration_hub.models.integration_secret_owner import secret_field


class IntegrationChannel(models.Model):
    """PrestaShop settings of a channel (the PrestaShop page of the channel form)."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("prestashop", "PrestaShop")], ondelete={"prestashop": "set default"})
    prestashop_shop_url = fields.Char(
        string="Shop URL",
        tracking=True,
        help="The shop's address over HTTPS (with its subfolder, if any), e.g. https://shop.example.com; "
        "the webservice answers at <shop URL>/api/.",
    )
    prestashop_webservice_key = secret_field("PrestaShop webservice key")
    prestashop_shop_id = fields.Integer(
        string="Shop id (multistore)",
        tracking=True,
        help="For a multistore installation: the id of the shop this channel is (sent as id_shop; orders of "
        "other shops are left out, stock is written to this shop's rows). 0: a single shop.",
    )
    prestashop_timezone = fields.Selection(
        _tz_get,
        string="Shop time zone",
        default="Europe/Madrid",
        help="PrestaShop's dates carry no time zone: they are the shop's local time (its Localization setting).",
    )
    prestashop_output = fields.Selection(
        [("xml", "XML"), ("json", "JSON")],
        string="Webservice answers in",
        readonly=True,
        copy=False,
        help="Detected by 'Test connection': JSON when the shop answers output_format=JSON, else XML.",
    )
    prestashop_returns_available = fields.Boolean(
        string="Merchandise returns exposed",
        readonly=True,
        copy=False,
        help="Detected by 'Test connection': the key may read order_returns (not a core webservice resource: "
        "a module adds it). Without it, returns come through the generic API or a CSV file.",
    )
    prestashop_order_state_ids = fields.One2many(
        "integration.prestashop.order.state",
        "channel_id",
        string="Order states",
        help="The shop's order states, read by 'Test connection'. Choose what each one means: an order in a "
        "state with no meaning is not imported (an exception names the state).",
    )

    @api.constrains("platform", "prestashop_shop_url")
    def _check_prestashop_settings(self):
        for channel in self.filtered(lambda c: c.platform == "prestashop" and c.prestashop_shop_url):
            if not channel.prestashop_shop_url.startswith("https://"):
                raise ValidationError(
                    _("The shop URL must start with https:// (the webservice key travels with every call).")
                )

    def _prestashop_meanings(self):
        """{shop's order state id: meaning} of this channel (states with no meaning are left out)."""
        self.ensure_one()
        return {row.state_id: row.meaning for row in self.sudo().prestashop_order_state_ids if row.meaning}
