from datetime import timedelta

from odoo import api, fields, models

from ..lib import order_states as S
from ..lib.durations import format_duration


class IntegrationMonitoringSample(models.Model):
    """The four monitoring signals of a channel, sampled every hour: their history, graphed over days.

    The seed's signals: order lag (placed -> received, minutes), inventory divergence (channel vs
    warehouse, %), failed-webhook rate (rejected / all webhooks of the hour, %) and exception queue
    depth (open exceptions). Each sample keeps the channel's thresholds of that hour, so a graph reads
    against the limit that was in force.
    """

    _name = "integration.monitoring.sample"
    _description = "Integration monitoring sample (hourly)"
    _order = "sampled_at desc, channel_id"
    _rec_name = "sampled_at"

    channel_id = fields.Many2one("integration.channel", required=True, index=True, ondelete="cascade", readonly=True)
    client_id = fields.Many2one("res.partner", string="Client", index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    sampled_at = fields.Datetime(string="Hour", required=True, index=True, readonly=True)
    order_count = fields.Integer(string="Orders received", readonly=True, aggregator="sum")
    order_lag_minutes = fields.Float(string="Order lag (min)", readonly=True, aggregator="avg")
    order_lag_limit = fields.Integer(string="Order lag threshold (min)", readonly=True, aggregator="max")
    divergence_pct = fields.Float(string="Inventory divergence (%)", readonly=True, aggregator="max")
    divergence_limit = fields.Float(string="Divergence threshold (%)", readonly=True, aggregator="max")
    webhooks_received = fields.Integer(readonly=True, aggregator="sum")
    webhooks_rejected = fields.Integer(readonly=True, aggregator="sum")
    failed_webhook_pct = fields.Float(string="Failed webhooks (%)", readonly=True, aggregator="avg")
    failed_webhook_limit = fields.Float(string="Failed-webhook threshold (%)", readonly=True, aggregator="max")
    queue_depth = fields.Integer(string="Open exceptions", readonly=True, aggregator="max")
    queue_depth_limit = fields.Integer(string="Queue depth threshold", readonly=True, aggregator="max")
    order_lag_display = fields.Char(string="Order lag", compute="_compute_order_lag_display")

    _sql_constraints = [("channel_hour_unique", "unique(channel_id, sampled_at)", "One sample per channel and hour.")]

    @api.depends("order_lag_minutes")
    def _compute_order_lag_display(self):
        for sample in self:
            sample.order_lag_display = format_duration(sample.order_lag_minutes * 60)

    @api.model
    def _signal_figures(self, channels, now=None):
        """{channel id: {signal: value}} over the hour before ``now``, read in four grouped queries.

        Keys: order_count, order_lag_minutes, divergence_pct, webhooks_received, webhooks_rejected,
        failed_webhook_pct, queue_depth. The same rules as the hourly alert (_cron_monitor_health).
        """
        now = now or fields.Datetime.now()
        since = now - timedelta(hours=1)
        ids = channels.ids
        lag = {
            channel.id: (total, count)
            for channel, total, count in self.env["integration.channel.order"]
            .sudo()
            ._read_group(
                [
                    ("channel_id", "in", ids),
                    ("received_at", ">=", since),
                    ("received_at", "<=", now),
                    ("state", "!=", S.CANCELLED),
                ],
                ["channel_id"],
                ["lag_received_seconds:sum", "__count"],
            )
        }
        accepted = {
            channel.id: count
            for channel, count in self.env["integration.event"]
            .sudo()
            ._read_group(
                [
                    ("channel_id", "in", ids),
                    ("received_at", ">=", since),
                    ("received_at", "<=", now),
                    ("source", "=", "webhook"),
                ],
                ["channel_id"],
                ["__count"],
            )
        }
        rejected = {
            channel.id: total
            for channel, total in self.env["integration.channel.health"]
            .sudo()
            ._read_group(
                [
                    ("channel_id", "in", ids),
                    ("hour", ">=", since.replace(minute=0, second=0, microsecond=0)),
                    ("hour", "<=", now),
                ],
                ["channel_id"],
                ["webhooks_rejected:sum"],
            )
        }
        divergence = {
            channel.id: pct
            for channel, pct in self.env["integration.inventory.level"]
            .sudo()
            ._read_group([("channel_id", "in", ids)], ["channel_id"], ["divergence_pct:max"])
        }
        depth = {
            channel.id: count
            for channel, count in self.env["integration.sync.exception"]
            .sudo()
            ._read_group([("channel_id", "in", ids), ("state", "=", "open")], ["channel_id"], ["__count"])
        }
        figures = {}
        for channel_id in ids:
            total, count = lag.get(channel_id, (0.0, 0))
            bad, good = rejected.get(channel_id, 0) or 0, accepted.get(channel_id, 0)
            figures[channel_id] = {
                "order_count": count,
                "order_lag_minutes": (total / count / 60.0) if count else 0.0,
                "divergence_pct": divergence.get(channel_id) or 0.0,
                "webhooks_received": bad + good,
                "webhooks_rejected": bad,
                "failed_webhook_pct": (bad * 100.0 / (bad + good)) if bad + good else 0.0,
                "queue_depth": depth.get(channel_id, 0),
            }
        return figures

    @api.model
    def _cron_sample_monitoring(self):
        """Hourly: one sample per active channel for the hour just ended (run twice: the sample is redone)."""
        now = fields.Datetime.now()
        hour = now.replace(minute=0, second=0, microsecond=0)
        channels = self.env["integration.channel"].sudo().search([("state", "in", ("live", "paused"))])
        figures = self._signal_figures(channels, now)
        existing = {sample.channel_id.id: sample for sample in self.sudo().search([("sampled_at", "=", hour)])}
        values = []
        for channel in channels:
            row = {
                **figures[channel.id],
                "order_lag_limit": channel.monitor_order_lag_minutes,
                "divergence_limit": channel.divergence_threshold_pct,
                "failed_webhook_limit": channel.monitor_failed_webhook_pct,
                "queue_depth_limit": channel.monitor_queue_depth,
            }
            if channel.id in existing:
                existing[channel.id].write(row)
            else:
                values.append(
                    {
                        **row,
                        "channel_id": channel.id,
                        "client_id": channel.client_id.id,
                        "company_id": channel.company_id.id,
                        "sampled_at": hour,
                    }
                )
        return self.sudo().create(values)
