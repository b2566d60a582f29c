from datetime import timedelta

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

from ..lib import order_states as S
from ..lib.durations import format_duration

_lt = LazyTranslate(__name__)


class IntegrationChannelHealth(models.Model):
    """Rejected webhooks per channel and hour: the failed-webhook signal needs a rate, not log lines."""

    _name = "integration.channel.health"
    _description = "Integration channel health (hourly)"
    _order = "hour desc"

    channel_id = fields.Many2one("integration.channel", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    hour = fields.Datetime(required=True, index=True)
    webhooks_rejected = fields.Integer()

    _sql_constraints = [("channel_hour_unique", "unique(channel_id, hour)", "One row per channel and hour.")]

    @api.model
    def _count_rejection(self, channel):
        """One upsert, whatever the number of rejections (called from the webhook endpoint).

        Concurrent rejections of one hour may fail to serialize under REPEATABLE
        READ: the caller redoes the transaction (see the webhook controller), so
        no rejection goes uncounted.
        """
        now = fields.Datetime.now()
        self.env.cr.execute(
            """INSERT INTO integration_channel_health (channel_id, company_id, hour, webhooks_rejected,
                                                       create_uid, create_date, write_uid, write_date)
               VALUES (%s, %s, date_trunc('hour', %s::timestamp), 1, %s, %s, %s, %s)
               ON CONFLICT (channel_id, hour) DO UPDATE
                  SET webhooks_rejected = integration_channel_health.webhooks_rejected + 1""",
            [channel.id, channel.company_id.id, now, self.env.uid, now, self.env.uid, now],
            log_exceptions=False,
        )


class IntegrationChannelMonitoring(models.Model):
    """The seed's monitoring signals: order lag, failed webhooks, exception queue depth."""

    _inherit = "integration.channel"

    monitor_order_lag_minutes = fields.Integer(string="Alert when order lag exceeds (min)", default=120)
    monitor_failed_webhook_pct = fields.Float(string="Alert when failed webhooks exceed (%)", default=10.0)
    monitor_queue_depth = fields.Integer(string="Alert when open exceptions exceed", default=25)

    @api.model
    def _cron_monitor_health(self):
        """Hourly: each signal beyond its channel threshold opens one exception for that hour."""
        now = fields.Datetime.now()
        since = now - timedelta(hours=1)
        channels = self.search([("state", "=", "live")])
        if not channels:
            return
        lag = {
            channel.id: (total, count)
            for channel, total, count in self.env["integration.channel.order"]
            .sudo()
            ._read_group(
                [("channel_id", "in", channels.ids), ("received_at", ">=", since), ("state", "!=", S.CANCELLED)],
                ["channel_id"],
                ["lag_received_seconds:sum", "__count"],
            )
        }
        accepted = dict(
            self.env["integration.event"]
            .sudo()
            ._read_group(
                [("channel_id", "in", channels.ids), ("received_at", ">=", since), ("source", "=", "webhook")],
                ["channel_id"],
                ["__count"],
            )
        )
        rejected = dict(
            self.env["integration.channel.health"]
            .sudo()
            ._read_group(
                [("channel_id", "in", channels.ids), ("hour", ">=", since - timedelta(hours=1))],
                ["channel_id"],
                ["webhooks_rejected:sum"],
            )
        )
        depth = dict(
            self.env["integration.sync.exception"]
            .sudo()
            ._read_group([("channel_id", "in", channels.ids), ("state", "=", "open")], ["channel_id"], ["__count"])
        )
        hour_key = now.strftime("%Y-%m-%d %H")
        for channel in channels:
            signals = []
            total, count = lag.get(channel.id, (0.0, 0))
            if count and total / count > channel.monitor_order_lag_minutes * 60:
                signals.append(
                    (
                        "lag",
                        _lt(
                            "Average order lag over the last hour is %(lag)s (threshold %(limit)s): orders "
                            "reach the warehouse late. Check the channel's webhooks and the polling backstop.",
                            lag=format_duration(total / count),
                            limit=format_duration(channel.monitor_order_lag_minutes * 60),
                        ),
                    )
                )
            bad, good = rejected.get(channel, 0), accepted.get(channel, 0)
            if bad >= 5 and bad * 100.0 / (bad + good) > channel.monitor_failed_webhook_pct:
                signals.append(
                    (
                        "webhooks",
                        _lt(
                            "%(bad)s of %(total)s webhooks were rejected in the last hour "
                            "(signature, source IP or size). "
                            "Check the secret, the allowed IPs and the partner's clock.",
                            bad=bad,
                            total=bad + good,
                        ),
                    )
                )
            if depth.get(channel, 0) > channel.monitor_queue_depth:
                signals.append(
                    (
                        "depth",
                        _lt(
                            "%(count)s exceptions are open (threshold %(limit)s): the queue is growing; "
                            "look for a common "
                            "cause (bad data, a failing system).",
                            count=depth[channel],
                            limit=channel.monitor_queue_depth,
                        ),
                    )
                )
            for signal, description in signals:
                self.env["integration.sync.exception"]._open(
                    "monitoring",
                    _lt("%(channel)s: integration health alert (%(signal)s)", channel=channel.name, signal=signal),
                    description,
                    record=channel,
                    channel=channel,
                    severity="critical",
                    dedupe_key=f"monitor:{channel.id}:{signal}:{hour_key}",
                    once=True,
                )
