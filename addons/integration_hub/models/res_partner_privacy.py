from odoo import _, api, fields, models


class ResPartner(models.Model):
    """Contacts the hub creates for one channel order (customer and delivery address): never a customer master."""

    _inherit = "res.partner"

    integration_order_id = fields.Many2one(
        "integration.channel.order",
        string="Created for channel order",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="set null",
        help="The hub created this contact for this order only; it is anonymised with the order's personal data.",
    )

    @api.model
    def _integration_anonymize(self, partners):
        """Anonymise contacts the hub created for orders: name replaced, address lines, phones, e-mail, VAT emptied.

        The city and country stay (they are on the delivery's operational record, and name nobody).
        """
        if not partners:
            return partners
        partners.sudo().with_context(mail_notrack=True, tracking_disable=True).write(
            {
                "name": _("Anonymised customer"),
                "email": False,
                "phone": False,
                "mobile": False,
                "street": False,
                "street2": False,
                "zip": False,
                "vat": False,
                "company_name": False,
                "comment": False,
            }
        )
        return partners
