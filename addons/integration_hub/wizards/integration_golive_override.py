from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError


class IntegrationGoliveOverride(models.TransientModel):
    """A manager lets a channel go live without a passed go-live check; the reason is kept in the audit log.

    The override is recorded as an ``integration.golive.check`` of kind "override" (valid for the channel's
    configuration of the moment, like a check) and as a "Configuration change" audit entry. An administrator
    then puts the channel live (administrators: the wizard does it at once).
    """

    _name = "integration.golive.override"
    _description = "Override the go-live check"

    channel_id = fields.Many2one("integration.channel", required=True, readonly=True)
    reason = fields.Text(required=True, help="Why this channel may go live without a passed check. Audited.")

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers and administrators can override the go-live check."))
        channel = self.channel_id
        channel._check_hub_reachable()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(_("Write why the channel may go live without a passed go-live check."))
        latest = self.env["integration.golive.check"].sudo().search([("channel_id", "=", channel.id)], limit=1)
        self.env["integration.golive.check"].sudo().create(
            {
                "channel_id": channel.id,
                "user_id": self.env.uid,
                "kind": "override",
                "passed": False,
                "override_reason": reason,
                "config_fingerprint": channel._golive_config_fingerprint(),
            }
        )
        self.env["integration.audit.log"]._log(
            "config_change",
            channel,
            reason=_("Go-live check overridden: %s", reason),
            before={"golive_check": latest.summary if latest else None},
            after={"golive_override": True},
        )
        if self.env.user.has_group("integration_hub.group_hub_admin"):
            channel.action_go_live()
        return {"type": "ir.actions.act_window_close"}
