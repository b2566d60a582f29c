from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class IntegrationChannelClient(models.Model):
    """Every channel belongs to exactly one client of the warehouse (README "Clients and accounting")."""

    _inherit = "integration.channel"

    client_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        domain=[("hub_client", "=", True)],
        default=lambda self: self.env.company.partner_id,
        help="The merchant this channel sells for. The channel resolves SKUs in, and publishes the stock of, "
        "this client's products only. Default: the company itself (this Odoo is the merchant's own ERP).",
    )
    accounting_mode = fields.Selection(related="client_id.hub_accounting_mode", string="Client's accounting mode")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("client_id"):
                # the channel's own company, not the user's current one
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["client_id"] = company.partner_id.id
        channels = super().create(vals_list)
        channels._flag_clients()
        return channels

    def write(self, vals):
        result = super().write(vals)
        if "client_id" in vals:
            self._flag_clients()
        return result

    def _flag_clients(self):
        # a channel's client is a client of the hub (the company's own partner included), never left unflagged
        self.client_id.filtered(lambda partner: not partner.hub_client).sudo().hub_client = True

    @api.constrains("client_id", "company_id")
    def _check_client_company(self):
        for channel in self:
            if channel.client_id.company_id and channel.client_id.company_id != channel.company_id:
                raise ValidationError(
                    _("Client %s belongs to another company than the channel.", channel.client_id.name)
                )

    def _client_product_domain(self):
        self.ensure_one()
        return self.client_id._hub_product_domain(self.company_id)

    def _client_quant_domain(self):
        self.ensure_one()
        return self.client_id._hub_quant_domain()
