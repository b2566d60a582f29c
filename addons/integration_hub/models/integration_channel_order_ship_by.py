from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools.translate import LazyTranslate

from ..lib import order_states as S

_lt = LazyTranslate(__name__)

# Orders the warehouse can still hand to the carrier: the deadline matters until then.
NOT_YET_SHIPPED = (S.RECEIVED, S.VALIDATED, S.ACCEPTED, S.PICKING, S.PICKED, S.PACKED, S.ON_HOLD)


class IntegrationChannelOrderShipBy(models.Model):
    """The platform's deadline to hand an order to the carrier (``ship_by`` in the order document, e.g. Amazon's
    LatestShipDate) and the control point that warns before it is missed. Also the delivery data a platform
    withheld (``withheld`` in the document): a validation problem, so the order is held naming it."""

    _inherit = "integration.channel.order"

    ship_by = fields.Datetime(
        string="Ship by",
        readonly=True,
        index=True,
        help="The channel's deadline for handing the order to the carrier; an exception opens before it is missed.",
    )
    withheld_data = fields.Char(
        string="Withheld delivery data",
        readonly=True,
        help="What the channel did not give the hub (and why): the order is held until it arrives.",
    )

    @api.model
    def _cron_check_ship_by(self):
        """One exception per order whose ship-by deadline is within the channel's warning time and not shipped."""
        now = fields.Datetime.now()
        candidates = self.search(
            [("ship_by", "!=", False), ("state", "in", NOT_YET_SHIPPED), ("ship_by", "<=", now + timedelta(days=2))]
        )
        Exception_ = self.env["integration.sync.exception"]
        for order in candidates:
            if order.ship_by - timedelta(hours=order.channel_id.ship_by_warning_hours or 0) > now:
                continue
            missed = order.ship_by <= now
            Exception_._open(
                "ship_by_deadline",
                _lt(
                    "Order %(order)s: ship-by deadline %(when)s %(what)s",
                    order=order.name,
                    when=order.ship_by,
                    what=_("missed") if missed else _("near"),
                ),
                _lt(
                    "%(channel)s expects the order handed to the carrier by %(when)s (UTC); it is %(state)s. "
                    "A late shipment counts against the seller's account on the platform. Prioritise its picking, "
                    "release it if it is on hold, or agree with the channel what to do.",
                    channel=order.channel_id.name,
                    when=order.ship_by,
                    state=order._state_label(order.state),
                ),
                record=order,
                severity="critical" if missed else "warning",
                dedupe_key=f"ship-by:{order.id}:{order.ship_by:%Y%m%d%H%M%S}:{'missed' if missed else 'near'}",
                once=True,
            )


class IntegrationChannelShipBy(models.Model):
    _inherit = "integration.channel"

    ship_by_warning_hours = fields.Float(
        string="Ship-by warning (h)",
        default=6.0,
        help="An exception opens this many hours before an order's ship-by deadline when it is not shipped yet.",
    )


class IntegrationSyncExceptionShipBy(models.Model):
    _inherit = "integration.sync.exception"

    exception_type = fields.Selection(
        selection_add=[("ship_by_deadline", "Ship-by deadline")], ondelete={"ship_by_deadline": "cascade"}
    )
