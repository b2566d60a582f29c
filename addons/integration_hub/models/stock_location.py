from odoo import _, api, fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    hub_quarantine = fields.Boolean(
        string="Quarantine (never available)",
        help="Goods here (returns waiting for triage, nonconforming stock) are never published as available.",
    )


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    hub_quarantine_location_id = fields.Many2one("stock.location", string="Quarantine location", readonly=True)
    hub_rework_location_id = fields.Many2one("stock.location", string="Rework location", readonly=True)
    hub_nonconforming_location_id = fields.Many2one("stock.location", string="Nonconforming location", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses._hub_ensure_quarantine()
        warehouses._hub_ensure_return_locations()
        return warehouses

    def _hub_ensure_quarantine(self):
        """One quarantine location per warehouse, outside its stock location (so never picked from)."""
        for warehouse in self.filtered(lambda w: not w.hub_quarantine_location_id):
            warehouse.hub_quarantine_location_id = self.env["stock.location"].create(
                {
                    "name": _("Quarantine"),
                    "location_id": warehouse.view_location_id.id,
                    "usage": "internal",
                    "hub_quarantine": True,
                    "company_id": warehouse.company_id.id,
                }
            )

    def _hub_ensure_return_locations(self):
        """Where triaged returns go when they are not sellable: never counted as available."""
        for warehouse in self:
            for field, name in (
                ("hub_rework_location_id", _("Rework")),
                ("hub_nonconforming_location_id", _("Nonconforming")),
            ):
                if not warehouse[field]:
                    warehouse[field] = self.env["stock.location"].create(
                        {
                            "name": name,
                            "location_id": warehouse.view_location_id.id,
                            "usage": "internal",
                            "hub_quarantine": True,
                            "company_id": warehouse.company_id.id,
                        }
                    )

    @api.model
    def _hub_install_quarantines(self):
        warehouses = self.search([])
        warehouses._hub_ensure_quarantine()
        warehouses._hub_ensure_return_locations()
