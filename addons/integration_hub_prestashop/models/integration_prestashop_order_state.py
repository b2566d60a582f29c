from odoo import api, fields, models

from ..lib.prestashop import MEANINGS


class IntegrationPrestashopOrderState(models.Model):
    """One of a shop's order states (ids are per shop) and what it means to the warehouse.

    Rows are read from the shop (``/api/order_states``) by 'Test connection'; an administrator chooses
    the meaning. A state without one is never guessed: its orders wait in the inbox with an exception.
    """

    _name = "integration.prestashop.order.state"
    _description = "PrestaShop order state of a channel"
    _order = "channel_id, sequence, id"

    channel_id = fields.Many2one("integration.channel", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    state_id = fields.Char(string="State id", required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    name = fields.Char(readonly=True)
    paid = fields.Boolean(readonly=True, help="The shop's 'paid' flag of the state.")
    shipped = fields.Boolean(readonly=True, help="The shop's 'shipped' flag of the state.")
    meaning = fields.Selection(
        MEANINGS,
        help="Paid / ready to ship: the warehouse may pick. Awaiting payment: the order waits. Cancelled: the "
        "order is cancelled. Shipped: the state the hub sets when the goods left (the first one if several). "
        "Delivered: the state the hub sets when the carrier delivered them.",
    )

    _sql_constraints = [
        ("channel_state_unique", "unique(channel_id, state_id)", "A shop's order state is listed once per channel.")
    ]

    @api.model
    def _store_from_shop(self, channel, states):
        """Upsert the shop's states [{"id", "name", "paid", "shipped"}]. A new state has no meaning until an
        administrator chooses one (the shop's flags are shown to help: "refunded" is paid and not shipped too)."""
        known = {row.state_id: row for row in self.sudo().search([("channel_id", "=", channel.id)])}
        create = []
        for position, state in enumerate(states):
            paid, shipped = str(state.get("paid")) == "1", str(state.get("shipped")) == "1"
            values = {"name": state.get("name"), "paid": paid, "shipped": shipped, "sequence": position}
            row = known.get(str(state["id"]))
            if row:
                row.write(values)
            else:
                create.append({"channel_id": channel.id, "state_id": str(state["id"]), **values})
        return self.sudo().create(create)
