from odoo import _, api, fields, models
from odoo.exceptions import AccessError

OWN_SALES, FULFILMENT = "own_sales", "fulfilment"
ACCOUNTING_MODES = [
    (OWN_SALES, "Own sales (this Odoo is the merchant's ERP)"),
    (FULFILMENT, "Fulfilment for a client (3PL)"),
]


class ResPartner(models.Model):
    """A client of the warehouse: the merchant whose channels, products and stock the hub keeps apart.

    The Odoo company itself is a client too when the Odoo is the merchant's own ERP (its channels and
    products belong to it by default). ``hub_accounting_mode`` decides what the hub's sale orders mean
    to the books (README "Clients and accounting").
    """

    _inherit = "res.partner"

    hub_client = fields.Boolean(
        string="Client of the hub",
        help="A merchant the warehouse works for: it has its own channels, products and stock.",
    )
    hub_accounting_mode = fields.Selection(
        ACCOUNTING_MODES,
        string="Accounting mode",
        default=FULFILMENT,
        help="Own sales: sale orders to the end customer at the channel's prices; stock valued by Odoo.\n"
        "Fulfilment for a client: the client is the invoicing partner, the consumer only the delivery "
        "address; no revenue, and the client's stock (owner on stock) is not valued as the warehouse's.",
    )
    hub_channel_ids = fields.One2many("integration.channel", "client_id", string="Hub channels")
    hub_product_count = fields.Integer(compute="_compute_hub_product_count", string="Products")

    _HUB_CLIENT_FIELDS = frozenset({"hub_client", "hub_accounting_mode"})

    @api.model_create_multi
    def create(self, vals_list):
        if any(self._HUB_CLIENT_FIELDS.intersection(vals) for vals in vals_list):
            self._check_hub_client_admin()
        return super().create(vals_list)

    def write(self, vals):
        if self._HUB_CLIENT_FIELDS.intersection(vals):
            self._check_hub_client_admin()
        return super().write(vals)

    def _check_hub_client_admin(self):
        # what the books mean for a client is the hub administrators' decision (README "Roles")
        if not self.env.su and not self.env.user.has_group("integration_hub.group_hub_admin"):
            raise AccessError(_("Only Integration Hub administrators can make a partner a client or change its mode."))

    def _compute_hub_product_count(self):
        groups = self.env["product.template"]._read_group(
            [("hub_client_id", "in", self.ids)], ["hub_client_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.hub_product_count = counts.get(partner.id, 0)

    def _hub_is_own_sales(self):
        self.ensure_one()
        # this Odoo's own company sells for itself whatever the field says: it cannot fulfil for itself
        return self.hub_accounting_mode == OWN_SALES or bool(self.sudo().ref_company_ids)

    def _hub_stock_owner(self):
        """The owner on stock (``owner_id`` of quants and moves) of this client's goods: the client in
        fulfilment, nobody (the company's own, valued stock) in own sales."""
        self.ensure_one()
        return self.browse() if self._hub_is_own_sales() else self

    def _hub_product_domain(self, company, field="hub_client_id"):
        """Products of this client (``field``: the path to a product's client, e.g. on an equivalence).

        The company's own catalog is every company's own: products of a company's partner (a product
        shared between companies included, as before clients existed) and products without a client.
        """
        self.ensure_one()
        if self == company.partner_id:
            owners = self.env["res.company"].sudo().with_context(active_test=False).search([]).partner_id.ids
            return [(field, "in", [*owners, False])]
        return [(field, "=", self.id)]

    def _hub_quant_domain(self):
        """Quants that count for this client: its own (owner) in fulfilment, unowned or the company's in own sales."""
        self.ensure_one()
        if self._hub_is_own_sales():
            return [("owner_id", "in", [False, self.id])]
        return [("owner_id", "=", self.id)]

    def action_view_hub_products(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("product.product_template_action")
        action["domain"] = [("hub_client_id", "=", self.id)]
        action["context"] = {"default_hub_client_id": self.id}
        return action

    @api.model
    def _hub_assign_existing_to_companies(self):
        """Install and upgrade (18.0.1.2.0): what existed before clients belongs to the company itself.

        Each company's partner becomes a client of the hub in *Own sales*; every channel without a client
        gets its company's partner; every product without one gets its company's partner (a product shared
        between companies: the main company's). Idempotent: only empty values are filled.
        """
        cr = self.env.cr
        cr.execute(
            """UPDATE res_partner p SET hub_client = true, hub_accounting_mode = 'own_sales'
                 FROM res_company c WHERE c.partner_id = p.id"""
        )
        # a channel of a company's partner (the column's default on upgrade) gets its own company's partner
        cr.execute(
            """UPDATE integration_channel ch SET client_id = c.partner_id
                 FROM res_company c WHERE c.id = ch.company_id
                  AND (ch.client_id IS NULL OR ch.client_id IN (SELECT partner_id FROM res_company))"""
        )
        main = self.env.ref("base.main_company")
        cr.execute(
            """UPDATE product_template t SET hub_client_id = COALESCE(c.partner_id, %s)
                 FROM product_template t2 LEFT JOIN res_company c ON c.id = t2.company_id
                WHERE t2.id = t.id AND t.hub_client_id IS NULL""",
            [main.partner_id.id],
        )
        cr.execute(
            """UPDATE integration_sku_equivalence e SET client_id = t.hub_client_id
                 FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
                WHERE p.id = e.product_id AND e.client_id IS DISTINCT FROM t.hub_client_id"""
        )
        self.env.invalidate_all()
