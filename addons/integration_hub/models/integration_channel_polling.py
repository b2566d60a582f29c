import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

from ..lib import capabilities as C
from ..lib.errors import AuthError, HubError
from ..lib.poll import MAX_PAGES_PER_RUN
from .integration_queue import hub_may_commit

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

WEBHOOK_CHECK_INTERVAL = timedelta(hours=1)


class IntegrationChannelPolling(models.Model):
    """One polling cron for every pollable channel: each declared stream, from its cursor, into the inbox."""

    _inherit = "integration.channel"

    poll_orders = fields.Boolean(string="Poll orders", default=True, help="Read new and changed orders on a schedule.")
    poll_returns = fields.Boolean(string="Poll returns", default=True)
    poll_tracking = fields.Boolean(string="Poll tracking", default=True)
    poll_notifications = fields.Boolean(
        string="Read notifications",
        default=True,
        help="Read the change notifications the platform leaves in a message queue (e.g. Amazon's SQS queue).",
    )
    poll_receipts = fields.Boolean(
        string="Poll purchase orders",
        default=True,
        help="Read the purchase orders / expected receipts the channel's system confirmed (an ERP).",
    )
    poll_catalog = fields.Boolean(
        string="Poll catalog",
        default=True,
        help="Read the product master from the channel's system when the channel owns the catalog (an ERP).",
    )
    poll_interval_minutes = fields.Integer(
        string="Polling interval (min)",
        default=10,
        help="How often the platform is read (webhooks may be lost: polling is the safety net).",
    )
    poll_cursor_ids = fields.One2many("integration.poll.cursor", "channel_id", string="Polling", readonly=True)
    webhooks_checked_at = fields.Datetime(readonly=True, copy=False)

    def _poll_streams(self):
        """The streams the adapter declares and the channel switched on."""
        declared = self._adapter()._capabilities
        return [
            stream
            for stream, capability in C.STREAMS.items()
            if capability in declared and self[C.STREAM_SWITCHES[stream]]
        ]

    def _poll_cursor(self, stream):
        """The cursor row of ``stream`` (created on first use)."""
        self.ensure_one()
        Cursor = self.env["integration.poll.cursor"].sudo()
        return Cursor.search([("channel_id", "=", self.id), ("stream", "=", stream)]) or Cursor.create(
            {"channel_id": self.id, "stream": stream}
        )

    @api.model
    def _cron_poll_channels(self):
        """Every live channel's declared streams, each at the channel's interval; webhook health hourly."""
        now = fields.Datetime.now()
        for channel in self.sudo().search([("state", "=", "live")]):
            if channel.outbound_paused:
                continue  # its credentials were refused: nothing works until an administrator resumes it
            for stream in channel._poll_streams():
                row = channel._poll_cursor(stream)
                # a message queue is drained at every run: cheap, and its messages are the fresh news
                interval = timedelta(minutes=channel.poll_interval_minutes or 10)
                if stream not in C.EVERY_RUN_STREAMS and row.polled_at and row.polled_at + interval > now:
                    continue
                channel._poll_stream(stream, row)
            channel._check_webhook_health(now)

    @api.model
    def _cron_reconcile_channels(self):
        """Daily: re-read the last days of every stream without moving the cursors; duplicates collapse."""
        for channel in self.sudo().search([("state", "=", "live"), ("outbound_paused", "=", False)]):
            # a queue has no history to re-read
            for stream in [s for s in channel._poll_streams() if s not in C.EVERY_RUN_STREAMS]:
                channel._poll_stream(stream, channel._poll_cursor(stream), reconcile=True)

    def _poll_stream(self, stream, row, reconcile=False):
        """Read pages of ``stream`` into the inbox; the cursor moves after each stored page. Returns new messages."""
        self.ensure_one()
        adapter, Event = self._adapter(), self.env["integration.event"].sudo()
        commit = hub_may_commit(self.env)
        cursor = None if reconcile else row.cursor
        new, error = 0, False
        for _page in range(MAX_PAGES_PER_RUN):
            try:
                page = adapter._poll(self, stream, cursor)
            except AuthError as auth_error:
                self._park_outbound(auth_error)
                error = str(auth_error)
                break
            except HubError as hub_error:
                _logger.warning("Polling %s of channel %s failed: %s", stream, self.code, hub_error)
                error = str(hub_error)
                break
            for key, event_type, payload in page.messages:
                _event_id, created = Event._receive(self, key, event_type, payload, source="poll")
                new += created
            cursor = page.cursor or cursor
            if not reconcile and page.cursor:
                row.cursor = page.cursor
            if commit:
                self.env.cr.commit()
            else:
                self.env.flush_all()  # a test transaction: as far as it gets to a commit
            if page.after_commit:
                page.after_commit()  # only now may the platform forget them (a queue's messages are deleted)
            if not page.more:
                break
        row.write({"polled_at": fields.Datetime.now(), "last_error": error, "received_last_run": new})
        if new:
            Event._queue_wake()
        if commit:
            self.env.cr.commit()
        return new

    def _check_webhook_health(self, now):
        """Hourly: subscriptions the platform stopped delivering (WooCommerce disables one after failures)."""
        if C.WEBHOOK_REGISTRATION not in self._adapter()._capabilities:
            return
        if self.webhooks_checked_at and self.webhooks_checked_at + WEBHOOK_CHECK_INTERVAL > now:
            return
        self.webhooks_checked_at = now
        try:
            self._adapter()._renew_webhook_subscriptions(self)  # before they expire (platforms with a lifetime)
            problems = self._webhook_problems()
        except HubError as error:
            _logger.warning("Checking the webhooks of channel %s failed: %s", self.code, error)
            return
        for topic, why in problems:
            self.env["integration.sync.exception"]._open(
                "webhook_disabled",
                _lt("%(channel)s: webhook %(topic)s is not delivered", channel=self.name, topic=topic),
                _lt(
                    "%(why)s\n\nMessages of this kind now arrive only through polling (every %(minutes)s min), "
                    "later than they should. Fix the cause on the platform's side if it is known (the hub's URL "
                    "unreachable, a firewall), then an administrator presses 'Register webhooks' on the channel: "
                    "it re-activates the subscription.",
                    why=why,
                    minutes=self.poll_interval_minutes,
                ),
                record=self,
                channel=self,
                dedupe_key=f"webhook-disabled:{self.id}:{topic}",
            )
