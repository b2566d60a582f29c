from odoo import _, fields, models


class IntegrationChannelOrderServiceLevel(models.Model):
    """The service the customer bought: the channel's shipping method, resolved through the channel's table."""

    _inherit = "integration.channel.order"

    service_level_id = fields.Many2one(
        "integration.service.level",
        readonly=True,
        index=True,
        tracking=True,
        help="What the shipping method sent means for the warehouse, from the channel's table of shipping methods.",
    )

    def _resolve_service_level(self, resolved=None):
        """Set the order's service level from its shipping method; an unmapped method opens one exception.

        ``resolved``: ``(level, unmapped)`` from ``channel._service_level_for`` when the caller already
        looked the method up (a new order, created with its level: no tracked change to log).
        """
        for order in self:
            level, unmapped = resolved or order.channel_id._service_level_for(order.service_level)
            if level != order.service_level_id:
                order.sudo().service_level_id = level
            if unmapped:
                order.channel_id._open_unmapped_method_exception(order.service_level, order)

    def _apply_service_level(self, level):
        """A method was mapped after these orders arrived: they get their level (and, with carriers, a carrier)."""
        for order in self:
            order.service_level_id = level
            order.message_post(
                body=_(
                    "Service level set to %(level)s ('%(method)s' was mapped).",
                    level=level.name,
                    method=order.service_level,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._on_service_level_set()

    def _on_service_level_set(self):
        """Hook: what depends on the service level (the carriers addon chooses the carrier again)."""
