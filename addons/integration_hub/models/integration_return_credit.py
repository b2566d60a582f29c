from odoo import _, models

from ..lib import return_states as R


class IntegrationReturnCredit(models.Model):
    """Own sales: a return that ends with a credit gives Finance a draft credit note with the returned lines.

    The lines take the sale order's prices, discounts and taxes (the channel's, see
    integration_channel_order_accounting.py). In *Fulfilment for a client* the consumer's refund is the
    client's business: no credit note in the warehouse's books, the return stays "credit to review".
    """

    _inherit = "integration.return"

    def action_complete(self):
        result = super().action_complete()
        for record in self.sudo().filtered(lambda r: r.state == R.COMPLETED and not r.credit_note_id):
            record._create_credit_note()
        return result

    def _create_credit_note(self):
        self.ensure_one()
        sale = self.order_id.sale_order_id
        if not self.channel_id.client_id._hub_is_own_sales() or not sale:
            return self.env["account.move"]
        by_product = {}
        for sale_line in sale.order_line.filtered(lambda line: line.product_id and not line.display_type):
            by_product.setdefault(sale_line.product_id, sale_line)
        lines = []
        for line in self.line_ids:
            sale_line = by_product.get(line.product_id)
            if not sale_line:
                continue
            lines.append(
                (
                    0,
                    0,
                    {
                        "product_id": line.product_id.id,
                        "name": sale_line.name,
                        "quantity": line.quantity,
                        "product_uom_id": sale_line.product_uom.id,
                        "price_unit": sale_line.price_unit,
                        "discount": sale_line.discount,
                        "tax_ids": [(6, 0, sale_line.tax_id.ids)],
                        "sale_line_ids": [(6, 0, sale_line.ids)],
                    },
                )
            )
        if not lines:
            self._hub_note(_("No credit note: none of the returned products is on sale order %s.", sale.name))
            return self.env["account.move"]
        credit_note = (
            self.env["account.move"]
            .sudo()
            .with_context(default_move_type="out_refund")
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": sale.partner_invoice_id.id,
                    "currency_id": sale.currency_id.id,
                    "company_id": sale.company_id.id,
                    "invoice_origin": f"{sale.name} / {self.name}",
                    "ref": _("Return %(name)s of %(order)s", name=self.name, order=self.order_id.name),
                    "invoice_line_ids": lines,
                }
            )
        )
        self._hub_write({"credit_note_id": credit_note.id})
        self._hub_note(
            _("Draft credit note %s prepared for Finance with the returned lines.", credit_note.display_name)
        )
        return credit_note
