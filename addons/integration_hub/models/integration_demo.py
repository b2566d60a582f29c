from odoo import api, models


class IntegrationChannelDemo(models.Model):
    _inherit = "integration.channel"

    @api.model
    def _demo_set_webhook_secret(self, channel_ids, secret):
        # Goes through the encrypted store like any admin-entered secret.
        self.browse(channel_ids).webhook_secret = secret

    @api.model
    def _demo_list_products(self, channel_ids, codes):
        # what the demo shops sell: only these products' stock is published to them
        for channel in self.browse(channel_ids):
            products = self.env["product.product"].search(
                [("default_code", "in", codes), *channel._client_product_domain()]
            )
            self.env["integration.external.id"]._list_products(channel, products)

    @api.model
    def _demo_stock(self, channel_ids, quantities):
        # the channel's client's products, on its warehouse's shelf, under the client's ownership
        for channel in self.browse(channel_ids):
            products = self.env["product.product"].search(
                [("default_code", "in", list(quantities)), *channel._client_product_domain()]
            )
            owner = channel.client_id._hub_stock_owner()
            for product in products:
                self.env["stock.quant"]._update_available_quantity(
                    product, channel.warehouse_id.lot_stock_id, quantities[product.default_code], owner_id=owner
                )


class ProductTemplateDemo(models.Model):
    _inherit = "product.template"

    @api.model
    def _demo_integration_hub_variant_codes(self, template_ids):
        for variant in self.browse(template_ids).product_variant_ids:
            size = variant.product_template_attribute_value_ids[:1].name or "X"
            variant.default_code = f"TSHIRT-{size}"


class MrpBomDemo(models.Model):
    _inherit = "mrp.bom"

    @api.model
    def _demo_integration_hub_gift_kit(self, product_ids):
        kit = self.env["product.product"].browse(product_ids)
        mug = self.env.ref("integration_hub.demo_product_mug")
        tshirt_s = self.env.ref("integration_hub.demo_template_tshirt").product_variant_ids.filtered(
            lambda variant: variant.default_code == "TSHIRT-S"
        )
        self.create(
            {
                "product_tmpl_id": kit.product_tmpl_id.id,
                "product_id": kit.id,
                "type": "phantom",
                "bom_line_ids": [
                    (0, 0, {"product_id": mug.id, "product_qty": 1}),
                    (0, 0, {"product_id": tshirt_s.id, "product_qty": 1}),
                ],
            }
        )
