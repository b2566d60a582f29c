import base64

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..lib import csv_reader

_lt = LazyTranslate(__name__)

REASONS = [("damage", "Damage"), ("theft", "Theft / loss"), ("miscount", "Miscount"), ("system_error", "System error")]


def _check_manager(env):
    if not env.user.has_group("integration_hub.group_hub_manager"):
        raise AccessError(_("Only Integration Hub managers can correct inventory."))


class IntegrationInventoryReconcile(models.TransientModel):
    """A physical count wins: the system is corrected, the variance traced, the truth republished."""

    _name = "integration.inventory.reconcile"
    _description = "Reconcile inventory with a physical count"

    product_id = fields.Many2one("product.product", required=True, domain=[("is_storable", "=", True)])
    location_id = fields.Many2one(
        "stock.location",
        required=True,
        domain=[("usage", "=", "internal")],
        default=lambda self: (
            self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1).lot_stock_id
        ),
    )
    system_qty = fields.Float(string="System quantity", compute="_compute_quantities")
    counted_qty = fields.Float(string="Counted", required=True)
    variance = fields.Float(compute="_compute_quantities")
    reason = fields.Selection(REASONS, required=True)
    note = fields.Text(help="What was found (e.g. two broken units in bin A-12).")

    @api.depends("product_id", "location_id", "counted_qty")
    def _compute_quantities(self):
        for wizard in self:
            wizard.system_qty = wizard._system_quantity(wizard.product_id, wizard.location_id)
            wizard.variance = wizard.counted_qty - wizard.system_qty

    @api.model
    def _system_quantity(self, product, location):
        if not (product and location):
            return 0.0
        # the product's client's stock only (owner on stock): another owner's units on the shelf are not counted
        owners = product.hub_client_id._hub_quant_domain() if product.hub_client_id else []
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search([("product_id", "=", product.id), ("location_id", "=", location.id), *owners])
        )
        return sum(quants.mapped("quantity"))

    def action_apply(self):
        self.ensure_one()
        _check_manager(self.env)
        self.location_id.check_access("read")  # a location of the user's own companies
        self._apply_count(self.product_id, self.location_id, self.counted_qty, self.reason, self.note)
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _apply_count(self, product, location, counted, reason, note=None, source=None, republish=True, receivers=None):
        """Odoo's own inventory adjustment, an audit entry, flags cleared, and an immediate republish.

        ``receivers``: kept across the counts of one import (see ``integration.inventory.position._queue_count``).
        """
        system = self._system_quantity(product, location)
        variance = counted - system
        reason_label = dict(REASONS)[reason]
        if variance:
            quant = (
                self.env["stock.quant"]
                .sudo()
                .with_context(inventory_mode=True)
                .create(
                    {
                        "product_id": product.id,
                        "location_id": location.id,
                        "inventory_quantity": counted,
                        # a client's goods stay the client's (owner on stock): never counted into the company's
                        "owner_id": product.hub_client_id._hub_stock_owner().id if product.hub_client_id else False,
                    }
                )
            )
            correction = {
                "kind": "count_import" if source else "reconciliation",
                "reason": f"{reason_label}{': ' + note if note else ''}{' (' + source + ')' if source else ''}",
            }
            quant.with_context(
                inventory_name=_("Hub reconciliation: %s", reason_label), hub_correction=correction
            )._apply_inventory()
        reason_text = f"{reason_label}{': ' + note if note else ''}{' (' + source + ')' if source else ''}"
        entry = self.env["integration.audit.log"]._log(
            "inventory_correction",
            product,
            reason=reason_text,
            before={"system_qty": system, "location": location.complete_name},
            after={"counted_qty": counted, "variance": variance, "approved_by": self.env.user.name},
        )
        self.env["integration.inventory.position"]._queue_count(
            entry,
            product,
            location,
            system,
            counted,
            "count_import" if source else "reconciliation",
            reason_text,
            receivers=receivers,
        )
        warehouse = location.warehouse_id
        levels = (
            self.env["integration.inventory.level"]
            .sudo()
            .search([("product_id", "=", product.id), ("channel_id.warehouse_id", "=", warehouse.id)])
        )
        exceptions = self.env["integration.sync.exception"]._open_about(levels, "inventory_mismatch")
        levels.write({"reconciliation_needed": False})
        if exceptions:
            exceptions.with_user(self.env.user)._decide(
                "resolved",
                _(
                    "Counted %(counted)s (variance %(variance)+g, %(reason)s) by %(user)s",
                    counted=counted,
                    variance=variance,
                    reason=reason_label,
                    user=self.env.user.name,
                ),
            )
        if republish:
            self._republish(warehouse, product, _("physical count of %s", product.default_code or product.name))
        return variance

    @api.model
    def _republish(self, warehouse, products, reason):
        channel = self.env["integration.channel"].sudo().search([("warehouse_id", "=", warehouse.id)], limit=1)
        channel._republish_products(products, reason)


