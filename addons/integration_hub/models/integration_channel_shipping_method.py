from odoo import _, api, fields, models
from odoo.exceptions import AccessError


def normalized_method(method):
    """How methods are compared: trimmed, without case, inner spaces collapsed ('Standard  48H' ~ 'standard 48h')."""
    return " ".join((method or "").split()).lower()


class IntegrationChannelShippingMethod(models.Model):
    """One row of a channel's table: the platform's shipping method as sent -> the service level sold.

    Mapping is channel configuration (administrators). Adding a row places the orders that waited
    for it: their service level is set and the hub chooses their carrier again.
    """

    _name = "integration.channel.shipping.method"
    _description = "Channel shipping method mapping"
    _order = "channel_id, method"

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    method = fields.Char(
        string="Shipping method as sent",
        required=True,
        help="Exactly what the platform sends (e.g. 'Standard 48h', 'Express', a store name for pickups); "
        "compared without case or extra spaces.",
    )
    method_key = fields.Char(compute="_compute_method_key", store=True, index=True)
    service_level_id = fields.Many2one("integration.service.level", required=True, ondelete="restrict")

    _sql_constraints = [
        ("channel_method_unique", "unique(channel_id, method_key)", "This shipping method is already mapped."),
    ]

    @api.depends("method")
    def _compute_method_key(self):
        for row in self:
            row.method_key = normalized_method(row.method)

    @api.model_create_multi
    def create(self, vals_list):
        rows = super().create(vals_list)
        rows._place_waiting_orders()
        return rows

    def write(self, vals):
        result = super().write(vals)
        if {"method", "service_level_id"} & set(vals):
            self._place_waiting_orders()
        return result

    def _place_waiting_orders(self):
        """Orders whose method was unmapped get their level now; their exception is told (a manager closes it)."""
        for row in self:
            orders = row.channel_id._orders_waiting_for_method(row.method_key)
            if orders:
                orders.sudo()._apply_service_level(row.service_level_id)
            for exception in row.channel_id._unmapped_method_exceptions(row.method_key):
                exception.sudo().message_post(
                    body=_(
                        "'%(method)s' is now mapped to %(level)s (%(count)s waiting order(s) placed): "
                        "this can be closed.",
                        method=row.method,
                        level=row.service_level_id.name,
                        count=len(orders),
                    )
                )

    @api.model
    def _check_admin(self):
        if not self.env.su and not self.env.user.has_group("integration_hub.group_hub_admin"):
            raise AccessError(_("Only Integration Hub administrators can map shipping methods."))
