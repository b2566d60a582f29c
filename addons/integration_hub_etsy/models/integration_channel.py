import hmac
import json
import secrets
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.integration_hub.models.integration_secret_owner import secret_field

from ..lib import etsy as E

OAUTH_ROUTE = "/integration_hub/etsy/oauth"
CONSENT_MINUTES = 15  # the state and PKCE verifier of one "Authorise on Etsy" are good this long


class IntegrationChannel(models.Model):
    """Etsy settings of a channel (the Etsy page of the channel form) and the one-time OAuth consent."""

    _inherit = "integration.channel"

    platform = fields.Selection(selection_add=[("etsy", "Etsy")], ondelete={"etsy": "set default"})
    etsy_keystring = fields.Char(
        string="Etsy keystring",
        tracking=True,
        help="The app's keystring (Etsy's OAuth client id), from etsy.com/developers/your-apps.",
    )
    etsy_shared_secret = secret_field("Etsy shared secret")
    etsy_refresh_token = secret_field(
        "Etsy refresh token", help="Set by 'Authorise on Etsy'; each refresh stores the one Etsy returns."
    )
    etsy_shop_id = fields.Char(string="Etsy shop id", tracking=True, help="The numeric shop_id of the seller's shop.")
    etsy_user_id = fields.Char(
        string="Etsy user id", readonly=True, copy=False, help="The seller who authorised the app (token prefix)."
    )
    etsy_authorized_at = fields.Datetime(string="Authorised on Etsy", readonly=True, copy=False, tracking=True)
    etsy_redirect_uri = fields.Char(
        string="Redirect URI", compute="_compute_etsy_redirect_uri", help="Register it as a callback URL of the app."
    )
    etsy_missing_phone = fields.Selection(
        E.PHONE_POLICIES,
        string="Orders without phone",
        default="hold",
        required=True,
        tracking=True,
        help="Etsy receipts never carry the buyer's phone and carriers such as Correos and UPS need one. Hold: "
        "the order waits, with the reason, until a manager enters a phone and releases it. Shop contact number: "
        "the shop's number is the order's contact phone (printed on labels that need one).",
    )
    etsy_shop_phone = fields.Char(
        string="Shop contact number",
        tracking=True,
        help="With 'Use the shop's contact number': the number carriers get for Etsy orders (E.164, e.g. +34...).",
    )

    def _compute_etsy_redirect_uri(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for channel in self:
            channel.etsy_redirect_uri = f"{base}{OAUTH_ROUTE}"

    def action_etsy_authorize(self):
        """Open Etsy's consent page (PKCE S256 + state); Etsy sends the administrator back to ``OAUTH_ROUTE``."""
        self.ensure_one()
        self._check_hub_admin(_("authorise the Etsy app"))
        if not self.etsy_keystring:
            raise UserError(_("Set the Etsy keystring (and the shared secret) before authorising."))
        state = f"{self.id}.{secrets.token_urlsafe(24)}"
        url, verifier = E.pkce_start(self.etsy_keystring, self.etsy_redirect_uri, state)
        expires = fields.Datetime.now() + timedelta(minutes=CONSENT_MINUTES)
        channel = self.sudo()
        channel._set_secret("etsy_oauth_state", state, expires_at=expires)
        channel._set_secret("etsy_code_verifier", verifier, expires_at=expires)
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    def _etsy_finish_authorization(self, state, code, error=""):
        """The redirect from Etsy: check ``state``, trade the code and verifier for tokens, keep them encrypted.

        Raises UserError naming what is wrong (state unknown or expired, the seller refused, Etsy refused the
        code); the caller is an administrator (checked by the controller).
        """
        self.ensure_one()
        self._check_hub_admin(_("authorise the Etsy app"))
        channel, now = self.sudo(), fields.Datetime.now()
        expected = channel._get_secret("etsy_oauth_state", valid_at=now)
        if not (expected and state and hmac.compare_digest(expected, state)):
            raise UserError(
                _("This Etsy answer does not match a consent started here in the last %s minutes.", CONSENT_MINUTES)
                + " "
                + _("Press 'Authorise on Etsy' again.")
            )
        if error or not code:
            raise UserError(_("Etsy did not authorise the app: %s", error or _("no code")))
        verifier = channel._get_secret("etsy_code_verifier", valid_at=now)
        tokens = E.TokenClient(self.etsy_keystring).exchange_code(code, self.etsy_redirect_uri, verifier, now)
        channel._set_secret("etsy_oauth_state", False)
        channel._set_secret("etsy_code_verifier", False)
        channel._set_secret("access_token", tokens["access_token"], expires_at=tokens["expires_at"])
        channel._set_secret("etsy_refresh_token", tokens["refresh_token"])
        channel._hub_write({"etsy_user_id": tokens["user_id"], "etsy_authorized_at": now})
        channel._secret_changed("etsy_refresh_token", _("Etsy authorised the app (user %s).", tokens["user_id"]))
        return tokens["user_id"]

    def action_etsy_reread_held_orders(self):
        """Read the receipts of this channel's orders on hold again and apply them with today's settings (e.g.
        after switching 'Orders without phone' to the shop's number). Administrators; a notification says how many."""
        self.ensure_one()
        self._check_hub_admin(_("re-read held Etsy orders"))
        channel = self.sudo()
        held = (
            self.env["integration.channel.order"]
            .sudo()
            .search([("channel_id", "=", self.id), ("state", "=", "on_hold")])
        )
        client, Event = channel._adapter()._client(channel), self.env["integration.event"].sudo()
        stamp = fields.Datetime.now().strftime("%Y%m%d%H%M%S")
        for order in held:
            path = f"/application/shops/{channel.etsy_shop_id}/receipts/{order.external_id}"
            receipt = client.call("GET", path, "getShopReceipt")
            body = json.dumps(receipt).encode()
            Event._intake(
                channel, f"receipt:{order.external_id}:reread:{stamp}", body, event_type="receipt", source="poll"
            )
        channel._hub_note(_("%s held Etsy orders read again.", len(held)))
        Event._queue_wake()
        return self._notify(_("Etsy"), _("%s held orders read again: they are processed now.", len(held)))
