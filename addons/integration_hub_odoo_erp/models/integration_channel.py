from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

API_KEY_WARNING_DAYS = 14


class IntegrationChannel(models.Model):
    """Settings of a channel that is a client's own Odoo (the "Client's Odoo" page of the channel form)."""

    _inherit = "integration.channel"

    platform = fields.Selection(
        selection_add=[("odoo_erp", "Client's Odoo (ERP)")], ondelete={"odoo_erp": "set default"}
    )
    odoo_erp_url = fields.Char(
        string="Odoo URL", tracking=True, help="The client's Odoo over HTTPS, e.g. https://client.odoo.com."
    )
    odoo_erp_database = fields.Char(
        string="Database",
        tracking=True,
        help="The client's database name: needed for JSON-RPC, and for JSON-2 when the host serves several databases.",
    )
    odoo_erp_login = fields.Char(
        string="Bot user login", tracking=True, help="The login of the client's bot user (JSON-RPC authenticates it)."
    )
    odoo_erp_api_key = secret_field("Client's Odoo API key")
    odoo_erp_api_key_expires_on = fields.Date(
        string="API key expires on",
        tracking=True,
        help="The expiry the client's administrator chose for the key (at most 3 months on recent versions). "
        f"{API_KEY_WARNING_DAYS} days before it, an exception asks for a new key.",
    )
    odoo_erp_protocol = fields.Selection(
        [("auto", "Detect (JSON-2 from Odoo 19)"), ("json2", "JSON-2"), ("jsonrpc", "JSON-RPC")],
        string="API",
        default="auto",
        required=True,
        tracking=True,
        help="JSON-2 (/json/2, Odoo 19+) where the client's Odoo has it, JSON-RPC (/jsonrpc) otherwise. Odoo has "
        "announced the removal of XML-RPC and JSON-RPC: a channel on JSON-RPC must move to JSON-2 when the client "
        "upgrades.",
    )
    odoo_erp_detected_protocol = fields.Selection(
        [("json2", "JSON-2"), ("jsonrpc", "JSON-RPC")], string="API detected", readonly=True, copy=False
    )
    odoo_erp_version = fields.Char(string="Odoo version", readonly=True, copy=False)
    odoo_erp_warehouse_id = fields.Integer(
        string="Client's warehouse id",
        tracking=True,
        help="The id of the warehouse in the client's Odoo that stands for this 3PL: only its sale and purchase "
        "orders are read, and its stock location takes the inventory positions. 0: every confirmed order.",
    )
    odoo_erp_location_id = fields.Integer(
        string="Client's stock location id",
        tracking=True,
        help="Where the client's inventory adjustments are written. 0: the stock location of the client's warehouse.",
    )
    odoo_erp_backorders = fields.Selection(
        [("create", "Create a backorder"), ("cancel", "No backorder (the rest is cancelled)")],
        string="Backorders in the client's Odoo",
        default="create",
        required=True,
        tracking=True,
        help="When the warehouse ships or receives less than the client's transfer holds: what validating it in "
        "the client's Odoo does with the rest, as the client's own settings say.",
    )

    @api.constrains("platform", "odoo_erp_url")
    def _check_odoo_erp_settings(self):
        for channel in self.filtered(lambda c: c.platform == "odoo_erp" and c.odoo_erp_url):
            if not channel.odoo_erp_url.startswith("https://"):
                raise ValidationError(
                    _("The client's Odoo URL must start with https:// (the API key travels with every call).")
                )

    @api.model
    def _cron_odoo_erp_api_key_expiry(self):
        """Daily: a live channel whose key expires within the warning days (or has expired) opens an exception."""
        today = fields.Date.context_today(self)
        channels = self.sudo().search(
            [
                ("platform", "=", "odoo_erp"),
                ("state", "=", "live"),
                ("odoo_erp_api_key_expires_on", "!=", False),
                ("odoo_erp_api_key_expires_on", "<=", today + timedelta(days=API_KEY_WARNING_DAYS)),
            ]
        )
        for channel in channels:
            expires = channel.odoo_erp_api_key_expires_on
            self.env["integration.sync.exception"]._open(
                "monitoring",
                _("%(channel)s: the client's Odoo API key expires on %(date)s", channel=channel.name, date=expires),
                _(
                    "The API key of the bot user in the client's Odoo expires on %(date)s; from then on the client's "
                    "Odoo refuses every call and the channel is parked. What to do: ask the client's administrator "
                    "for a new key (Preferences › Account Security › New API Key), set it and its expiry on the "
                    "channel's Client's Odoo tab, then revoke the old one.",
                    date=expires,
                ),
                record=channel,
                channel=channel,
                severity="critical" if expires <= today else "warning",
                dedupe_key=f"odoo-erp-key-expiry:{channel.id}:{expires}:{'expired' if expires <= today else 'soon'}",
            )
