from odoo import api, fields, models


class IntegrationServiceLevel(models.Model):
    """A delivery service the warehouse sells (next day, ground, economy, store pickup...).

    Administrators define them; each channel maps its platform's shipping methods to them
    (``integration.channel.shipping.method``) and carrier rules choose a carrier per level.
    """

    _name = "integration.service.level"
    _description = "Service level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable identifier (e.g. next_day). A channel sending exactly this code needs no mapping row.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company.")
    description = fields.Text(help="What the customer is promised (e.g. delivered the next working day before 14:00).")

    _sql_constraints = [("code_company_unique", "unique(code, company_id)", "A service level code is used once.")]

    @api.model
    def _by_code(self, code, company):
        """The active level with this code (case-insensitive) for ``company``, else an empty recordset."""
        code = (code or "").strip()
        if not code:
            return self.browse()
        return self.search(
            [("code", "=ilike", code), ("company_id", "in", [company.id, False])], order="company_id", limit=1
        )
