from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import config

from ..lib import crypto
from ..lib.errors import ConfigurationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    integration_hub_key_status = fields.Char(compute="_compute_integration_hub_key_status", string="Encryption key")
    integration_hub_inbox_max_attempts = fields.Integer(
        string="Attempts before a message fails",
        config_parameter="integration_hub.inbox_max_attempts",
        default=6,
        help="An inbound message that keeps failing, or keeps stopping its worker, is failed with an exception "
        "after this many attempts; the others go on.",
    )
    integration_hub_cron_time_budget = fields.Integer(
        string="Time budget per scheduled run (s)",
        config_parameter="integration_hub.cron_time_budget_seconds",
        help="How long one run of the inbox or outbox worker keeps taking work before it hands over to a fresh "
        "run. Empty or 0: a quarter of Odoo's tightest time limit (limit_time_cpu, limit_time_real_cron).",
    )
    integration_hub_inbox_retention_days = fields.Integer(
        string="Keep settled messages (days)",
        config_parameter="integration_hub.inbox_retention_days",
        default=90,
        help="Processed, duplicate and set-aside inbox messages older than this are removed by a daily job "
        "(never under 7 days; failed messages and those an open exception names are kept).",
    )

    integration_hub_parallel_runs = fields.Integer(
        string="Parallel runs per queue",
        config_parameter="integration_hub.parallel_runs",
        default=1,
        help="How many workers may drain the inbox, and the outbox, at the same time (1 to 8). Each needs a free "
        "cron worker: max_cron_threads per Odoo server, added up over the servers on this database.",
    )

    def set_values(self):
        super().set_values()
        runs = self.integration_hub_parallel_runs
        for queue in ("integration.event", "integration.job"):
            runs = self.env[queue]._queue_set_parallel_runs(runs)
        if runs != self.integration_hub_parallel_runs:  # clamped to what is allowed
            self.env["ir.config_parameter"].sudo().set_param("integration_hub.parallel_runs", runs)

    # company_id: the settings form opens as a new record whose company comes by default; a field
    # without a dependency would keep the empty initial value there (blank in the form)
    @api.depends("company_id")
    def _compute_integration_hub_key_status(self):
        try:
            count = len(crypto.parse_keys(crypto.configured_keys(config.get(crypto.CONFIG_OPTION))))
            status = _("Configured (%s key(s), newest first)", count)
        except ConfigurationError:
            status = _("MISSING: secrets cannot be stored. See the README, 'Encryption key'.")
        for settings in self:
            settings.integration_hub_key_status = status

    def action_integration_hub_rotate_secrets(self):
        if not self.env.user.has_group("integration_hub.group_hub_admin"):
            raise AccessError(_("Only Integration Hub administrators can re-encrypt secrets."))
        count = self.env["integration.secret"]._rotate_all()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Secrets re-encrypted"),
                "message": _(
                    "%s secret(s) and the stored personal data now use the newest key. Older keys can be removed "
                    "from the configuration.",
                    count,
                ),
                "type": "success",
            },
        }
