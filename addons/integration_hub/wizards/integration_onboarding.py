"""Onboarding, "map your flow": the seed's onboarding checklist as a guided wizard per client.

Steps follow the checklist's six headings (technology stack, SKU and catalog structure, order rules,
inventory rules, shipment rules, mandatory fields), then a review that points out every object without
an owner or with two. *Create draft channels* creates the client's channels in state Draft (going live
stays an administrator's action) with their ownership matrix, order and inventory rules, shipping-method
to service-level rules and mandatory fields. Warehouse managers and administrators.
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.integration_channel import OWNED_OBJECTS, OWNER_SELECTION

STEPS = [
    ("stack", "Technology stack"),
    ("catalog", "SKU and catalog"),
    ("orders", "Order rules"),
    ("inventory", "Inventory rules"),
    ("shipment", "Shipment rules"),
    ("fields", "Mandatory fields"),
    ("review", "Review"),
    ("done", "Done"),
]
STEP_ORDER = [step for step, _label in STEPS]

ROLE_SELECTION = [
    ("shop", "eCommerce shop"),
    ("marketplace", "Marketplace"),
    ("erp", "ERP / OMS"),
    ("wms", "Existing WMS / inventory system"),
    ("files", "Files (CSV / SFTP)"),
    ("email", "Email"),
]
# What each kind of system usually owns (the seed: orders are the channel's, inventory truth is the
# warehouse's, the catalog is the ERP's when there is one); every value can be changed per row.
ROLE_OWNERS = {
    "shop": {"order": "channel", "catalog": "warehouse", "inventory": "warehouse", "shipment": "warehouse"},
    "marketplace": {"order": "channel", "catalog": "warehouse", "inventory": "warehouse", "shipment": "warehouse"},
    "erp": {"order": "channel", "catalog": "channel", "inventory": "warehouse", "shipment": "warehouse"},
    "wms": {"order": "channel", "catalog": "warehouse", "inventory": "channel", "shipment": "warehouse"},
    "files": {"order": "channel", "catalog": "warehouse", "inventory": "warehouse", "shipment": "warehouse"},
    "email": {"order": "channel", "catalog": "warehouse", "inventory": "warehouse", "shipment": "warehouse"},
}
ROLE_PLATFORM = {"files": "csv", "email": "email"}


def _platforms(records):
    return records.env["integration.channel"]._fields["platform"]._description_selection(records.env)


class IntegrationOnboarding(models.TransientModel):
    _name = "integration.onboarding"
    _description = "Onboarding: map your flow"

    step = fields.Selection(STEPS, default="stack", required=True, readonly=True)
    client_id = fields.Many2one("res.partner", string="Client", required=True, domain=[("is_company", "=", True)])
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        domain="[('company_id', '=', company_id)]",
        default=lambda self: self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1),
    )
    line_ids = fields.One2many("integration.onboarding.channel", "wizard_id", string="Systems to connect")
    carriers = fields.Char(help="Which carriers the client uses (DHL, UPS, DPD, Correos, other).")

    # 2. SKU and catalog structure
    sku_identifier = fields.Selection(
        [("internal", "Internal code"), ("gtin", "GTIN / EAN"), ("supplier", "Supplier code")],
        string="SKUs identified by",
        default="internal",
    )
    variants_as_skus = fields.Boolean(string="Each variant is its own SKU", default=True)
    sells_kits = fields.Boolean(string="Sells bundles or kits")
    kit_handling = fields.Selection(
        [("bom", "Kit bill of materials: components picked"), ("prepacked", "Pre-packed: stocked as its own SKU")],
        default="bom",
    )
    sku_changes_planned = fields.Boolean(string="SKU changes planned (migration, supplier change)")

    # 3. order rules
    valid_to_pick_trigger = fields.Selection(
        lambda self: self.env["integration.channel"]._fields["valid_to_pick_trigger"]._description_selection(self.env),
        string="Valid to pick at",
        default="paid",
        required=True,
    )
    edit_cutoff_state = fields.Selection(
        lambda self: self.env["integration.channel"]._fields["edit_cutoff_state"]._description_selection(self.env),
        string="Edits accepted",
        default="accepted",
        required=True,
    )
    partial_policy = fields.Selection(
        lambda self: self.env["integration.channel"]._fields["partial_policy"]._description_selection(self.env),
        default="hold",
        required=True,
    )

    # 4. inventory rules
    inventory_basis = fields.Selection(
        lambda self: self.env["integration.channel"]._fields["inventory_basis"]._description_selection(self.env),
        string="'Available' means",
        default="available",
        required=True,
    )
    publish_interval_minutes = fields.Integer(string="Publish every (min)", default=30)
    safety_buffer = fields.Float(default=0.0, help="Units kept back from every published quantity.")
    inventory_share_pct = fields.Float(string="Share of stock published (%)", default=100.0)
    divergence_threshold_pct = fields.Float(string="Divergence threshold (%)", default=5.0)

    # 5. shipment rules
    default_service_level_id = fields.Many2one("integration.service.level", string="Default service level")
    method_ids = fields.One2many("integration.onboarding.method", "wizard_id", string="Carrier rules")
    carrier_receipt_hours = fields.Float(string="Carrier receipt expected within (h)", default=24.0)

    # 6. mandatory fields
    vat_required_country_ids = fields.Many2many("res.country", string="VAT id mandatory for")
    notes = fields.Text(string="Other requirements", help="Delivery notes, special handling, customs information.")

    findings = fields.Text(compute="_compute_findings", string="Ownership findings")
    channel_ids = fields.Many2many("integration.channel", string="Channels created", readonly=True)

    # --- access -------------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only warehouse managers and administrators can onboard a client."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager()
        return super().create(vals_list)

    # --- findings -----------------------------------------------------------------------
    @api.depends(
        "line_ids.name",
        "line_ids.code",
        *(f"line_ids.{spec[0]}" for spec in OWNED_OBJECTS.values()),
        "warehouse_id",
        "company_id",
    )
    def _compute_findings(self):
        for wizard in self:
            wizard.findings = "\n".join(wizard._ownership_findings()) or _("Every object has exactly one owner.")

    def _ownership_findings(self):
        """Every object without an owner or with two (and every channel code used twice), as sentences.
        The scopes of OWNED_OBJECTS (an order or a return is each channel's own; one catalog per company,
        one inventory per warehouse), counting the company's existing active channels too (the rule
        ``integration.channel._check_single_owner`` enforces)."""
        self.ensure_one()
        problems = []
        lines = self.line_ids
        if not lines:
            problems.append(_("No system to connect yet: add at least one channel."))
        Channel = self.env["integration.channel"].sudo()
        for obj, (field, scope, _default) in OWNED_OBJECTS.items():
            for line in lines.filtered(lambda line, field=field: not line[field]):
                problems.append(
                    _("%(object)s of '%(channel)s' has no owner.", object=obj.capitalize(), channel=line.name or "?")
                )
            if scope == "channel":
                continue
            claims = lines.filtered(lambda line, field=field: line[field] == "channel").mapped("name")
            domain = [(field, "=", "channel"), ("company_id", "=", self.company_id.id)]
            if scope == "warehouse":
                domain.append(("warehouse_id", "=", self.warehouse_id.id))
            claims += Channel.search(domain).mapped("name")
            if len(claims) > 1:
                problems.append(
                    _(
                        "%(object)s has %(count)s owners: %(owners)s. Keep one; set the others to 'Warehouse'.",
                        object=obj.capitalize(),
                        count=len(claims),
                        owners=", ".join(claims),
                    )
                )
        return problems + self._code_findings()

    def _code_findings(self):
        """Channel codes used twice (rows, or an existing channel of the company): unique per company."""
        problems = []
        codes = self.line_ids.mapped("code")
        existing = self.env["integration.channel"].sudo().with_context(active_test=False)
        for code in sorted({code for code in codes if code}):
            if codes.count(code) > 1:
                problems.append(_("Code '%s' is used by two rows: a channel code is unique.", code))
            rival = existing.search([("code", "=", code), ("company_id", "=", self.company_id.id)], limit=1)
            if rival:
                problems.append(_("Code '%(code)s' is already channel '%(channel)s'.", code=code, channel=rival.name))
        return problems

    # --- navigation ---------------------------------------------------------------------
    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Onboarding: map your flow"),
        }

    def action_next(self):
        self.ensure_one()
        self._check_manager()
        if self.step == "stack" and not self.line_ids:
            raise UserError(_("Add the systems to connect first: one row per shop, marketplace, ERP, file or mailbox."))
        if self.step == "inventory" and not 15 <= self.publish_interval_minutes <= 60:
            raise UserError(_("The inventory publication interval must be between 15 and 60 minutes."))
        index = STEP_ORDER.index(self.step)
        self.step = STEP_ORDER[min(index + 1, STEP_ORDER.index("review"))]
        return self._reopen()

    def action_back(self):
        self.ensure_one()
        index = STEP_ORDER.index(self.step)
        self.step = STEP_ORDER[max(index - 1, 0)]
        return self._reopen()

    # --- creation -----------------------------------------------------------------------
    def action_create_channels(self):
        """Create the client's draft channels. Raises UserError listing the ownership findings while
        any object has no owner or two; AccessError for anyone but managers and administrators."""
        self.ensure_one()
        self._check_manager()
        problems = self._ownership_findings()
        if problems:
            raise UserError(
                _("Close these ownership questions first:\n%s", "\n".join(f"- {problem}" for problem in problems))
            )
        if self.company_id not in self.env.companies:
            raise AccessError(_("You can onboard a client only in the companies you work in."))
        self.env["stock.warehouse"].browse(self.warehouse_id.id).check_access("read")
        # channels are an administrator's records: a manager creates them here, in Draft only (sudo),
        # for the company and warehouse they work in; going live stays an administrator's action
        channels = self.env["integration.channel"].sudo().create([line._channel_values() for line in self.line_ids])
        methods = [
            {"channel_id": channel.id, "method": rule.method, "service_level_id": rule.service_level_id.id}
            for channel in channels
            for rule in self.method_ids
        ]
        if methods:
            self.env["integration.channel.shipping.method"].sudo().create(methods)
        answers = self._checklist_answers()
        self.client_id.sudo().hub_onboarding_answers = answers
        for channel in channels:
            self.env["integration.audit.log"]._log(
                "config_change",
                channel,
                reason=_("Onboarding of %(client)s: draft channel created", client=self.client_id.name),
                after={"channel": channel.code, "platform": channel.platform, "state": channel.state},
            )
        self.write({"channel_ids": [(6, 0, channels.ids)], "step": "done"})
        return self._reopen()

    def _checklist_answers(self):
        """The checklist answers no channel field holds, as text kept on the client (shown on the map)."""

        def label(name):
            return dict(self._fields[name]._description_selection(self.env)).get(self[name], "-")

        yes_no = {True: _("yes"), False: _("no")}
        rows = [
            (_("Carriers"), self.carriers or "-"),
            (_("SKUs identified by"), label("sku_identifier")),
            (_("Each variant is its own SKU"), yes_no[self.variants_as_skus]),
            (_("Sells bundles or kits"), yes_no[self.sells_kits]),
        ]
        if self.sells_kits:
            rows.append((_("Kits"), label("kit_handling")))
        rows += [
            (_("SKU changes planned"), yes_no[self.sku_changes_planned]),
            (_("Other requirements"), self.notes or "-"),
        ]
        return "\n".join(f"{name}: {value}" for name, value in rows)

    def action_print_map(self):
        self.ensure_one()
        return self.env.ref("integration_hub.action_report_integration_map").report_action(self.client_id)


class IntegrationOnboardingChannel(models.TransientModel):
    _name = "integration.onboarding.channel"
    _description = "Onboarding: a system to connect"

    wizard_id = fields.Many2one("integration.onboarding", required=True, ondelete="cascade")
    name = fields.Char(required=True)
    code = fields.Char(required=True)
    role = fields.Selection(ROLE_SELECTION, required=True, default="shop")
    platform = fields.Selection(_platforms, required=True, default="generic")
    order_owner = fields.Selection(OWNER_SELECTION, default="channel")
    catalog_owner = fields.Selection(OWNER_SELECTION, default="warehouse")
    inventory_owner = fields.Selection(OWNER_SELECTION, default="warehouse")
    shipment_owner = fields.Selection(OWNER_SELECTION, default="warehouse")
    return_owner = fields.Selection(OWNER_SELECTION, default="channel")

    @api.onchange("role")
    def _onchange_role(self):
        for line in self:
            for obj, owner in ROLE_OWNERS.get(line.role, {}).items():
                line[OWNED_OBJECTS[obj][0]] = owner
            if line.role in ROLE_PLATFORM and ROLE_PLATFORM[line.role] in dict(_platforms(line)):
                line.platform = ROLE_PLATFORM[line.role]

    def _channel_values(self):
        wizard = self.wizard_id
        values = {
            "name": self.name,
            "code": self.code,
            "platform": self.platform,
            "state": "draft",
            "client_id": wizard.client_id.id,
            "company_id": wizard.company_id.id,
            "warehouse_id": wizard.warehouse_id.id,
            **{spec[0]: self[spec[0]] for spec in OWNED_OBJECTS.values()},
        }
        for name in (
            "valid_to_pick_trigger",
            "edit_cutoff_state",
            "partial_policy",
            "inventory_basis",
            "publish_interval_minutes",
            "safety_buffer",
            "inventory_share_pct",
            "divergence_threshold_pct",
            "carrier_receipt_hours",
        ):
            values[name] = wizard[name]
        values["default_service_level_id"] = wizard.default_service_level_id.id
        values["vat_required_country_ids"] = [(6, 0, wizard.vat_required_country_ids.ids)]
        return values


class IntegrationOnboardingMethod(models.TransientModel):
    _name = "integration.onboarding.method"
    _description = "Onboarding: a carrier rule (channel shipping method to service level)"

    wizard_id = fields.Many2one("integration.onboarding", required=True, ondelete="cascade")
    method = fields.Char(string="Shipping method on the channel", required=True)
    service_level_id = fields.Many2one("integration.service.level", required=True)
