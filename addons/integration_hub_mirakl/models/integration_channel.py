from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field


class IntegrationChannel(models.Model):
    """Mirakl settings of a channel (the Mirakl page of the channel form): one channel per operator."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("mirakl", "Mirakl")], ondelete={"mirakl": "set default"})
    mirakl_base_url = fields.Char(
        string="Operator URL",
        tracking=True,
        help="The marketplace operator's Mirakl instance over HTTPS, e.g. https://marketplace.example.mirakl.net.",
    )
    mirakl_api_key = secret_field("Mirakl shop API key")
    mirakl_shop_id = fields.Char(
        string="Shop id", tracking=True, help="Only for a user with several shops on this operator (shop_id)."
    )
    mirakl_acceptance_delay_hours = fields.Float(
        string="Acceptance delay (h)",
        default=72.0,
        tracking=True,
        help="The operator's delay before an order not accepted is refused automatically (e.g. 72 h = 3 days, "
        "120 h = 5 days): the order's deadline is its creation plus this delay.",
    )
    mirakl_stock_import = fields.Selection(
        [("sto01", "Stock imports (STO01)"), ("of01", "Offer imports (OF01)")],
        string="Stock sent as",
        default="sto01",
        required=True,
        tracking=True,
        help="STO01 updates quantities only; operators without it take an offer import (OF01).",
    )
    mirakl_returns_api = fields.Boolean(
        string="Returns API",
        default=True,
        tracking=True,
        help="The operator has the Returns API (RT11): returns are read there and refunds are money only. "
        "Off: a refund with a quantity on an order line is a return of those units.",
    )
    mirakl_multiple_shipments = fields.Boolean(
        string="Multiple shipments per order",
        tracking=True,
        help="The operator enabled the Shipments API (ST01): each parcel is its own shipment with its lines and "
        "tracking. Off: the order's tracking (OR23) and one 'shipped' (OR24) for the whole order.",
    )

    @api.constrains("platform", "mirakl_base_url", "mirakl_acceptance_delay_hours")
    def _check_mirakl_settings(self):
        for channel in self.filtered(lambda c: c.platform == "mirakl"):
            if channel.mirakl_base_url and not channel.mirakl_base_url.startswith("https://"):
                raise ValidationError(
                    _("The operator URL must start with https:// (the API key travels with every call).")
                )
            if channel.mirakl_acceptance_delay_hours <= 0:
                raise ValidationError(_("The operator's acceptance delay must be positive (hours)."))

    @api.onchange("platform")
    def _onchange_platform_mirakl(self):
        if self.platform == "mirakl":
            self.acknowledge_orders = True  # orders not accepted in time are refused by the operator

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("platform") == "mirakl":
                vals.setdefault("acknowledge_orders", True)
        return super().create(vals_list)
