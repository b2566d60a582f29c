import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get
from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

ACCOUNT_ID = re.compile(r"^[0-9A-Za-z]+([_-][A-Za-z]+[0-9]*)?$")  # 1234567, 1234567_SB1, 1234567-sb1, TSTDRV123


class IntegrationChannel(models.Model):
    """Oracle NetSuite settings of a channel (the NetSuite page of the channel form)."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("netsuite", "Oracle NetSuite")], ondelete={"netsuite": "set default"})
    netsuite_account_id = fields.Char(
        string="NetSuite account id",
        tracking=True,
        help="Setup › Company › Company Information › Account ID, e.g. 1234567 or 1234567_SB1 for a sandbox. "
        "The host is built from it (1234567-sb1.suitetalk.api.netsuite.com), the OAuth realm too (1234567_SB1).",
    )
    netsuite_consumer_key = secret_field("NetSuite integration consumer key")
    netsuite_consumer_secret = secret_field("NetSuite integration consumer secret")
    netsuite_token_id = secret_field("NetSuite access token id")
    netsuite_token_secret = secret_field("NetSuite access token secret")
    netsuite_timezone = fields.Selection(
        _tz_get,
        string="Time zone of the token's user",
        default=lambda self: self.env.user.tz or "UTC",
        tracking=True,
        help="SuiteQL compares lastmodifieddate in the time zone of the user the access token belongs to (Home › "
        "Set Preferences). The hub converts its cursor into that time zone so no change is missed.",
    )
    netsuite_location_id = fields.Char(
        string="Warehouse location (internal id)",
        tracking=True,
        help="Internal id of this warehouse's location in NetSuite: only its order lines and purchase orders are "
        "read; fulfillments, receipts and inventory adjustments are posted there.",
    )
    netsuite_subsidiary_id = fields.Char(
        string="Subsidiary (internal id)", tracking=True, help="OneWorld accounts: the subsidiary of the location."
    )
    netsuite_adjustment_account_id = fields.Char(
        string="Adjustment account (internal id)",
        tracking=True,
        help="The G/L account inventory adjustments post to (the client's accountant names it).",
    )
    netsuite_ship_status = fields.Selection(
        [("A", "Picked"), ("B", "Packed"), ("C", "Shipped")],
        string="Fulfillment status",
        default="C",
        required=True,
        tracking=True,
        help="shipStatus of the item fulfillments the hub creates (once the carrier has the goods: Shipped).",
    )
    netsuite_poll_purchase_orders = fields.Boolean(
        string="Read purchase orders",
        default=True,
        tracking=True,
        help="Open purchase orders to this location become expected receipts.",
    )
    netsuite_poll_items = fields.Boolean(
        string="Read items",
        default=True,
        tracking=True,
        help="Inventory items become catalog products, when this channel owns the catalog (Ownership tab).",
    )
    netsuite_carton_field = fields.Char(
        string="Units per carton field", help="Script id of the item's custom field, e.g. custitem_units_per_carton."
    )
    netsuite_pallet_field = fields.Char(
        string="Units per pallet field", help="Script id of the item's custom field, e.g. custitem_units_per_pallet."
    )
    netsuite_concurrency = fields.Integer(
        string="Requests at a time",
        default=1,
        tracking=True,
        help="NetSuite limits concurrent requests per account (REST, SOAP and RESTlets together; 5 on a shared "
        "tier). The hub sends this many at a time on this channel, across all its workers.",
    )

    @api.constrains("platform", "netsuite_account_id", "netsuite_concurrency")
    def _check_netsuite_settings(self):
        for channel in self.filtered(lambda c: c.platform == "netsuite"):
            if channel.netsuite_account_id and not ACCOUNT_ID.match(channel.netsuite_account_id.strip()):
                raise ValidationError(
                    _("The NetSuite account id is like 1234567 or 1234567_SB1 (Company Information › Account ID).")
                )
            if not 1 <= (channel.netsuite_concurrency or 0) <= 25:
                raise ValidationError(_("NetSuite requests at a time: between 1 and 25."))