class IntegrationInventoryImport(models.TransientModel):
    """Counts from a spreadsheet when the WMS is unavailable: validated, applied, and logged for review."""

    _name = "integration.inventory.import"
    _description = "Import inventory counts (CSV)"

    file = fields.Binary(required=True)
    filename = fields.Char()
    reason = fields.Selection(REASONS, required=True, default="miscount")
    client_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        domain=[("hub_client", "=", True)],
        default=lambda self: self.env.company.partner_id,
        help="Whose products the SKUs of the file are: two clients may use the same SKU code.",
    )
    result = fields.Text(readonly=True)

    COLUMNS = ("sku", "location", "counted")

    def action_import(self):
        """Read the file (lib/csv_reader.py), check every row, apply the good ones once, list the others.

        A row is rejected, with its line number and the reason, for: a wrong number of fields, an SKU a
        spreadsheet turned into scientific notation, an unknown SKU or location, a kit (it has no stock of
        its own), a count that is not a number, negative or not whole for a product counted in units, and
        the same SKU and location counted twice with different figures (both rows: never last-wins).
        """
        self.ensure_one()
        _check_manager(self.env)
        try:
            table = csv_reader.read_table(base64.b64decode(self.file or b""), self.COLUMNS)
        except (csv_reader.CsvFileError, ValueError) as error:
            raise UserError(_("The file cannot be imported: %s", error)) from None
        errors = list(table.rejected)
        rows = []
        for row in table.rows:
            try:
                sku = csv_reader.check_code(row.values["sku"], "SKU")
                location = row.values["location"]
                if not sku or not location:
                    raise ValueError("sku and location are required")
                csv_reader.parse_number(row.values["counted"])  # the unit rule is checked per product below
            except ValueError as error:
                errors.append((row.line, str(error)))
                continue
            rows.append(row)
        products = {
            p.default_code: p
            for p in self.env["product.product"].search(
                [
                    ("default_code", "in", list({row.values["sku"] for row in rows})),
                    *self.client_id._hub_product_domain(self.env.company),
                ]
            )
        }
        kits = (
            self.env["mrp.bom"]
            .sudo()
            ._bom_find(self.env["product.product"].concat(*products.values()), bom_type="phantom")
        )
        units = self.env.ref("uom.product_uom_categ_unit")
        Location = self.env["stock.location"]
        names = list({row.values["location"] for row in rows})
        candidates = Location.search(
            [
                "|",
                "|",
                ("complete_name", "in", names),
                ("barcode", "in", names),
                ("name", "in", names),
                ("usage", "=", "internal"),
                ("company_id", "in", [self.env.company.id, False]),
            ]
        )
        locations, ambiguous = {}, set()
        for name in names:
            # a full name or a barcode is exact; a short name ("Stock") must be unique to be used
            exact = candidates.filtered(lambda loc, n=name: n in (loc.complete_name, loc.barcode))
            matches = exact or candidates.filtered(lambda loc, n=name: loc.name == n)
            if len(matches) == 1:
                locations[name] = matches
            elif len(matches) > 1:
                ambiguous.add(name)
        resolved = {}
        for row in rows:
            sku, location_name = row.values["sku"], row.values["location"]
            product, location = products.get(sku), locations.get(location_name)
            if not product:
                errors.append((row.line, f"unknown SKU {sku}"))
            elif kits.get(product):
                errors.append((row.line, f"{sku} is a kit: it has no stock of its own, count its components"))
            elif location_name in ambiguous:
                errors.append((row.line, f"location {location_name} is ambiguous: use its full name or barcode"))
            elif not location:
                errors.append((row.line, f"unknown location {location_name}"))
            else:
                resolved[row.line] = (product, location)
        rows = [row for row in rows if row.line in resolved]
        # the same shelf however it is written (full name, barcode, short name): two counts are a conflict
        conflicting, repeats = csv_reader.conflicts(
            rows,
            key=lambda row: tuple(record.id for record in resolved[row.line]),
            value=lambda row: csv_reader.parse_number(row.values["counted"]),
        )
        errors += sorted({**conflicting, **repeats}.items())
        applied, touched = [], {}
        receivers = {}  # the channels told of the counts: looked up once per (client, company) for the file
        for row in rows:
            if row.line in conflicting or row.line in repeats:
                continue
            sku = row.values["sku"]
            product, location = resolved[row.line]
            try:
                counted = csv_reader.parse_count(row.values["counted"], whole_units=product.uom_id.category_id == units)
                with self.env.cr.savepoint():
                    variance = self.env["integration.inventory.reconcile"]._apply_count(
                        product,
                        location,
                        counted,
                        self.reason,
                        republish=False,
                        receivers=receivers,
                        source=_("CSV import %(file)s, line %(line)s", file=self.filename or "", line=row.line),
                    )
            except (ValueError, UserError, ValidationError) as error:
                errors.append((row.line, str(error)))
                continue
            applied.append(f"{sku} @ {location.complete_name}: {counted:g} (variance {variance:+g})")
            touched.setdefault(location.warehouse_id, self.env["product.product"])
            touched[location.warehouse_id] |= product
        for warehouse, counted_products in touched.items():  # one publication per warehouse, not per row
            self.env["integration.inventory.reconcile"]._republish(
                warehouse, counted_products, _("counts imported from %s", self.filename or _("a spreadsheet"))
            )
        errors.sort()
        report = _(
            "%(applied)s row(s) applied, %(rejected)s rejected (%(how)s).",
            applied=len(applied),
            rejected=len(errors),
            how=table.describe(),
        )
        details = "\n".join([report, ""] + applied + [""] + [f"line {n}: {problem}" for n, problem in errors])
        self.env["integration.sync.exception"]._open(
            "inventory_mismatch" if errors else "manual_entry",
            _lt("Inventory counts imported from %s", self.filename or _("a spreadsheet")),
            _lt(
                "Imported by %(user)s while the WMS was unavailable. Review the counts against the system once it is "
                "back; rejected rows were not applied.\n\n%(details)s",
                user=self.env.user.name,
                details=details,
            ),
            severity="warning" if errors else "info",
        )
        self.result = details
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
