from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ..lib import return_states as R
from .personal_data_fields import PersonalText

_lt = LazyTranslate(__name__)


class IntegrationReturn(models.Model):
    """A customer return: authorized by the returns system, received into quarantine, triaged, then disposed."""

    _name = "integration.return"
    _description = "Customer return"
    # the guarded state first: its rules for who may post notes come before mail.thread's default
    _inherit = ["integration.guarded.state", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _state_table = R
    # What the returns system sent and what the hub recorded (receipt, triage, disposition): written by
    # the hub only. By hand: managers the reason, claim and return tracking; the bench its lines' inspection.
    _hub_fields = frozenset(
        {
            "name",
            "external_id",
            "channel_id",
            "order_id",
            "state",
            "receipt_id",
            "disposition_picking_ids",
            "received_at",
            "triaged_at",
            "completed_at",
            "triage_source",
            "credit_to_review",
            "credit_note_id",
        }
    )
    _MANAGER_FIELDS = frozenset({"reason", "customer_claim", "return_tracking"})
    _hub_fields_hint = _lt(
        "Use the return's actions: Authorize, Prepare receipt, Triage and Execute disposition (managers)."
    )

    name = fields.Char(required=True, readonly=True, default=lambda self: _("New"), copy=False)
    external_id = fields.Char(string="Return id in the channel", index=True, readonly=True)
    channel_id = fields.Many2one("integration.channel", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    warehouse_id = fields.Many2one(related="channel_id.warehouse_id")
    order_id = fields.Many2one("integration.channel.order", string="Original order", index=True)
    state = fields.Selection(
        R.STATE_SELECTION,
        default=R.INITIATED,
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        group_expand="_group_expand_states",
    )
    owner = fields.Selection(
        [("returns_system", "Returns system"), ("warehouse", "Warehouse")],
        compute="_compute_owner",
        help="The returns system owns the return until triage.",
    )
    reason = fields.Char(tracking=True)
    customer_claim = PersonalText()  # the customer's own words: personal data, encrypted at rest
    return_tracking = fields.Char(string="Return tracking number")
    line_ids = fields.One2many("integration.return.line", "return_id", string="Lines")
    receipt_id = fields.Many2one("stock.picking", string="Receipt into quarantine", readonly=True, copy=False)
    disposition_picking_ids = fields.Many2many(
        "stock.picking", string="Disposition transfers", readonly=True, copy=False
    )
    received_at = fields.Datetime(readonly=True)
    triaged_at = fields.Datetime(readonly=True)
    completed_at = fields.Datetime(readonly=True)
    triage_source = fields.Selection(
        [("channel", "Returns system instruction"), ("manager", "Manager decision")], readonly=True
    )
    credit_to_review = fields.Boolean(string="Credit to review (accounting)", readonly=True, tracking=True)
    credit_note_id = fields.Many2one(
        "account.move",
        string="Credit note",
        readonly=True,
        copy=False,
        help="Own sales: the draft credit note for Finance with the returned lines at the channel's prices.",
    )
    user_is_manager = fields.Boolean(compute="_compute_user_is_manager", help="Shows what the current user may edit.")
    overdue = fields.Boolean(
        compute="_compute_overdue",
        search="_search_overdue",
        help="Received but not triaged within the channel's limit (3 days by default).",
    )

    _sql_constraints = [
        (
            "channel_external_unique",
            "unique(channel_id, external_id)",
            "This return was already received on the channel.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("integration.return") or _("New")
        return super().create(vals_list)

    @api.depends_context("uid")
    def _compute_user_is_manager(self):
        self.user_is_manager = self.env.user.has_group("integration_hub.group_hub_manager")

    @api.depends("state")
    def _compute_owner(self):
        for record in self:
            record.owner = "warehouse" if record.state in R.WAREHOUSE_OWNS else "returns_system"

    def _triage_deadline(self):
        return self.received_at + timedelta(days=self.channel_id.return_triage_days or 3)

    @api.depends("state", "received_at")
    def _compute_overdue(self):
        now = fields.Datetime.now()
        for record in self:
            record.overdue = record.state == R.RECEIVED and bool(record.received_at) and record._triage_deadline() < now

    def _search_overdue(self, operator, value):
        now = fields.Datetime.now()
        received = self.search([("state", "=", R.RECEIVED), ("received_at", "!=", False)])
        ids = received.filtered(lambda r: r._triage_deadline() < now).ids
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", ids)]

    def write(self, vals):
        # the bench saves its lines through the return form ("line_ids"): the lines check what changes
        if self._MANAGER_FIELDS.intersection(vals) and not self.env.su:
            self._check_manager(_("change a return's reason, claim or tracking"))
        return super().write(vals)

    # --- guards of the state machine (see integration.guarded.state) --------------------------
    def _guard_authorized_received(self):
        return [] if self.receipt_id.state == "done" else [_("a validated receipt into quarantine")]

    _guard_shipped_back_received = _guard_authorized_received

    def _guard_received_triaged(self):
        ungraded = self.line_ids.filtered(lambda line: not line.grade)
        return [_("no grade on %s", ", ".join(ungraded.mapped("product_id.display_name")))] if ungraded else []

    def _guard_triaged_completed(self):
        pending = self.line_ids.filtered(lambda line: not line.outcome)
        return (
            [_("disposition not executed for %s", ", ".join(pending.mapped("product_id.display_name")))]
            if pending
            else []
        )

    # --- actions ----------------------------------------------------------------------
    def action_authorize(self):
        self._check_manager(_("authorize returns"))
        self._transition(R.AUTHORIZED, _("authorized by %s", self.env.user.name))
        return True

    def action_open_triage(self):
        self.ensure_one()
        self._check_manager(_("triage returns"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Triage"),
            "res_model": "integration.return.triage",
            "view_mode": "form",
            "target": "new",
            "context": {"default_return_id": self.id},
        }

    def action_create_receipt(self):
        """The Odoo receipt that brings the goods into quarantine (never into sellable stock).

        Operations and up, on returns they can see; the hub creates the receipt and records it.
        """
        self._check_operations(_("prepare return receipts"))
        self._check_hub_reachable()
        for record in self:
            if record.state not in (R.AUTHORIZED, R.SHIPPED_BACK):
                raise UserError(
                    _("Return %s is not authorized yet: nothing is received before authorization.", record.name)
                )
            if record.receipt_id:
                continue
            warehouse = record.warehouse_id
            customer = self.env.ref("stock.stock_location_customers")
            quarantine = warehouse.hub_quarantine_location_id
            receipt = (
                self.env["stock.picking"]
                .sudo()
                .create(
                    {
                        "picking_type_id": warehouse.in_type_id.id,
                        "location_id": customer.id,
                        "location_dest_id": quarantine.id,
                        "origin": record.name,
                        "integration_return_id": record.id,
                        # goods coming back are the client's again (owner on stock)
                        "owner_id": record.channel_id.client_id._hub_stock_owner().id,
                        "move_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": line.product_id.display_name,
                                    "product_id": line.product_id.id,
                                    "product_uom_qty": line.quantity,
                                    "product_uom": line.product_id.uom_id.id,
                                    "location_id": customer.id,
                                    "location_dest_id": quarantine.id,
                                },
                            )
                            for line in record.line_ids
                        ],
                    }
                )
            )
            receipt.action_confirm()
            record._hub_write({"receipt_id": receipt.id})
            record._hub_note(_("Receipt %s prepared into quarantine.", receipt.name))
        return True

    def _on_receipt_done(self):
        for record in self.filtered(lambda r: r.state in (R.AUTHORIZED, R.SHIPPED_BACK)):
            record._hub_write({"received_at": fields.Datetime.now()})
            record._transition(
                R.RECEIVED, _("received into %s", record.warehouse_id.hub_quarantine_location_id.complete_name)
            )
            if record.channel_id.return_owner == "channel" and all(line.instructed_grade for line in record.line_ids):
                record._triage_from_instruction()

    def _triage_from_instruction(self):
        """The returns system's disposition instruction grades the lines."""
        for record in self:
            for line in record.line_ids:
                line._hub_write({"grade": line.instructed_grade})
            record._hub_write({"triage_source": "channel", "triaged_at": fields.Datetime.now()})
            record._transition(R.TRIAGED, _("disposition instruction from %s", record.channel_id.name))
            record._note_overdue_exceptions(
                _("The returns system's instruction triaged the return: this can probably be closed.")
            )

    def _triage_by_manager(self, reason):
        """A manager assigns the grades (the inspected ones): forced triage, audited."""
        self._check_manager(_("triage returns"))
        self._check_hub_reachable()
        if not (reason or "").strip():
            raise UserError(_("A manager's triage needs a reason."))
        for record in self:
            if record.state != R.RECEIVED:
                raise UserError(_("Return %s is not waiting for triage.", record.name))
            missing = record.line_ids.filtered(lambda line: not (line.inspected_grade or line.instructed_grade))
            if missing:
                raise UserError(_("Grade every line first: %s", ", ".join(missing.mapped("product_id.display_name"))))
            before = {line.id: line.instructed_grade for line in record.line_ids}
            for line in record.line_ids:
                line._hub_write({"grade": line.inspected_grade or line.instructed_grade})
            record._hub_write({"triage_source": "manager", "triaged_at": fields.Datetime.now()})
            record.sudo()._transition(
                R.TRIAGED, _("triaged by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
            )
            self.env["integration.audit.log"]._log(
                "forced_state",
                record,
                reason=_("Manual triage: %s", reason),
                before={"instructions": before},
                after={line.product_id.display_name: line.grade for line in record.line_ids},
            )
            record._close_overdue_exceptions(_("Triaged by %s.", self.env.user.name))

    def action_complete(self):
        """Execute each line's disposition; the customer's credit is signalled back to the channel."""
        self._check_manager(_("complete returns"))
        self._check_hub_reachable()
        for record in self.sudo():
            if record.state != R.TRIAGED:
                raise UserError(_("Return %s is not triaged: nothing leaves quarantine before triage.", record.name))
            record._execute_dispositions()
            record._hub_write({"completed_at": fields.Datetime.now(), "credit_to_review": True})
            record._transition(R.COMPLETED)
            self.env["integration.job"]._enqueue(
                record.channel_id,
                "return_status",
                f"return-completed:{record.id}",
                {
                    "return_id": record.external_id,
                    "order_id": record.order_id.external_id,
                    "status": "completed",
                    "lines": [
                        {
                            "sku": line.product_id.default_code,
                            "quantity": line.quantity,
                            "grade": line.grade,
                            "outcome": line.outcome,
                        }
                        for line in record.line_ids
                    ],
                    "credit": "to_issue",
                },
                record=record,
            )
        return True

    def _execute_dispositions(self):
        """sellable -> stock; rework -> rework location; nonconforming -> nonconforming location."""
        warehouse = self.warehouse_id
        warehouse._hub_ensure_return_locations()
        quarantine = warehouse.hub_quarantine_location_id
        destination = {
            "sellable": warehouse.lot_stock_id,
            "rework": warehouse.hub_rework_location_id,
            "nonconforming": warehouse.hub_nonconforming_location_id,
        }
        # what the receipt really brought in, per product: never move more than that out of quarantine
        received = {}
        for move in self.receipt_id.move_ids.filtered(lambda m: m.state == "done"):
            received[move.product_id] = received.get(move.product_id, 0.0) + move.quantity
        by_grade = {}
        for line in self.line_ids:
            quantity = min(line.quantity, received.get(line.product_id, 0.0))
            received[line.product_id] = received.get(line.product_id, 0.0) - quantity
            if quantity > 0:
                by_grade.setdefault(line.grade, []).append((line, quantity))
        pickings = self.env["stock.picking"]
        for grade, lines in by_grade.items():
            moves = [
                {
                    "name": line.product_id.display_name,
                    "product_id": line.product_id.id,
                    "product_uom_qty": quantity,
                    "product_uom": line.product_id.uom_id.id,
                    "location_id": quarantine.id,
                    "location_dest_id": destination[grade].id,
                    # traceable with the hub's other corrections (valuation view, variance report)
                    "hub_correction_kind": "return_disposition",
                    "hub_correction_reason": f"{self.name}: {grade} ({self.reason or ''})".replace(" ()", ""),
                }
                for line, quantity in lines
            ]
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.int_type_id.id,
                    "location_id": quarantine.id,
                    "location_dest_id": destination[grade].id,
                    "origin": f"{self.name} ({grade})",
                    "move_ids": [(0, 0, values) for values in moves],
                }
            )
            picking.action_confirm()
            picking.action_assign()  # reserves what is really in quarantine, nothing more
            picking.move_ids.picked = True
            picking._action_done()
            pickings |= picking
        for line in self.line_ids:
            line._hub_write({"outcome": R.OUTCOMES[line.grade]})
        self._hub_write({"disposition_picking_ids": [(6, 0, pickings.ids)]})
        sellable = self.line_ids.filtered(lambda line: line.grade == "sellable").product_id
        if sellable:
            self.channel_id._republish_products(sellable, _("return %s restocked", self.name))

    def _note_overdue_exceptions(self, note):
        self.env["integration.sync.exception"]._open_about(self, "return_triage")._hub_note(note)

    def _close_overdue_exceptions(self, decision):
        exceptions = self.env["integration.sync.exception"]._open_about(self, "return_triage")
        if exceptions:
            exceptions.with_user(self.env.user)._decide("resolved", decision)  # the triaging manager decides

    @api.model
    def _cron_check_triage_overdue(self):
        """Received without a triage decision past the channel's limit: one exception per return."""
        now = fields.Datetime.now()
        waiting = self.search([("state", "=", R.RECEIVED), ("received_at", "!=", False)])
        for record in waiting.filtered(lambda r: r._triage_deadline() < now):
            self.env["integration.sync.exception"]._open(
                "return_triage",
                _lt("Return %(name)s waits for triage since %(since)s", name=record.name, since=record.received_at),
                _lt(
                    "The goods stay in quarantine until the returns system sends a disposition or a manager assigns "
                    "a grade ('Triage'). Nothing restocks until then."
                ),
                record=record,
                dedupe_key=f"triage:{record.id}",
                once=True,
            )
