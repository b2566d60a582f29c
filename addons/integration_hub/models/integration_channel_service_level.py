import json

from odoo import fields, models
from odoo.tools.translate import LazyTranslate

from ..lib import order_states as S
from .integration_channel_shipping_method import normalized_method

_lt = LazyTranslate(__name__)

UNMAPPED = "service_level_unmapped"


class IntegrationChannelServiceLevel(models.Model):
    """A channel's shipping methods -> the service levels the warehouse sells (a table with a default)."""

    _inherit = "integration.channel"

    default_service_level_id = fields.Many2one(
        "integration.service.level",
        string="Default service level",
        help="For orders that name no shipping method at all. A method that is named but not in the table "
        "is never guessed: it opens an exception naming it.",
    )
    shipping_method_ids = fields.One2many(
        "integration.channel.shipping.method", "channel_id", string="Shipping methods", copy=True
    )

    def _service_level_for(self, method):
        """(service level, unmapped): the table's row, else a level whose code is the method, else the default
        when no method is named; ``unmapped`` is True when a named method has no level."""
        self.ensure_one()
        key = normalized_method(method)
        if not key:
            return self.default_service_level_id, False
        row = self.shipping_method_ids.filtered(lambda r: r.method_key == key)[:1]
        if row:
            return row.service_level_id, False
        level = self.env["integration.service.level"].sudo()._by_code(key, self.company_id)
        return level, not level

    def _orders_waiting_for_method(self, key):
        """Open orders of this channel whose shipping method is ``key`` and that have no service level yet."""
        orders = (
            self.env["integration.channel.order"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", self.id),
                    ("service_level_id", "=", False),
                    ("service_level", "!=", False),
                    ("state", "not in", (S.CANCELLED, S.DISPATCHED, S.IN_TRANSIT, S.DELIVERED)),
                ]
            )
        )
        return orders.filtered(lambda order: normalized_method(order.service_level) == key)

    def _unmapped_method_key(self, key):
        return f"shipping-method:{self.id}:{key}"

    def _unmapped_method_exceptions(self, key):
        return (
            self.env["integration.sync.exception"]
            .sudo()
            .search([("dedupe_key", "=", self._unmapped_method_key(key)), ("state", "=", "open")])
        )

    def _open_unmapped_method_exception(self, method, order):
        """One open exception per channel and unmapped method, whatever the number of orders carrying it."""
        self.ensure_one()
        return self.env["integration.sync.exception"]._open(
            UNMAPPED,
            _lt(
                "%(channel)s: shipping method '%(method)s' is not mapped to a service level",
                channel=self.name,
                method=method,
            ),
            _lt(
                "Orders of %(channel)s ask for the shipping method '%(method)s' (first: %(order)s), which is not in "
                "the channel's table of shipping methods, so the hub does not know which service was sold and "
                "chooses no carrier for them. Nothing is guessed.\n\nWhat to do: an administrator maps it to a "
                "service level ('Map shipping method' here, or the channel's Service levels tab); the waiting "
                "orders then get their service level and their carrier.",
                channel=self.name,
                method=method,
                order=order.name,
            ),
            record=self,
            channel=self,
            dedupe_key=self._unmapped_method_key(normalized_method(method)),
            pending_data=json.dumps({"channel_id": self.id, "method": method}),
        )
