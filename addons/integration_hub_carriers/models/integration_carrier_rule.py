from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


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

    def _matches(self, channel, service_level, country, zip_code, weight):
        self.ensure_one()
        if self.channel_id and self.channel_id != channel:
            return False
        if self.service_level_id != service_level:
            return False
        if self.country_ids and country not in self.country_ids:
            return False
        prefixes = [p.strip() for p in (self.zip_prefixes or "").split(",") if p.strip()]
        if prefixes and not any((zip_code or "").strip().startswith(p) for p in prefixes):
            return False
        if weight < self.weight_min or (self.weight_max and weight > self.weight_max):
            return False
        return True

    @api.model
    def _select(self, channel, service_level, country, zip_code, weight, company=None):
        """The first matching rule (channel-specific rules come before generic ones at equal sequence).

        ``service_level``: an ``integration.service.level`` record (the order's, from its channel's table).
        """
        company = company or (channel.company_id if channel else self.env.company)
        rules = self.search([("company_id", "=", company.id)])
        rules = rules.sorted(lambda r: (r.sequence, 0 if r.channel_id else 1, r.id))
        return next(
            (rule for rule in rules if rule._matches(channel, service_level, country, zip_code, weight)), self.browse()
        )
