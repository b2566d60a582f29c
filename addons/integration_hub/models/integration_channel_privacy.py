from odoo import api, fields, models

# README "Personal data": a month after delivery covers the carrier's claims window and the returns period
DEFAULT_RETENTION_DAYS = 30


class IntegrationChannelPrivacy(models.Model):
    """How long a channel's customers' personal data is kept after the order or return is closed."""

    _inherit = "integration.channel"

    personal_data_retention_days = fields.Integer(
        string="Keep personal data (days)",
        default=DEFAULT_RETENTION_DAYS,
        help="Days after an order is delivered or cancelled (a return completed, a message settled) before its "
        "customer's name, address, phone and e-mail and the raw message are anonymised. 0: never. The platform's "
        "own rule applies when it is stricter.",
    )
    personal_data_retention_effective = fields.Integer(
        string="Effective retention (days)",
        compute="_compute_personal_data_retention_effective",
        help="The shorter of this channel's period and its platform's rule (e.g. a marketplace's restricted data).",
    )

    @api.depends("personal_data_retention_days", "platform")
    def _compute_personal_data_retention_effective(self):
        for channel in self:
            channel.personal_data_retention_effective = channel._personal_data_retention_days_effective()

    def _personal_data_retention_days_effective(self):
        """Days to keep personal data: the channel's period, shortened by the adapter's rule; 0 = never erase."""
        self.ensure_one()
        own = max(0, self.personal_data_retention_days or 0)
        platform_rule = (
            self._adapter()._personal_data_retention_days if self.platform and self._adapter_known() else None
        )
        if platform_rule:
            return min(own, platform_rule) if own else platform_rule
        return own

    def _adapter_known(self):
        return f"integration.adapter.{self.platform}" in self.env

    @api.model
    def _cron_personal_data_retention(self):
        """Daily: anonymise what each channel's retention period no longer covers (count in the audit log)."""
        return self.env["integration.personal.data"]._apply_retention()
