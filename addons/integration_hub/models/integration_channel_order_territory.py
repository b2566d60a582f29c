from odoo import _, fields, models


class IntegrationChannelOrderTerritory(models.Model):
    """Where the order goes, beyond the country: a special territory or a country outside the EU."""

    _inherit = "integration.channel.order"

    territory_id = fields.Many2one(
        "integration.territory",
        string="Special territory",
        readonly=True,
        index=True,
        help="The destination is in a territory outside the EU VAT area (data/integration.territory.csv).",
    )
    customs_documents_required = fields.Boolean(
        string="Needs customs documents",
        readonly=True,
        help="The goods leave the EU VAT area (a special territory or a country outside the EU): the shipment "
        "needs customs documents, and no mainland service is chosen for it by country alone.",
    )
    customs_reason = fields.Char(readonly=True)

    def _resolve_territory(self):
        """Flag the order from its destination: territory (by country and ZIP prefix) or a non-EU country."""
        european_union = self.env.ref("base.europe").country_ids
        for order in self:
            territory = self.env["integration.territory"]._find(order.ship_country_code, order.ship_zip)
            country = order._country()
            if territory:
                reason = _(
                    "%(territory)s is outside the EU VAT area%(customs)s",
                    territory=territory.name,
                    customs=_(" and customs union") if territory.outside_customs_union else "",
                )
            elif country and european_union and country not in european_union:
                reason = _("%s is outside the EU", country.name)
            else:
                reason = False
            if (order.territory_id, order.customs_reason or False) != (territory, reason):
                order.sudo().write(
                    {"territory_id": territory.id, "customs_documents_required": bool(reason), "customs_reason": reason}
                )
                if reason:
                    order._note_transition(_("Needs customs documents: %s.", reason), False)
