from odoo import _, api, fields, models

from ..lib.durations import format_duration


class IntegrationChannelOrderDurations(models.Model):
    """The order's lags as people read them (minutes, hours, days), beside the stored seconds."""

    _inherit = "integration.channel.order"

    lag_received_display = fields.Char(string="Order lag", compute="_compute_lag_displays")
    lag_accepted_display = fields.Char(string="Acceptance lag", compute="_compute_lag_displays")

    @api.depends("lag_received_seconds", "lag_accepted_seconds")
    def _compute_lag_displays(self):
        for order in self:
            order.lag_received_display = format_duration(order.lag_received_seconds) if order.placed_at else ""
            order.lag_accepted_display = format_duration(order.lag_accepted_seconds) if order.accepted_at else ""

    def action_view_order_exceptions(self):
        """The order's exceptions and its transfers' (see _compute_exceptions)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_hub.action_integration_sync_exception")
        action.update(
            {
                "name": _("Exceptions of %s", self.name),
                "domain": [("id", "in", self.exception_ids.ids)],
                "context": {},
            }
        )
        return action


class IntegrationEventDurations(models.Model):
    _inherit = "integration.event"

    lag_display = fields.Char(string="Lag", compute="_compute_lag_display")

    @api.depends("lag_seconds")
    def _compute_lag_display(self):
        for event in self:
            event.lag_display = format_duration(event.lag_seconds) if event.source_timestamp else ""
