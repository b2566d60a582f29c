from odoo import api, fields, models, tools

from ..lib import territories as T


class IntegrationTerritory(models.Model):
    """A special territory (Canary Islands, Ceuta, Melilla, Büsingen, Heligoland, Livigno...).

    Loaded from the maintained data file ``data/integration.territory.csv`` (sources per row).
    Orders to a territory are flagged as needing customs documents; carrier rules must name the
    territory (or its ZIP prefixes) to apply there: a rule by country alone never does.
    """

    _name = "integration.territory"
    _description = "Special territory (outside the EU VAT area)"
    _order = "country_id, code"

    name = fields.Char(required=True)
    code = fields.Char(required=True, index=True)
    country_id = fields.Many2one("res.country", required=True, ondelete="cascade")
    zip_prefixes = fields.Char(
        string="Postal code prefixes", help="Comma separated. Empty: the whole country (e.g. ISO GP, Guadeloupe)."
    )
    outside_vat_area = fields.Boolean(string="Outside the EU VAT area", default=True)
    outside_customs_union = fields.Boolean(string="Outside the EU customs union")
    source = fields.Char(help="The legal source and the postal operator's codes.")
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_unique", "unique(code)", "A territory code is used once.")]

    @api.model
    @tools.ormcache()
    def _match_table(self):
        """(id, country code, prefixes) of every active territory: one read per worker until a change."""
        return tuple(
            (territory.id, territory.country_id.code, tuple(T.split_prefixes(territory.zip_prefixes)))
            for territory in self.sudo().search([])
        )

    @api.model
    def _find(self, country_code, zip_code):
        """The territory of a destination (lib/territories.py), or an empty recordset."""
        found = T.find(self._match_table(), country_code, zip_code)
        return self.browse(found) if found else self.browse()

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
