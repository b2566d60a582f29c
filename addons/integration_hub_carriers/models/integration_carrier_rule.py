from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_hub.lib.territories import normalize_zip


class IntegrationCarrierRule(models.Model):
    """Service selection: (channel, delivery requirement, destination, weight) -> carrier + service.

    The first matching rule by sequence wins; no matching rule is an exception, never a guess.
    """

    _name = "integration.carrier.rule"
    _description = "Carrier service selection rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    channel_id = fields.Many2one(
        "integration.channel", ondelete="cascade", index=True, help="Empty: the rule applies to every channel."
    )
    service_level_id = fields.Many2one(
        "integration.service.level",
        required=True,
        ondelete="restrict",
        string="Service level",
        help="The service sold (Configuration > Service levels); channels map their shipping methods to it.",
    )
    country_ids = fields.Many2many("res.country", string="Destination countries", help="Empty: any country.")
    territory_ids = fields.Many2many(
        "integration.territory",
        string="Special territories",
        help="Canary Islands, Ceuta, Melilla... A rule applies to a special territory only when it names the "
        "territory here or its postal code prefixes: a rule by country alone is for the mainland.",
    )
    zip_prefixes = fields.Char(
        string="Postal code prefixes (zone)",
        help="Comma separated prefixes of the destination postal code, e.g. '07,35,38' for the islands. Empty: any.",
    )
    weight_min = fields.Float(string="From weight (kg)", default=0.0)
    weight_max = fields.Float(string="Up to weight (kg)", help="0: no upper limit.")
    carrier_id = fields.Many2one(
        "delivery.carrier", required=True, ondelete="restrict", domain=[("delivery_type", "like", "hub_")]
    )
    service_code = fields.Char(
        required=True, help="The carrier's code: DHL V01PAK, UPS 11/07/65, DPD CL, Correos S0132."
    )

    @api.depends("service_level_id.name", "carrier_id", "service_code")
    def _compute_name(self):
        for rule in self:
            rule.name = f"{rule.service_level_id.name or ''} → {rule.carrier_id.name or ''} {rule.service_code or ''}"

    @api.constrains("weight_min", "weight_max")
    def _check_weights(self):
        for rule in self:
            if rule.weight_min < 0 or (rule.weight_max and rule.weight_max < rule.weight_min):
                raise ValidationError(_("The weight range of a carrier rule must go upwards from 0."))

    def _matches(self, channel, service_level, country, zip_code, weight, territory=None):
        """Does the rule serve this destination?

        ``territory``: the destination's special territory (integration.territory) if any. There, a rule
        applies only if it names the territory or postal code prefixes that match: a rule by country alone
        is a mainland service and never applies to the Canary Islands, Ceuta, Melilla... Conversely a rule
        naming territories applies only in them.
        """
        self.ensure_one()
        if self.channel_id and self.channel_id != channel:
            return False
        if self.service_level_id != service_level:
            return False
        territory = territory or self.env["integration.territory"]
        if self.territory_ids and territory not in self.territory_ids:
            return False
        prefixes = [p.strip() for p in (self.zip_prefixes or "").split(",") if p.strip()]
        zip_code = normalize_zip(zip_code)
        if prefixes and not any(zip_code.startswith(normalize_zip(p)) for p in prefixes):
            return False
        if territory and not self.territory_ids and not prefixes:
            return False  # a mainland rule: the country alone never sends goods to a special territory
        if self.country_ids and country not in self.country_ids and not (territory and self.territory_ids):
            return False
        if weight < self.weight_min or (self.weight_max and weight > self.weight_max):
            return False
        return True

    @api.model
    def _select(self, channel, service_level, country, zip_code, weight, company=None, territory=None):
        """The first matching rule (channel-specific rules come before generic ones at equal sequence).

        ``service_level``: an ``integration.service.level`` record (the order's, from its channel's table).
        """
        company = company or (channel.company_id if channel else self.env.company)
        rules = self.search([("company_id", "=", company.id)])
        rules = rules.sorted(lambda r: (r.sequence, 0 if r.channel_id else 1, r.id))
        return next(
            (rule for rule in rules if rule._matches(channel, service_level, country, zip_code, weight, territory)),
            self.browse(),
        )
