from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

from ..lib import magento as M

STATES = {"new", "pending_payment", "processing", "complete", "closed", "canceled", "holded", "payment_review"}


class IntegrationChannel(models.Model):
    """Magento 2 settings of a channel (the Magento page of the channel form)."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("magento", "Magento 2")], ondelete={"magento": "set default"})
    magento_base_url = fields.Char(
        string="Magento store URL", tracking=True, help="The shop's base URL over HTTPS, e.g. https://shop.example.com."
    )
    magento_store_code = fields.Char(
        string="Store code",
        default="all",
        tracking=True,
        help="The store view in /rest/<store code>/V1/…: 'all' (or 'default') for admin-level calls.",
    )
    magento_auth = fields.Selection(
        [("oauth", "OAuth 1.0a signature (HMAC-SHA256)"), ("bearer", "Access token as a bearer token")],
        string="Authentication",
        default="oauth",
        required=True,
        tracking=True,
        help="Since Magento 2.4.4 an integration's access token is not accepted as a bearer token unless the "
        "merchant allows it (Stores › Configuration › Services › OAuth › Consumer Settings). Signing works on "
        "every shop: keep it unless the shop's administrator says otherwise.",
    )
    magento_consumer_key = secret_field("Magento integration consumer key")
    magento_consumer_secret = secret_field("Magento integration consumer secret")
    magento_access_token = secret_field("Magento integration access token")
    magento_access_token_secret = secret_field("Magento integration access token secret")
    magento_inventory_mode = fields.Selection(
        [("msi", "Inventory sources (MSI)"), ("legacy", "Single stock item (legacy)")],
        string="Stock updated as",
        default="msi",
        required=True,
        tracking=True,
    )
    magento_source_code = fields.Char(
        string="Magento source code",
        default="default",
        tracking=True,
        help="The MSI source that is this warehouse. Only its quantities are published; shipments are "
        "deducted from it. The shop's other sources are never touched.",
    )
    magento_async_inventory = fields.Boolean(
        string="Publish stock in bulk (asynchronous)",
        tracking=True,
        help="Send stock through Magento's asynchronous bulk API and confirm it from the bulk status (the shop's "
        "message-queue consumers must run). Off: synchronous calls of 20 items.",
    )
    magento_paid_states = fields.Char(
        string="Ready-to-ship states",
        default="processing, complete",
        tracking=True,
        help="Magento order states (codes) that count as paid and ready to ship.",
    )
    magento_cancel_states = fields.Char(
        string="Cancelling states",
        default="canceled",
        tracking=True,
        help="Magento order states that cancel the order (a closed order with nothing shipped is refunded: "
        "it cancels too).",
    )
    magento_waiting_statuses = fields.Char(
        string="Statuses that wait",
        tracking=True,
        help="The shop's own statuses that keep an order waiting although its state is ready to ship "
        "(e.g. fraud_review).",
    )
    magento_notify_customer = fields.Boolean(
        string="Magento e-mails the shipment", default=True, help="notify=true on the shipment."
    )

    @api.constrains("platform", "magento_base_url", "magento_paid_states", "magento_cancel_states")
    def _check_magento_settings(self):
        for channel in self.filtered(lambda c: c.platform == "magento"):
            if channel.magento_base_url and not channel.magento_base_url.startswith("https://"):
                raise ValidationError(_("The Magento store URL must start with https://."))
            unknown = (M.codes(channel.magento_paid_states) | M.codes(channel.magento_cancel_states)) - STATES
            if unknown:
                raise ValidationError(
                    _(
                        "Unknown Magento order state(s) %(unknown)s; the states are %(states)s.",
                        unknown=", ".join(sorted(unknown)),
                        states=", ".join(sorted(STATES)),
                    )
                )

    def _magento_states(self):
        self.ensure_one()
        return M.States(
            paid=M.codes(self.magento_paid_states),
            cancelled=M.codes(self.magento_cancel_states),
            waiting=M.codes(self.magento_waiting_statuses),
        )
