from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.hub_privilege import HUB_WRITE, is_granted

ACTIVE, LEGACY, RETIRED = "active", "legacy", "retired"
DEFAULT_WINDOW_DAYS = 30


class IntegrationSkuEquivalence(models.Model):
    """old code = product: both codes stay recognizable during a transition window.

    After the window an old SKU is retired (an order using it is held, naming
    the new code) and an old barcode becomes legacy (accepted with a warning,
    never a failure), as the seed's "Stable identifiers" section says.
    """

    _name = "integration.sku.equivalence"
    _description = "SKU / barcode equivalence"
    _inherit = ["integration.hub.record", "mail.thread"]
    _order = "valid_from desc, id desc"
    _rec_name = "old_code"
    _hub_fields = frozenset({"state"})  # the dates decide; the daily cron records the state

    old_code = fields.Char(required=True, index=True, tracking=True)
    code_type = fields.Selection(
        [("sku", "SKU"), ("barcode", "Barcode / EAN")], required=True, default="sku", tracking=True
    )
    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="restrict", tracking=True)
    new_code = fields.Char(compute="_compute_new_code", help="The code that is used from now on.")
    channel_id = fields.Many2one("integration.channel", index=True, help="Empty: valid on every channel.")
    client_id = fields.Many2one(
        related="product_id.hub_client_id",
        store=True,
        index=True,
        string="Client",
        help="Equivalences are per client: the product's client. Two clients may use the same old code.",
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    valid_from = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    transition_end = fields.Date(
        compute="_compute_transition_end",
        store=True,
        readonly=False,
        tracking=True,
        help="Both codes are active until this day (start + the channel's window, 30 days by default).",
    )
    state = fields.Selection(
        [(ACTIVE, "Active (transition)"), (LEGACY, "Legacy (warning)"), (RETIRED, "Retired")],
        default=ACTIVE,
        required=True,
        index=True,
        tracking=True,
        readonly=True,
    )
    reason = fields.Char(help="Why the code changed (supplier migration, relabelling...).")

    _sql_constraints = [
        ("old_code_unique", "unique(old_code, code_type, channel_id)", "This old code already has an equivalence."),
    ]

    @api.depends("product_id.default_code", "product_id.barcode", "code_type")
    def _compute_new_code(self):
        for record in self:
            record.new_code = (
                record.product_id.barcode if record.code_type == "barcode" else record.product_id.default_code
            )

    @api.depends("valid_from", "channel_id.sku_transition_days")
    def _compute_transition_end(self):
        for record in self:
            days = record.channel_id.sku_transition_days or DEFAULT_WINDOW_DAYS
            record.transition_end = record.valid_from and record.valid_from + timedelta(days=days)

    @api.constrains("old_code", "code_type", "channel_id", "company_id")
    def _check_one_equivalence_per_code(self):
        # the SQL constraint cannot see two global rows (NULL channel) as equal
        for record in self:
            twin = self.search(
                [
                    ("id", "!=", record.id),
                    ("old_code", "=", record.old_code),
                    ("code_type", "=", record.code_type),
                    ("channel_id", "=", record.channel_id.id),
                    ("company_id", "=", record.company_id.id),
                    ("client_id", "=", record.client_id.id),
                ],
                limit=1,
            )
            if twin:
                raise ValidationError(
                    _("'%s' already has an equivalence: an old code maps to one product.", record.old_code)
                )

    @api.constrains("old_code", "product_id", "code_type")
    def _check_not_a_live_code(self):
        for record in self:
            field = "barcode" if record.code_type == "barcode" else "default_code"
            clash = (
                self.env["product.product"]
                .with_context(active_test=False)
                .search(
                    [
                        (field, "=", record.old_code),
                        ("id", "!=", record.product_id.id),
                        ("hub_client_id", "=", record.client_id.id),  # another client's live code is no clash
                    ],
                    limit=1,
                )
            )
            if clash:
                raise ValidationError(
                    _(
                        "'%(code)s' is still the live code of %(product)s: "
                        "an old code must belong to no other product.",
                        code=record.old_code,
                        product=clash.display_name,
                    )
                )

    @staticmethod
    def _state_on(record, day):
        """What an equivalence is on ``day``: the dates decide, the stored state follows daily."""
        if not record.transition_end or day <= record.transition_end:
            return ACTIVE
        return LEGACY if record.code_type == "barcode" else RETIRED

    @api.model
    def _resolve_codes(self, channel, codes, day=None):
        """Map codes as sent to products, in three queries whatever the number of codes.

        Returns {code: {"product_id", "how", "warning"}} or {code: {"problem"}}:
        direct internal reference or barcode first, then equivalences. Without a channel (a scan in
        Odoo's own screens) the equivalences valid on every channel of the current company apply.
        A channel looks only inside its client's catalog (products and equivalences): two clients may
        share a code (README "Clients and accounting").
        """
        day = day or fields.Date.context_today(self)
        company = channel.company_id or self.env.company
        client_domain = channel._client_product_domain() if channel else []
        equivalence_domain = channel.client_id._hub_product_domain(company, "client_id") if channel else []
        codes = {code for code in codes if code}
        result = {}
        if not codes:
            return result
        products = self.env["product.product"].search_read(
            [
                "|",
                ("default_code", "in", list(codes)),
                ("barcode", "in", list(codes)),
                ("company_id", "in", [company.id, False]),
                *client_domain,
            ],
            ["default_code", "barcode"],
        )
        matches = {}
        for row in products:
            for how, key in (("code", "default_code"), ("barcode", "barcode")):
                if row[key] in codes:
                    matches.setdefault(row[key], []).append((row["id"], how))
        for code, found in matches.items():
            if len({product_id for product_id, _how in found}) > 1:
                result[code] = {"problem": _("SKU %s is ambiguous: it matches several products", code)}
            else:
                result[code] = {"product_id": found[0][0], "how": found[0][1]}
        remaining = codes - set(result)
        if remaining:
            equivalences = self.search(
                [
                    ("old_code", "in", list(remaining)),
                    ("channel_id", "in", [channel.id, False]),
                    ("company_id", "in", [company.id, False]),
                    *equivalence_domain,
                ]
            )
            # a channel-specific equivalence wins over a global one
            for equivalence in equivalences.sorted(lambda e: not e.channel_id):
                code = equivalence.old_code
                if code in result or day < equivalence.valid_from:
                    continue  # resolved already, or the change is not in effect yet
                state = self._state_on(equivalence, day)
                new_code = equivalence.new_code or equivalence.product_id.display_name
                if state == ACTIVE:
                    result[code] = {
                        "product_id": equivalence.product_id.id,
                        "how": "equivalence",
                        "warning": _(
                            "old code %(old)s accepted until %(end)s; new code is %(new)s",
                            old=code,
                            end=equivalence.transition_end,
                            new=new_code,
                        ),
                    }
                elif state == LEGACY:
                    result[code] = {
                        "product_id": equivalence.product_id.id,
                        "how": "legacy_barcode",
                        "warning": _("legacy barcode %(old)s: use %(new)s", old=code, new=new_code),
                    }
                else:
                    result[code] = {
                        "problem": _(
                            "SKU %(old)s was retired on %(end)s: the channel must send the new code %(new)s",
                            old=code,
                            end=equivalence.transition_end,
                            new=new_code,
                        )
                    }
        for code in codes - set(result):
            result[code] = {
                "problem": _("SKU %s does not match any catalog product (code, barcode or equivalence)", code)
            }
        return result

    @api.model
    def _cron_update_states(self):
        today = fields.Date.context_today(self)
        for record in self.search([("state", "=", ACTIVE), ("transition_end", "<", today)]):
            record._hub_write({"state": self._state_on(record, today)})

    # --- audit every change ------------------------------------------------
    def _audit_values(self):
        return {
            "old_code": self.old_code,
            "code_type": self.code_type,
            "product": self.product_id.display_name,
            "valid_from": self.valid_from,
            "transition_end": self.transition_end,
            "state": self.state,
        }

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records:
            self.env["integration.audit.log"]._log(
                "sku_change", record, reason=record.reason or _("Equivalence created"), after=record._audit_values()
            )
        return records

    def write(self, vals):
        before = {record.id: record._audit_values() for record in self}
        result = super().write(vals)
        for record in self:
            self.env["integration.audit.log"]._log(
                "sku_change",
                record,
                reason=_("Transition window ended")
                if is_granted(HUB_WRITE) and set(vals) == {"state"}
                else vals.get("reason") or _("Equivalence changed"),
                before=before[record.id],
                after=record._audit_values(),
            )
        return result

    def unlink(self):
        for record in self:
            self.env["integration.audit.log"]._log(
                "sku_change", record, reason=_("Equivalence deleted"), before=record._audit_values()
            )
        return super().unlink()
