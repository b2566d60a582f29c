import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.integration_hub.lib.errors import HubError
from odoo.addons.integration_hub.models.integration_channel import IntegrationChannel as HubChannel
from odoo.addons.integration_hub.models.integration_event import hub_may_commit

from ..lib import shopify_mapping as M
from ..lib.shopify_client import AuthError

_logger = logging.getLogger(__name__)

DEFAULT_API_VERSION = "2025-10"
RECONCILE_DAYS = M.RECONCILE_DAYS


class IntegrationChannel(models.Model):
    """Shopify settings of a channel; the Shopify page of the channel form."""

    _inherit = "integration.channel"

    _secret_fields = {
        **HubChannel._secret_fields,
        "shopify_access_token": "Shopify Admin API access token",
        "shopify_client_secret": "Shopify app client secret (signs webhooks)",
    }

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
    shopify_access_token = fields.Char(
        compute="_compute_secrets", inverse="_inverse_shopify_access_token", groups="integration_hub.group_hub_admin"
    )
    shopify_client_secret = fields.Char(
        compute="_compute_secrets", inverse="_inverse_shopify_client_secret", groups="integration_hub.group_hub_admin"
    )
    shopify_location_ids = fields.One2many(
        "integration.shopify.location", "channel_id", string="Shopify locations", copy=False
    )
    shopify_notify_customer = fields.Boolean(
        string="Notify customer on fulfillment", default=True, help="Shopify e-mails the tracking to the customer."
    )
    shopify_paid_statuses = fields.Char(
        string="Financial statuses valid to pick",
        default="paid",
        help="Comma separated Shopify financial statuses that count as paid, e.g. 'paid, partially_paid'.",
    )
    shopify_poll_cursor = fields.Datetime(
        string="Polled up to", copy=False, readonly=True, help="Orders updated after this moment are polled next."
    )
    shopify_outbound_paused = fields.Boolean(
        string="Outbound paused",
        copy=False,
        readonly=True,
        tracking=True,
        help="Shopify refused the token (401/403): nothing is sent until an admin fixes it and resumes.",
    )
    shopify_webhook_status = fields.Text(string="Webhook subscriptions", readonly=True, copy=False)

    def _inverse_shopify_access_token(self):
        self._inverse_secret("shopify_access_token")

    def _inverse_shopify_client_secret(self):
        self._inverse_secret("shopify_client_secret")

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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("shopify_shop_domain"):
                vals["shopify_shop_domain"] = vals["shopify_shop_domain"].strip().lower()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("shopify_shop_domain"):
            vals["shopify_shop_domain"] = vals["shopify_shop_domain"].strip().lower()
        return super().write(vals)

    # --- helpers ----------------------------------------------------------
    def _shopify_paid_statuses(self):
        return {s.strip().lower() for s in (self.shopify_paid_statuses or "").split(",") if s.strip()}

    def _shopify_client(self, **kwargs):
        self.ensure_one()
        return self.env["integration.adapter.shopify"]._client(self, **kwargs)

    def _shopify_pause_outbound(self, error):
        """401/403: stop sending for this channel and tell an admin, once."""
        self.ensure_one()
        if not self.shopify_outbound_paused:
            self.sudo().shopify_outbound_paused = True
            self.message_post(body=_("Outbound work paused: %s", error))
        self.env["integration.sync.exception"]._open(
            "channel_access",
            _("Shopify refused the access token of %s", self.name),
            _(
                "%(error)s\n\nOutbound messages for this channel are paused (nothing is lost: they wait in the "
                "outbox). Install a new Admin API access token with the required scopes, then use "
                "'Resume outbound' on the channel.",
                error=error,
            ),
            record=self,
            channel=self,
            severity="critical",
            dedupe_key=f"shopify-access:{self.id}",
        )

    def action_shopify_resume_outbound(self):
        self._check_admin()
        for channel in self:
            channel.sudo().shopify_outbound_paused = False
            parked = (
                self.env["integration.job"]
                .sudo()
                .search([("channel_id", "=", channel.id), ("state", "=", "pending"), ("next_attempt_at", "=", False)])
            )
            parked.write({"next_attempt_at": fields.Datetime.now()})
            channel._hub_note(_("Outbound work resumed (%s queued messages).", len(parked)))
        self.env["integration.job"].sudo()._queue_wake()
        return True

    def _check_admin(self):
        if not self.env.user.has_group("integration_hub.group_hub_admin"):
            raise AccessError(_("Only Integration Hub administrators can do this."))
        self._check_hub_reachable()

    # --- buttons ----------------------------------------------------------
    def action_shopify_test_connection(self):
        self.ensure_one()
        self._check_admin()
        try:
            shop = self.env["integration.adapter.shopify"]._fetch_shop(self)
        except HubError as error:
            return self._notify(_("Connection failed"), str(error), "danger")
        return self._notify(
            _("Connected"),
            _(
                "Shop '%(name)s' (%(domain)s), API %(version)s.",
                name=shop.get("name"),
                domain=shop.get("myshopifyDomain"),
                version=self.shopify_api_version,
            ),
            "success",
        )

    def action_shopify_register_webhooks(self):
        self.ensure_one()
        self._check_admin()
        try:
            report = self.env["integration.adapter.shopify"]._register_webhooks(self)
        except HubError as error:
            return self._notify(_("Webhook registration failed"), str(error), "danger")
        lines = [f"{topic}: {state}" for topic, state in report]
        self.sudo().shopify_webhook_status = "\n".join(lines)
        return self._notify(_("Webhook subscriptions"), "; ".join(lines), "success")

    def _notify(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind, "sticky": kind == "danger"},
        }

    # --- polling backstop -------------------------------------------------
    def _shopify_live_channels(self):
        return self.sudo().search([("platform", "=", "shopify"), ("state", "=", "live")])

    @api.model
    def _cron_poll_orders(self):
        """Orders updated since the stored cursor, fed through the inbox like webhooks."""
        for channel in self._shopify_live_channels():
            if not channel.shopify_poll_cursor:
                # first poll: the last days only, never the shop's whole history
                channel.shopify_poll_cursor = fields.Datetime.now() - timedelta(days=RECONCILE_DAYS)
            channel._shopify_poll(channel.shopify_poll_cursor, move_cursor=True)

    @api.model
    def _cron_reconcile_orders(self):
        """Daily: re-read the last days; whatever webhooks missed comes in now (duplicates collapse)."""
        since = fields.Datetime.now() - timedelta(days=RECONCILE_DAYS)
        for channel in self._shopify_live_channels():
            channel._shopify_poll(since, move_cursor=False)

    def _shopify_poll(self, since, move_cursor):
        self.ensure_one()
        adapter = self.env["integration.adapter.shopify"]
        Event = self.env["integration.event"]
        new = 0
        try:
            messages, cursor = adapter._fetch_orders(self, since)
            for key, event_type, payload in messages:
                _event_id, created = Event._receive(self, key, event_type, payload, source="poll")
                new += created
        except AuthError as error:
            self._shopify_pause_outbound(error)
            return 0
        except HubError as error:
            _logger.warning("Shopify poll of channel %s failed: %s", self.code, error)
            return 0
        if move_cursor and cursor and (not self.shopify_poll_cursor or cursor > self.shopify_poll_cursor):
            self.shopify_poll_cursor = cursor
        if new:
            self.env["integration.event"].sudo()._queue_wake()
        if hub_may_commit(self.env):
            self.env.cr.commit()
        return new
