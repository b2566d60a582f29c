from odoo import _, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class IntegrationChannelAccess(models.Model):
    """When a platform refuses the channel's credentials: park its outbound work once, tell an administrator.

    One core error type (lib.errors.AuthError, raised by the HTTP client on 401/403) for every
    platform: retrying cannot help, so nothing is retried in a loop. The jobs wait in the outbox
    (nothing is lost) until an administrator installs valid credentials and presses Resume outbound.
    """

    _inherit = "integration.channel"

    outbound_paused = fields.Boolean(
        string="Outbound paused",
        copy=False,
        readonly=True,
        tracking=True,
        help="The platform refused the credentials (401/403): nothing is sent or polled until an "
        "administrator fixes them and presses 'Resume outbound'.",
    )

    def _park_outbound(self, error):
        """401/403: stop sending (and polling) for this channel and open one exception, whatever the platform."""
        self.ensure_one()
        if not self.outbound_paused:
            self._hub_write({"outbound_paused": True})
            self._hub_note(_("Outbound work paused: %s", error))
        self.env["integration.sync.exception"]._open(
            "channel_access",
            _lt(
                "%(platform)s refused the credentials of %(channel)s",
                platform=self._platform_label(),
                channel=self.name,
            ),
            _lt(
                "%(error)s\n\nOutbound messages for this channel are paused (nothing is lost: they wait in the "
                "outbox) and it is not polled. Install valid credentials (token, key, scopes) on the channel, then "
                "use 'Resume outbound'.",
                error=error,
            ),
            record=self,
            channel=self,
            severity="critical",
            dedupe_key=f"outbound-access:{self.id}",
        )

    def _platform_label(self):
        return dict(self._fields["platform"]._description_selection(self.env)).get(self.platform, self.platform)

    def action_resume_outbound(self):
        """An administrator fixed the credentials: the parked messages are due again."""
        self._check_hub_admin(_("resume outbound work"))
        Job = self.env["integration.job"].sudo()
        for channel in self:
            channel._hub_write({"outbound_paused": False})
            parked = Job.search(
                [
                    ("channel_id", "=", channel.id),
                    ("state", "in", ("pending", "sent")),
                    ("next_attempt_at", "=", False),
                ]
            )
            parked.write({"next_attempt_at": fields.Datetime.now()})
            channel._hub_note(_("Outbound work resumed (%s queued messages).", len(parked)))
        Job._queue_wake()
        return True

    def _channel_access_token(self, renew=False):
        """The platform's short-lived token, renewed through the adapter (capability ``token_refresh``)."""
        return self._access_token(lambda: self._adapter()._refresh_access_token(self), renew=renew)
