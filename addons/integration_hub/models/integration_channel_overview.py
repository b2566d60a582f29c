from datetime import timedelta

from odoo import _, fields, models
from odoo.tools.misc import formatLang

from ..lib import order_states as S
from ..lib.durations import format_duration

# orders still in the warehouse's hands (not delivered, cancelled or on hold)
IN_PROGRESS = (S.RECEIVED, S.VALIDATED, S.ACCEPTED, S.PICKING, S.PICKED, S.PACKED)
DONE_OR_GONE = (S.DISPATCHED, S.IN_TRANSIT, S.DELIVERED, S.CANCELLED)
# (signal, sample field, channel threshold field)
SIGNALS = (
    ("order_lag", "order_lag_minutes", "monitor_order_lag_minutes"),
    ("divergence", "divergence_pct", "divergence_threshold_pct"),
    ("failed_webhooks", "failed_webhook_pct", "monitor_failed_webhook_pct"),
    ("queue_depth", "queue_depth", "monitor_queue_depth"),
)


class IntegrationChannelOverview(models.Model):
    """The morning review, per channel: what needs a person first, when the channel last spoke, the signals.

    Every figure is computed at read time (one grouped query per figure for all the cards shown), and
    every figure opens the records behind it (``action_overview_open`` with the figure's name).
    """

    _inherit = "integration.channel"

    overview_on_hold = fields.Integer(string="On hold", compute="_compute_overview")
    overview_stuck = fields.Integer(string="Stuck in picking", compute="_compute_overview")
    overview_edit_after_release = fields.Integer(string="Edits after release", compute="_compute_overview")
    overview_deadline = fields.Integer(string="Deadlines near", compute="_compute_overview")
    overview_in_progress = fields.Integer(string="In progress", compute="_compute_overview")
    overview_shipped_today = fields.Integer(string="Shipped today", compute="_compute_overview")
    overview_last_poll_at = fields.Datetime(string="Last successful poll", compute="_compute_overview")
    overview_last_publication_at = fields.Datetime(string="Last publication", compute="_compute_overview")
    overview_last_webhook_at = fields.Datetime(string="Last webhook", compute="_compute_overview")
    overview_exceptions_new = fields.Integer(string="Exceptions under 24 h", compute="_compute_overview")
    overview_exceptions_days = fields.Integer(string="Exceptions 1 to 3 days", compute="_compute_overview")
    overview_exceptions_old = fields.Integer(string="Exceptions over 3 days", compute="_compute_overview")
    overview_exception_types = fields.Char(string="Open exceptions by type", compute="_compute_overview")
    overview_order_lag = fields.Char(string="Order lag", compute="_compute_overview")
    overview_order_lag_limit = fields.Char(string="Order lag threshold", compute="_compute_overview")
    overview_order_lag_alert = fields.Boolean(compute="_compute_overview")
    overview_divergence_pct = fields.Float(string="Inventory divergence (%)", compute="_compute_overview")
    overview_divergence_alert = fields.Boolean(compute="_compute_overview")
    overview_failed_webhook_pct = fields.Float(string="Failed webhooks (%)", compute="_compute_overview")
    overview_failed_webhook_alert = fields.Boolean(compute="_compute_overview")
    overview_queue_depth = fields.Integer(string="Exception queue depth", compute="_compute_overview")
    overview_divergence_text = fields.Char(string="Divergence", compute="_compute_overview")
    overview_divergence_limit = fields.Char(string="Divergence threshold", compute="_compute_overview")
    overview_failed_webhook_text = fields.Char(string="Failed webhooks", compute="_compute_overview")
    overview_failed_webhook_limit = fields.Char(string="Failed-webhook threshold", compute="_compute_overview")
    overview_queue_depth_alert = fields.Boolean(compute="_compute_overview")

    def _overview_domains(self):
        """{figure: (model, domain)}: the records behind each figure of the cards (for self's channels)."""
        now = fields.Datetime.now()
        ids = self.ids
        today = fields.Datetime.to_datetime(fields.Date.context_today(self))
        # each deadline with its own warning (exact for one channel; the largest for several)
        decision_soon = now + timedelta(hours=max([*self.mapped("decision_warning_hours"), 0]))
        ship_by_soon = now + timedelta(hours=max([*self.mapped("ship_by_warning_hours"), 0]))
        orders, exceptions = "integration.channel.order", "integration.sync.exception"
        open_exc = [("channel_id", "in", ids), ("state", "=", "open")]
        return {
            "on_hold": (orders, [("channel_id", "in", ids), ("state", "=", S.ON_HOLD)]),
            "stuck": (exceptions, [*open_exc, ("exception_type", "=", "stuck_picking")]),
            "edit_after_release": (exceptions, [*open_exc, ("exception_type", "=", "edit_after_release")]),
            "deadline": (
                orders,
                [
                    ("channel_id", "in", ids),
                    ("state", "not in", DONE_OR_GONE),
                    "|",
                    "&",
                    ("decision_deadline", "!=", False),
                    ("decision_deadline", "<=", decision_soon),
                    "&",
                    ("ship_by", "!=", False),
                    ("ship_by", "<=", ship_by_soon),
                ],
            ),
            "in_progress": (orders, [("channel_id", "in", ids), ("state", "in", IN_PROGRESS)]),
            "orders": (orders, [("channel_id", "in", ids)]),
            "shipped_today": (orders, [("channel_id", "in", ids), ("dispatched_at", ">=", today)]),
            "exceptions": (exceptions, open_exc),
            "exceptions_new": (exceptions, [*open_exc, ("create_date", ">=", now - timedelta(days=1))]),
            "exceptions_days": (
                exceptions,
                [
                    *open_exc,
                    ("create_date", "<", now - timedelta(days=1)),
                    ("create_date", ">=", now - timedelta(days=3)),
                ],
            ),
            "exceptions_old": (exceptions, [*open_exc, ("create_date", "<", now - timedelta(days=3))]),
            "order_lag": (
                orders,
                [
                    ("channel_id", "in", ids),
                    ("received_at", ">=", now - timedelta(hours=1)),
                    ("state", "!=", S.CANCELLED),
                ],
            ),
            "divergence": ("integration.inventory.level", [("channel_id", "in", ids), ("divergence_pct", ">", 0)]),
            "failed_webhooks": ("integration.channel.health", [("channel_id", "in", ids)]),
            "queue_depth": (exceptions, open_exc),
            "polls": ("integration.poll.cursor", [("channel_id", "in", ids)]),
            "publications": ("integration.job", [("channel_id", "in", ids), ("job_type", "=", "inventory")]),
            "webhooks": ("integration.event", [("channel_id", "in", ids), ("source", "=", "webhook")]),
            "history": ("integration.monitoring.sample", [("channel_id", "in", ids)]),
        }

    def _overview_counts(self, domains, figure):
        model, domain = domains[figure]
        return {
            channel.id: count for channel, count in self.env[model]._read_group(domain, ["channel_id"], ["__count"])
        }

    def _compute_overview(self):
        channels = self.filtered("id")
        (self - channels).update({name: False for name in self._fields if name.startswith("overview_")})
        if not channels:
            return
        domains = channels._overview_domains()
        counts = {
            figure: channels._overview_counts(domains, figure)
            for figure in (
                "on_hold",
                "stuck",
                "edit_after_release",
                "in_progress",
                "shipped_today",
                "exceptions_new",
                "exceptions_days",
                "exceptions_old",
            )
        }
        # each channel's own warning hours: one count per card
        counts["deadline"] = {
            channel.id: self.env["integration.channel.order"].search_count(channel._overview_domains()["deadline"][1])
            for channel in channels
        }
        polls = dict(
            self.env["integration.poll.cursor"]._read_group(
                [("channel_id", "in", channels.ids), ("last_error", "=", False)], ["channel_id"], ["polled_at:max"]
            )
        )
        webhooks = dict(
            self.env["integration.event"]._read_group(domains["webhooks"][1], ["channel_id"], ["received_at:max"])
        )
        types = {}
        labels = dict(self.env["integration.sync.exception"]._fields["exception_type"]._description_selection(self.env))
        for channel, exception_type, count in self.env["integration.sync.exception"]._read_group(
            domains["exceptions"][1], ["channel_id", "exception_type"], ["__count"], order="__count desc"
        ):
            types.setdefault(channel.id, []).append(f"{labels.get(exception_type, exception_type)}: {count}")
        signals = self.env["integration.monitoring.sample"]._signal_figures(channels)

        def percent(value):
            return f"{formatLang(self.env, value, digits=1)} %"

        for channel in channels:
            figures = signals[channel.id]
            values = {f"overview_{figure}": counts[figure].get(channel.id, 0) for figure in counts}
            lag = figures["order_lag_minutes"]
            values.update(
                {
                    "overview_last_poll_at": polls.get(channel, False),
                    "overview_last_publication_at": channel.last_inventory_publish_at,
                    "overview_last_webhook_at": webhooks.get(channel, False),
                    "overview_exception_types": ", ".join(types.get(channel.id, [])[:4]),
                    "overview_order_lag": format_duration(lag * 60) if figures["order_count"] else "-",
                    "overview_order_lag_limit": format_duration(channel.monitor_order_lag_minutes * 60),
                    "overview_order_lag_alert": lag > channel.monitor_order_lag_minutes,
                    "overview_divergence_pct": figures["divergence_pct"],
                    "overview_divergence_alert": figures["divergence_pct"] > channel.divergence_threshold_pct,
                    "overview_failed_webhook_pct": figures["failed_webhook_pct"],
                    "overview_failed_webhook_alert": figures["failed_webhook_pct"] > channel.monitor_failed_webhook_pct,
                    "overview_queue_depth": figures["queue_depth"],
                    "overview_divergence_text": percent(figures["divergence_pct"]),
                    "overview_divergence_limit": percent(channel.divergence_threshold_pct),
                    "overview_failed_webhook_text": percent(figures["failed_webhook_pct"]),
                    "overview_failed_webhook_limit": percent(channel.monitor_failed_webhook_pct),
                    "overview_queue_depth_alert": figures["queue_depth"] > channel.monitor_queue_depth,
                }
            )
            channel.update(values)

    def action_overview_open(self):
        """Open the records behind one figure of the card: the figure's name is in the context ``overview``."""
        figure = self.env.context.get("overview")
        domains = self._overview_domains()
        if figure not in domains:
            return False
        model, domain = domains[figure]
        titles = {
            "on_hold": _("Orders on hold"),
            "stuck": _("Stuck pickings"),
            "edit_after_release": _("Edits after release"),
            "deadline": _("Orders with a deadline near"),
            "in_progress": _("Orders in progress"),
            "orders": _("Orders by state"),
            "shipped_today": _("Orders shipped today"),
            "exceptions": _("Open exceptions"),
            "exceptions_new": _("Exceptions opened in the last 24 hours"),
            "exceptions_days": _("Exceptions open for 1 to 3 days"),
            "exceptions_old": _("Exceptions open for more than 3 days"),
            "order_lag": _("Orders received in the last hour (order lag)"),
            "divergence": _("Inventory divergence"),
            "failed_webhooks": _("Rejected webhooks"),
            "queue_depth": _("Exception queue"),
            "polls": _("Polls"),
            "publications": _("Inventory publications"),
            "webhooks": _("Webhooks received"),
            "history": _("Monitoring history"),
        }
        views = {
            "integration.monitoring.sample": "graph,pivot,list",
            "integration.channel.health": "list,graph,pivot",
        }
        return {
            "type": "ir.actions.act_window",
            "name": titles[figure],
            "res_model": model,
            "view_mode": views.get(model, "list,form,graph,pivot"),
            "views": [(False, view) for view in views.get(model, "list,form,graph,pivot").split(",")],
            "domain": domain,
            "context": {
                **({"default_channel_id": self.id} if len(self) == 1 else {}),
                # every order of the channel: by state, the lifecycle at a glance
                **({"group_by": ["state"]} if figure == "orders" else {}),
            },
        }
