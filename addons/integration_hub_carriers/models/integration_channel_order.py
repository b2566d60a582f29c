from odoo import _, models
from odoo.exceptions import UserError


class IntegrationChannelOrder(models.Model):
    _inherit = "integration.channel.order"

    def _hub_shipment_weight(self):
        weight = sum(line.product_id.weight * line.product_uom_qty for line in self.sale_order_id.order_line)
        return self.env["delivery.carrier"]._hub_weight_kg(weight)

    def _hub_select_carrier(self):
        """The rules table picks carrier + service for the order's delivery; no rule, no guess: an exception."""
        for order in self:
            outgoing = order._chain()["out"].filtered(lambda p: p.state not in ("done", "cancel"))
            if not outgoing:
                continue
            level = order.service_level_id
            if not level and order.service_level:
                # the channel's method is unmapped: its own exception says so; no carrier is guessed meanwhile
                order._note_transition(
                    _("No carrier yet: shipping method '%s' is not mapped to a service level.", order.service_level),
                    False,
                )
                continue
            country = order._country()
            weight = order._hub_shipment_weight()
            rule = (
                self.env["integration.carrier.rule"]
                .sudo()
                ._select(order.channel_id, level, country, order.ship_zip, weight, territory=order.territory_id)
            )
            if not rule:
                self.env["integration.sync.exception"].sudo()._open(
                    "carrier_rule_missing",
                    _("Order %s: no carrier rule matches", order.name),
                    _(
                        "No service selection rule matches channel %(channel)s, service level '%(level)s', "
                        "destination %(country)s %(zip)s%(territory)s and %(weight).2f kg. The hub does not guess a "
                        "carrier: add a rule (Integration Hub > Configuration > Carrier rules) or set the carrier on "
                        "%(pickings)s.",
                        channel=order.channel_id.name,
                        level=level.name or _("none (the order names no shipping method)"),
                        country=country.code or order.ship_country_code or "-",
                        # the postal area a rule matches on, never the customer's whole ZIP (personal data)
                        zip=f"{order.ship_zip[:2]}…" if order.ship_zip else "",
                        weight=weight,
                        pickings=", ".join(outgoing.mapped("name")),
                        territory=_(
                            " (%(territory)s: %(reason)s; customs documents needed, and a rule by country alone is "
                            "for the mainland: the rule must name the territory or its postal code prefixes)",
                            territory=order.territory_id.name,
                            reason=order.customs_reason,
                        )
                        if order.territory_id
                        else "",
                    ),
                    # the carrier belongs to the shipment: the exception points at the outgoing transfer
                    record=outgoing[:1],
                    channel=order.channel_id,
                    dedupe_key=f"carrier-rule:{order.id}",
                )
                continue
            outgoing.sudo().write({"carrier_id": rule.carrier_id.id, "hub_service_code": rule.service_code})
            order.sale_order_id.sudo().carrier_id = rule.carrier_id
            # part of the pipeline's single note when chosen during acceptance
            order._note_transition(
                _(
                    "Carrier chosen by rule '%(rule)s': %(carrier)s, service %(service)s.",
                    rule=rule.name,
                    carrier=rule.carrier_id.name,
                    service=rule.service_code,
                ),
                False,
            )

    def _on_service_level_set(self):
        """A shipping method was mapped: orders already reserved get their carrier now."""
        super()._on_service_level_set()
        waiting = self.filtered(
            lambda o: (
                o.state in ("accepted", "picking", "picked", "packed")
                and o._chain()["out"].filtered(lambda p: p.state not in ("done", "cancel") and not p.carrier_id)
            )
        )
        waiting._hub_select_carrier()

    def _transition(self, target, reason=None, forced=False):
        result = super()._transition(target, reason=reason, forced=forced)
        if target == "accepted":
            # only once the stock is reserved: an order that cannot be reserved never gets a carrier
            self._hub_select_carrier()
        if target in ("picked", "packed"):
            # two- and three-step routes create the delivery only after the pick: choose its carrier then
            self.filtered(lambda o: o._chain()["out"].filtered(lambda p: not p.carrier_id))._hub_select_carrier()
        return result

    def action_open_carrier_pickup(self):
        """With carriers installed the proof belongs to the shipment: hand over its delivery transfer."""
        self.ensure_one()
        self._check_manager(_("confirm a carrier pickup manually"))
        outgoing = self._chain()["out"].filtered(lambda p: p.state != "cancel")[:1]
        if not outgoing:
            raise UserError(_("Order %s has no delivery transfer to hand over yet.", self.name))
        return outgoing.action_hub_open_handover()
