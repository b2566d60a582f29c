from odoo import fields, models, tools

from .stock_move_correction import CORRECTION_KINDS


class IntegrationInventoryCorrection(models.Model):
    """Variance by reason and client: one row per inventory correction the hub posted (a done stock move
    marked ``hub_correction_kind``), with its quantity and, where the stock is valued, its value.

    ``variance``: units added to (+) or taken from (-) the warehouse's stock by a count; for a return
    disposition the units that left quarantine. ``value``: the sum of the move's valuation layers (0 for a
    client's owned goods, which are not the warehouse's asset, and for moves inside the warehouse).
    Read only (a database view): Finance reads it, nobody writes it.
    """

    _name = "integration.inventory.correction"
    _description = "Inventory correction (variance report)"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reference"
    # what the view reads: flushed before every search of the report
    _depends = {
        "stock.move": [
            "date",
            "reference",
            "name",
            "hub_correction_kind",
            "hub_correction_reason",
            "product_id",
            "restrict_partner_id",
            "location_id",
            "location_dest_id",
            "company_id",
            "quantity",
            "state",
        ],
        "stock.valuation.layer": ["stock_move_id", "value"],
        "product.template": ["hub_client_id"],
    }

    date = fields.Datetime(readonly=True)
    reference = fields.Char(readonly=True)
    kind = fields.Selection(CORRECTION_KINDS, readonly=True)
    reason = fields.Char(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    client_id = fields.Many2one("res.partner", string="Client", readonly=True)
    owner_id = fields.Many2one("res.partner", string="Stock owner", readonly=True)
    location_id = fields.Many2one("stock.location", string="From", readonly=True)
    location_dest_id = fields.Many2one("stock.location", string="To", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    variance = fields.Float(readonly=True, digits="Product Unit of Measure")
    value = fields.Monetary(readonly=True)
    move_id = fields.Many2one("stock.move", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""CREATE VIEW {self._table} AS (
                SELECT m.id, m.id AS move_id, m.date, COALESCE(m.reference, m.name) AS reference,
                       m.hub_correction_kind AS kind, m.hub_correction_reason AS reason,
                       m.product_id, pt.hub_client_id AS client_id, m.restrict_partner_id AS owner_id,
                       m.location_id, m.location_dest_id, m.company_id,
                       CASE WHEN src.usage = 'internal' AND dst.usage <> 'internal' THEN -m.quantity
                            ELSE m.quantity END AS variance,
                       COALESCE((SELECT SUM(l.value) FROM stock_valuation_layer l WHERE l.stock_move_id = m.id), 0)
                           AS value
                  FROM stock_move m
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN stock_location src ON src.id = m.location_id
                  JOIN stock_location dst ON dst.id = m.location_dest_id
                 WHERE m.hub_correction_kind IS NOT NULL AND m.state = 'done'
            )"""
        )
