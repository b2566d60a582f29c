import json

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.integration_channel_service_level import UNMAPPED


class IntegrationShippingMethodMap(models.TransientModel):
    """Fix an 'unmapped shipping method' exception from the exception itself (administrators)."""

    _name = "integration.shipping.method.map"
    _description = "Map a channel's shipping method to a service level"

    exception_id = fields.Many2one("integration.sync.exception", required=True, readonly=True)
    channel_id = fields.Many2one("integration.channel", required=True, readonly=True)
    method = fields.Char(string="Shipping method as sent", required=True, readonly=True)
    service_level_id = fields.Many2one("integration.service.level", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        exception = self.env["integration.sync.exception"].browse(self.env.context.get("default_exception_id"))
        if exception.exists() and exception.pending_data:
            pending = json.loads(exception.sudo().pending_data)
            values.setdefault("channel_id", pending.get("channel_id"))
            values.setdefault("method", pending.get("method"))
        return values

    def action_map(self):
        self.ensure_one()
        if not self.env.user.has_group("integration_hub.group_hub_admin"):
            raise AccessError(_("Only Integration Hub administrators can map shipping methods."))
        if self.exception_id.state != "open":
            raise UserError(_("This exception is already closed."))
        # what the exception is about, not what an RPC caller put in the wizard
        pending = json.loads(self.exception_id.sudo().pending_data or "{}")
        if self.exception_id.exception_type != UNMAPPED or (pending.get("channel_id"), pending.get("method")) != (
            self.channel_id.id,
            self.method,
        ):
            raise UserError(_("This exception is not about shipping method '%s' of this channel.", self.method))
        self.env["integration.channel.shipping.method"].create(
            {"channel_id": self.channel_id.id, "method": self.method, "service_level_id": self.service_level_id.id}
        )
        self.exception_id._decide(
            "resolved",
            _(
                "'%(method)s' mapped to %(level)s on %(channel)s by %(user)s.",
                method=self.method,
                level=self.service_level_id.name,
                channel=self.channel_id.name,
                user=self.env.user.name,
            ),
        )
        return {"type": "ir.actions.act_window_close"}
