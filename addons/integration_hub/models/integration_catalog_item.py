import json

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

from ..lib import catalog_master as M
from ..lib import catalog_states as C

_lt = LazyTranslate(__name__)


class IntegrationCatalogItem(models.Model):
    """A product as its owner (the channel that owns the catalog) defines it, and its guarded lifecycle.

    The owner's master is kept as last accepted (``master_data``, the document of lib/catalog_master.py);
    each step of lib/catalog_states.py writes the part it checked onto Odoo's own product (see
    integration_catalog_product_sync.py; the owner's messages: integration_catalog_intake.py). Only a
    product that is ready for receiving may appear on an expected receipt or be published (seed,
    "Object ownership: SKU/Catalog").
    """

    _name = "integration.catalog.item"
    _description = "Catalog product (synchronized from its owner)"
    # the guarded state first: its rules for who may post notes come before mail.thread's default
    _inherit = ["integration.guarded.state", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _state_table = C
    # nobody forces a catalog step: each one is the owner's data, checked by its guard
    _not_forceable = frozenset(key for key, _label in C.STATE_SELECTION)
    _hub_fields = frozenset(
        {
            "name",
            "external_id",
            "channel_id",
            "state",
            "sku",
            "product_tmpl_id",
            "master_data",
            "missing",
            "is_kit",
            "units_per_inner",
            "units_per_carton",
            "units_per_pallet",
            "weight_kg",
            "length_cm",
            "width_cm",
            "height_cm",
            "source_updated_at",
            "ready_at",
        }
    )
    _hub_fields_hint = _lt(
        "The catalog owner sends the product master; a locked pack configuration changes only through a "
        "manager's 'Apply edit' on its exception."
    )

    name = fields.Char(required=True, readonly=True, tracking=True)
    external_id = fields.Char(
        string="Product id in the owner", required=True, readonly=True, index=True, help="Stable across code changes."
    )
    channel_id = fields.Many2one(
        "integration.channel", string="Catalog owner", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    state = fields.Selection(
        C.STATE_SELECTION,
        default=C.DEFINED,
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        group_expand="_group_expand_states",
    )
    sku = fields.Char(string="SKU", readonly=True, tracking=True, index=True)
    product_tmpl_id = fields.Many2one("product.template", string="Odoo product", readonly=True, index=True)
    variant_ids = fields.One2many("integration.catalog.variant", "item_id", string="Variants", readonly=True)
    is_kit = fields.Boolean(string="Kit", readonly=True, help="Components picked from their own stock.")
    units_per_inner = fields.Float(string="Units per inner pack", readonly=True, tracking=True)
    units_per_carton = fields.Float(string="Units per carton", readonly=True, tracking=True)
    units_per_pallet = fields.Float(string="Units per pallet", readonly=True, tracking=True)
    weight_kg = fields.Float(string="Unit weight (kg)", readonly=True, tracking=True, digits="Stock Weight")
    length_cm = fields.Float(string="Length (cm)", readonly=True)
    width_cm = fields.Float(string="Width (cm)", readonly=True)
    height_cm = fields.Float(string="Height (cm)", readonly=True)
    pack_summary = fields.Char(string="Pack configuration", compute="_compute_pack_summary")
    master_data = fields.Text(string="Master as accepted", readonly=True, help="The owner's document, as JSON.")
    missing = fields.Text(
        string="What the next step needs", readonly=True, help="Why the product waits where it is, as last checked."
    )
    source_updated_at = fields.Datetime(string="Updated in the owner at", readonly=True)
    ready_at = fields.Datetime(string="Ready for receiving since", readonly=True)
    exception_ids = fields.One2many("integration.sync.exception", compute="_compute_exceptions")
    open_exception_count = fields.Integer(compute="_compute_exceptions")

    _sql_constraints = [
        (
            "channel_external_unique",
            "unique(channel_id, external_id)",
            "This product id already exists for the catalog owner: a product is defined once.",
        ),
    ]

    @api.depends("units_per_inner", "units_per_carton", "units_per_pallet", "weight_kg", "is_kit")
    def _compute_pack_summary(self):
        for item in self:
            if item.is_kit:
                item.pack_summary = self.env._("kit: received as its components")
                continue
            item.pack_summary = M.describe_pack(
                {
                    "inner": item.units_per_inner,
                    "carton": item.units_per_carton,
                    "pallet": item.units_per_pallet,
                    "weight_kg": item.weight_kg,
                    "length": item.length_cm,
                    "width": item.width_cm,
                    "height": item.height_cm,
                }
            )

    def _compute_exceptions(self):
        Exception_ = self.env["integration.sync.exception"]
        rows = Exception_.search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        for item in self:
            mine = rows.filtered(lambda e, item_id=item.id: e.res_id == item_id)
            item.exception_ids = mine
            item.open_exception_count = len(mine.filtered(lambda e: e.state == "open"))

    def _master(self):
        """The master as last accepted (a lib.catalog_master.ProductMaster)."""
        self.ensure_one()
        return M.parse_product(json.loads(self.master_data or "{}"))

    # --- the guards (see integration.guarded.state and lib/catalog_states.py) ------------------
    def _guard_defined_variants_assigned(self):
        return self._missing_for((C.DEFINED, C.VARIANTS_ASSIGNED), self._master())

    def _guard_variants_assigned_pack_locked(self):
        return self._missing_for((C.VARIANTS_ASSIGNED, C.PACK_LOCKED), self._master())

    def _guard_pack_locked_barcode_assigned(self):
        return self._missing_for((C.PACK_LOCKED, C.BARCODE_ASSIGNED), self._master())

    def _guard_barcode_assigned_ready(self):
        return self._missing_for((C.BARCODE_ASSIGNED, C.READY), self._master())

    def _missing_for(self, step, master):
        """What ``master`` lacks for ``step`` ((from, to)), in words a person can act on; [] when nothing."""
        self.ensure_one()
        if step == (C.DEFINED, C.VARIANTS_ASSIGNED):
            problems = M.variant_problems(master)
            return problems or self._code_clashes(master, "sku")
        if step == (C.VARIANTS_ASSIGNED, C.PACK_LOCKED):
            return M.pack_problems(master)
        if step == (C.PACK_LOCKED, C.BARCODE_ASSIGNED):
            problems = M.barcode_problems(master)
            return problems or self._code_clashes(master, "barcode")
        if step == (C.BARCODE_ASSIGNED, C.READY):
            return M.component_problems(master) or self._component_problems(master)
        return []

    def _own_product_ids(self):
        """Every Odoo variant of this item's product, archived ones included."""
        if not self.product_tmpl_id:
            return []
        return self.product_tmpl_id.with_context(active_test=False).product_variant_ids.ids

    def _code_clashes(self, master, kind):
        """Codes of ``master`` that name another product of the company (live code or SKU equivalence).

        Three queries whatever the number of variants. ``kind``: "sku" (internal reference) or "barcode"
        (product and packaging barcodes, as Odoo keeps them unique per company).
        """
        codes = [getattr(variant, kind) for variant in master.variants if getattr(variant, kind)]
        if not codes:
            return []
        own = self._own_product_ids()
        company = [self.company_id.id, False]
        field = "default_code" if kind == "sku" else "barcode"
        Product = self.env["product.product"].sudo().with_context(active_test=False)
        clashes = {}
        for row in Product.search_read(
            [(field, "in", codes), ("id", "not in", own), ("company_id", "in", company)], [field, "display_name"]
        ):
            clashes.setdefault(row[field], row["display_name"])
        if kind == "barcode":
            for packaging in (
                self.env["product.packaging"]
                .sudo()
                .search([("barcode", "in", codes), ("product_id", "not in", own), ("company_id", "in", company)])
            ):
                clashes.setdefault(packaging.barcode, self.env._("%s (packaging)", packaging.product_id.display_name))
        equivalences = (
            self.env["integration.sku.equivalence"]
            .sudo()
            .search([("old_code", "in", codes), ("product_id", "not in", own), ("company_id", "in", company)])
        )
        label = self.env._("SKU") if kind == "sku" else self.env._("barcode")
        problems = [
            self.env._(
                "%(kind)s %(code)s is already used by another product: %(product)s", kind=label, code=code, product=name
            )
            for code, name in clashes.items()
        ]
        problems += [
            self.env._(
                "%(code)s was a code of %(product)s (SKU equivalence): it cannot name another product",
                code=equivalence.old_code,
                product=equivalence.product_id.display_name,
            )
            for equivalence in equivalences
            if equivalence.old_code not in clashes
        ]
        return problems

    def _component_problems(self, master):
        """A kit's components: each resolves (through the hub's one resolver) to a product ready for receiving."""
        if not master.is_kit:
            return []
        skus = [sku for sku, _quantity in master.components]
        resolved = self.env["integration.sku.equivalence"].sudo()._resolve_codes(self.channel_id, skus)
        problems = []
        product_ids = {found["product_id"] for found in resolved.values() if found.get("product_id")}
        not_ready = self._receiving_problems(self.env["product.product"].browse(product_ids))
        for sku in skus:
            found = resolved.get(sku, {})
            if not found.get("product_id"):
                problems.append(self.env._("kit component %(sku)s: %(why)s", sku=sku, why=found.get("problem")))
            elif found["product_id"] in not_ready:
                problems.append(self.env._("kit component %(why)s", why=not_ready[found["product_id"]]))
            elif found["product_id"] in self._own_product_ids():
                problems.append(self.env._("kit component %s is the kit itself", sku))
        return problems

    # --- what other flows ask the catalog ------------------------------------------------------
    @api.model
    def _receiving_problems(self, products):
        """{product id: why it cannot be received or published} for the products of ``products`` that a
        catalog owner manages and that are not ready for receiving (one query). Products the warehouse
        itself keeps (no catalog item) are not the catalog's to refuse."""
        if not products:
            return {}
        rows = (
            self.env["integration.catalog.variant"]
            .sudo()
            .search_read(
                [("product_id", "in", products.ids), ("item_id.state", "!=", C.READY)],
                ["product_id", "item_id"],
            )
        )
        items = self.sudo().browse({row["item_id"][0] for row in rows})
        labels = dict(self._fields["state"]._description_selection(self.env))
        why = {
            item.id: self.env._(
                "%(product)s is not ready for receiving: the catalog has it at '%(state)s'%(missing)s",
                product=item.sku or item.name,
                state=labels[item.state],
                missing=self.env._(" (missing: %s)", item.missing.replace("\n", "; ")) if item.missing else "",
            )
            for item in items
        }
        return {row["product_id"][0]: why[row["item_id"][0]] for row in rows}

    def action_view_product(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "product.template",
            "res_id": self.product_tmpl_id.id,
            "view_mode": "form",
        }

    def action_view_exceptions(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_hub.action_integration_sync_exception")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        action["context"] = {}
        return action
