from odoo import models

from ..lib import catalog_master as M
from ..lib import catalog_states as C

PACK_LEVEL_NAMES = {"inner": "Inner pack", "carton": "Carton", "pallet": "Pallet"}


class IntegrationCatalogProductSync(models.Model):
    """The owner's master written onto Odoo's own products, step by step.

    What the owner owns is written (name, variants and their codes, packagings, weight and volume,
    barcodes, a kit's BoM); what the warehouse owns on the same products (routes, putaway, categories,
    picking descriptions, tracking, anything else) is never touched.
    """

    _inherit = "integration.catalog.item"

    def _sync_up_to(self, master):
        """A later message: the parts of every step already passed are written again (only what changed)."""
        self._sync_definition(master)
        for step, sync in (
            (C.VARIANTS_ASSIGNED, self._sync_variants),
            (C.PACK_LOCKED, self._sync_pack),
            (C.BARCODE_ASSIGNED, self._sync_barcodes),
            (C.READY, self._sync_kit),
        ):
            if C.reached(self.state, step):
                sync(master)

    def _sync_definition(self, master):
        """The Odoo product itself: created once for the owner's company (or the warehouse's existing product
        with that SKU adopted), then only its name follows."""
        if self.product_tmpl_id:
            if self.product_tmpl_id.name != master.name:
                self.product_tmpl_id.sudo().name = master.name
            return
        adopted = self._adoptable_template(master)
        if adopted:
            self._hub_write({"product_tmpl_id": adopted.id})
            if adopted.name != master.name:
                adopted.sudo().name = master.name
            self._hub_note(
                self.env._(
                    "The warehouse's product %(product)s has this SKU: it is kept, and its master comes from "
                    "%(owner)s from now on (never a second product).",
                    product=adopted.display_name,
                    owner=self.channel_id.name,
                )
            )
            return
        template = (
            self.env["product.template"]
            .sudo()
            .create(
                {
                    "name": master.name,
                    "type": "consu",
                    # a kit has no stock of its own: its components are stocked and picked
                    "is_storable": not master.is_kit,
                    "company_id": self.company_id.id,
                    "hub_client_id": self.channel_id.client_id.id,  # the catalog of the channel's client
                }
            )
        )
        self._hub_write({"product_tmpl_id": template.id})

    def _adoptable_template(self, master):
        """The product the warehouse kept before the owner took the catalog over: a simple product (one variant,
        no kit) whose internal reference is the master's SKU and that no catalog product stands for yet."""
        Template = self.env["product.template"]
        if master.attributes or master.is_kit or not master.sku:
            return Template
        products = (
            self.env["product.product"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("default_code", "=", master.sku),
                    ("company_id", "in", [self.company_id.id, False]),
                    *self.channel_id._client_product_domain(),
                ]
            )
        )
        template = products.product_tmpl_id
        if len(products) != 1 or len(template.with_context(active_test=False).product_variant_ids) != 1:
            return Template
        if self.sudo().search_count([("product_tmpl_id", "=", template.id), ("id", "!=", self.id)]):
            return Template
        if self.env["mrp.bom"].sudo().search_count([("product_tmpl_id", "=", template.id), ("type", "=", "phantom")]):
            return Template  # the warehouse's own kit: its BoM is not the owner's to rewrite
        return template

    def _sync_variants(self, master):
        """Attributes and values on the template, each owner's variant on its Odoo variant, with its SKU.

        Odoo variants no variant of the master stands for are archived (never deleted: stock may exist).
        """
        template = self.product_tmpl_id.sudo()
        if master.attributes:
            self._sync_attribute_lines(template, master)
        odoo_variants = template.with_context(active_test=False).product_variant_ids
        by_values = {
            frozenset(
                (value.attribute_id.name, value.name) for value in variant.product_template_attribute_value_ids
            ): variant
            for variant in odoo_variants
        }
        matched = self.env["product.product"]
        by_key = {variant.key: variant for variant in master.variants}
        for record in self.variant_ids:
            variant = by_key[record.key]
            product = by_values.get(frozenset(variant.values)) if master.attributes else odoo_variants[:1]
            if not product:
                continue
            matched |= product
            if record.product_id != product:
                record._hub_write({"product_id": product.id})
            values = {"default_code": variant.sku} if product.default_code != variant.sku else {}
            if not product.active:
                values["active"] = True
            if values:
                product.write(values)
        (odoo_variants - matched).filtered("active").write({"active": False})

    def _sync_attribute_lines(self, template, master):
        Attribute, Value = self.env["product.attribute"].sudo(), self.env["product.attribute.value"].sudo()
        attributes = {a.name: a for a in Attribute.search([("name", "in", [name for name, _v in master.attributes])])}
        commands = []
        for name, values in master.attributes:
            attribute = attributes.get(name) or Attribute.create({"name": name, "create_variant": "always"})
            existing = {
                v.name: v for v in Value.search([("attribute_id", "=", attribute.id), ("name", "in", list(values))])
            }
            missing = [value for value in values if value not in existing]
            if missing:
                for value in Value.create([{"attribute_id": attribute.id, "name": value} for value in missing]):
                    existing[value.name] = value
            value_ids = [existing[value].id for value in values]
            line = template.attribute_line_ids.filtered(lambda line, a=attribute: line.attribute_id == a)
            if not line:
                commands.append((0, 0, {"attribute_id": attribute.id, "value_ids": [(6, 0, value_ids)]}))
            elif set(value_ids) - set(line.value_ids.ids):
                # values are only added: a value the owner drops leaves its variant archived, with its stock
                commands.append((1, line.id, {"value_ids": [(4, value_id) for value_id in value_ids]}))
        if commands:
            template.write({"attribute_line_ids": commands})

    def _sync_pack(self, master):
        """Packagings (inner pack, carton, pallet), weight and volume on every variant."""
        products = self.variant_ids.product_id.sudo()
        if master.is_kit or not products:
            return
        config = M.pack_configuration(master)
        volume = (
            config["length"] * config["width"] * config["height"] / 1_000_000.0
            if all(config[name] for name in M.DIMENSIONS)
            else None
        )
        values = {"weight": config["weight_kg"] or 0.0}
        if volume is not None:
            values["volume"] = volume
        products.filtered(lambda p: any(p[key] != value for key, value in values.items())).write(values)
        Packaging = self.env["product.packaging"].sudo()
        existing = {
            (packaging.product_id.id, packaging.hub_pack_level): packaging
            for packaging in Packaging.search([("product_id", "in", products.ids), ("hub_pack_level", "!=", False)])
        }
        to_create, to_unlink = [], Packaging
        for product in products:
            for sequence, (level, _label) in enumerate(M.PACK_LEVELS):
                packaging, units = existing.get((product.id, level)), config[level]
                if units and packaging and packaging.qty != units:
                    packaging.qty = units
                elif units and not packaging:
                    to_create.append(
                        {
                            "name": PACK_LEVEL_NAMES[level],
                            "product_id": product.id,
                            "qty": units,
                            "sequence": sequence + 1,
                            "hub_pack_level": level,
                            "company_id": self.company_id.id,
                        }
                    )
                elif not units and packaging:
                    to_unlink |= packaging
        Packaging.create(to_create)
        to_unlink.unlink()

    def _sync_barcodes(self, master):
        by_key = {variant.key: variant for variant in master.variants}
        for record in self.variant_ids.filtered("product_id"):
            barcode = by_key[record.key].barcode or False
            if record.product_id.barcode != barcode:
                record.product_id.sudo().barcode = barcode

    def _sync_kit(self, master):
        """A kit's BoM (phantom: components reserved and picked, never a kit stock), the hub's own BoM only."""
        Bom = self.env["mrp.bom"].sudo()
        bom = Bom.search([("hub_catalog_item_id", "=", self.id)], limit=1)
        if not master.is_kit:
            if bom:
                bom.active = False
            return
        resolved = (
            self.env["integration.sku.equivalence"]
            .sudo()
            ._resolve_codes(self.channel_id, [sku for sku, _quantity in master.components])
        )
        wanted = [(resolved[sku]["product_id"], float(quantity)) for sku, quantity in master.components]
        if bom and sorted((line.product_id.id, line.product_qty) for line in bom.bom_line_ids) == sorted(wanted):
            return
        lines = [(0, 0, {"product_id": product_id, "product_qty": quantity}) for product_id, quantity in wanted]
        if bom:
            bom.write({"active": True, "bom_line_ids": [(5, 0, 0)] + lines})
            return
        template = self.product_tmpl_id
        Bom.create(
            {
                "product_tmpl_id": template.id,
                "product_id": template.product_variant_id.id,
                "type": "phantom",
                "hub_catalog_item_id": self.id,
                "company_id": self.company_id.id,
                "bom_line_ids": lines,
            }
        )
