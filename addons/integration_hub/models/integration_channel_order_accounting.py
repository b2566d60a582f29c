from odoo import _, api, models

# a rate read back from rounded amounts (0.21 on 0.99 is 21.2 %) still names the tax within this margin
TAX_RATE_MARGIN = 0.5


class IntegrationChannelOrderAccounting(models.Model):
    """What the sale order behind a channel order means to the books, by the client's accounting mode.

    - *Own sales*: the end customer is invoiced at the channel's prices, currency, discounts, taxes and
      shipping charge as the platform sent them, never Odoo's list prices.
    - *Fulfilment for a client*: the client is the invoicing partner, the consumer only the delivery
      address; the lines carry no price and nothing is to invoice; the delivery takes the client's own
      stock (``restrict_partner_id``), which Odoo's ``stock_account`` does not value as the warehouse's.
    README "Clients and accounting".
    """

    _inherit = "integration.channel.order"

    def _sale_order_values(self, customer, shipping):
        values = super()._sale_order_values(customer, shipping)
        client = self.channel_id.client_id
        if not client._hub_is_own_sales():
            values.update(
                {
                    "partner_id": client.id,
                    "partner_invoice_id": client.id,
                    "partner_shipping_id": shipping.id,
                    "hub_stock_owner_id": client._hub_stock_owner().id,
                    "hub_fulfilment": True,
                }
            )
            for _zero, _id, line_values in values["order_line"]:
                line_values.update({"price_unit": 0.0, "discount": 0.0, "tax_id": [(6, 0, [])]})
            return values
        currency = self.currency_id or self.company_id.currency_id
        values["pricelist_id"] = self._channel_pricelist(currency).id
        by_line = {line.id: line for line in self._warehouse_lines()}
        unknown_rates = []
        for _zero, _id, line_values in values["order_line"]:
            line = by_line[line_values["integration_line_id"]]
            line_values.update(self._sale_line_prices(line.price_unit, line.quantity, line.discount_amount))
            taxes, rate = self._channel_taxes(line.price_subtotal, line.tax_amount)
            line_values["tax_id"] = [(6, 0, taxes.ids)]
            if rate is not None and not taxes:
                unknown_rates.append(f"{line.sku} {rate:.2f} %")
        if self.amount_shipping:
            taxes, rate = self._channel_taxes(self.amount_shipping, self.amount_shipping_tax)
            if rate is not None and not taxes:
                unknown_rates.append(_("shipping %.2f %%", rate))
            product = self.env.ref("integration_hub.product_channel_shipping")
            values["order_line"].append(
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "name": self.service_level or product.name,
                        "product_uom_qty": 1.0,
                        "price_unit": self.amount_shipping,
                        "tax_id": [(6, 0, taxes.ids)],
                    },
                )
            )
        if unknown_rates:
            self.message_post(
                body=_(
                    "No sale tax of the company matches the tax the channel charged (%s): those lines were put on "
                    "the sale order without tax. Finance: add the tax or correct the lines before invoicing.",
                    ", ".join(unknown_rates),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return values

    @api.model
    def _sale_line_prices(self, price_unit, quantity, discount_amount):
        """Odoo keeps a discount as a percentage of the line: the channel sends the amount."""
        gross = price_unit * quantity
        return {"price_unit": price_unit, "discount": discount_amount * 100.0 / gross if gross else 0.0}

    def _channel_taxes(self, base, tax):
        """(sale tax of the company at the rate the channel charged, rate) — (empty, None) without tax.

        ``base`` is the line's amount after discount; it includes the tax when the channel's prices do.
        """
        Tax = self.env["account.tax"].sudo()
        if not tax or not base:
            return Tax, None
        net = base - tax if self.prices_include_tax else base
        rate = tax * 100.0 / net if net else 0.0
        candidates = Tax.search(
            [
                ("company_id", "=", self.company_id.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", ">=", rate - TAX_RATE_MARGIN),
                ("amount", "<=", rate + TAX_RATE_MARGIN),
            ]
        ).filtered(lambda candidate: candidate.price_include == self.prices_include_tax)
        return candidates.sorted(lambda candidate: (abs(candidate.amount - rate), candidate.sequence))[:1], rate

    def _channel_pricelist(self, currency):
        """A pricelist in the order's currency (the sale order's currency comes from it)."""
        Pricelist = self.env["product.pricelist"].sudo()
        pricelist = Pricelist.search(
            [("currency_id", "=", currency.id), ("company_id", "in", [self.company_id.id, False])], limit=1
        )
        if not pricelist:
            if not currency.active:
                currency.sudo().active = True
            pricelist = Pricelist.create(
                {
                    "name": _("Channel prices (%s)", currency.name),
                    "currency_id": currency.id,
                    "company_id": self.company_id.id,
                }
            )
        return pricelist
