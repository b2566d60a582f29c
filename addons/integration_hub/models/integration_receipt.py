from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ..lib import receipt_states as R

_lt = LazyTranslate(__name__)


class IntegrationReceipt(models.Model):
    """An expected receipt (ASN / purchase order to the warehouse) and its guarded way into stock.

    The owner (the channel that sent it) owns it until the goods arrive; the Odoo incoming transfer is
    where operations count and validate; the confirmation (quantities per line, over / short /
    damaged, unexpected items) goes back to the owner through the outbox. lib/receipt_states.py holds
    the table.
    """

    _name = "integration.receipt"
    _description = "Expected receipt"
    # the guarded state first: its rules for who may post notes come before mail.thread's default
    _inherit = ["integration.guarded.state", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _state_table = R
    _not_forceable = frozenset(key for key, _label in R.STATE_SELECTION)
    _hub_fields = frozenset(
        {
            "name",
            "external_id",
            "channel_id",
            "state",
            "supplier_name",
            "supplier_ref",
            "partner_id",
            "expected_date",
            "document_data",
            "validation_problems",
            "arrival_registered_by_id",
            "arrived_at",
            "received_at",
            "confirmed_at",
            "tolerance_pct",
            "beyond_tolerance",
            "confirmation_job_id",
        }
    )
    _hub_fields_hint = _lt(
        "An expected receipt follows its owner's messages and the transfer in Inventory; operations use "
        "'Register arrival', managers 'Release'."
    )

    name = fields.Char(required=True, readonly=True, default=lambda self: self.env._("New"), copy=False)
    external_id = fields.Char(
        string="Reference", required=True, readonly=True, index=True, help="The purchase order or ASN number."
    )
    channel_id = fields.Many2one(
        "integration.channel", string="Owner", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    warehouse_id = fields.Many2one(related="channel_id.warehouse_id")
    state = fields.Selection(
        R.STATE_SELECTION,
        default=R.EXPECTED,
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        group_expand="_group_expand_states",
    )
    supplier_name = fields.Char(string="Supplier", readonly=True)
    supplier_ref = fields.Char(string="Supplier id", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Supplier contact", readonly=True)
    expected_date = fields.Datetime(readonly=True, tracking=True)
    line_ids = fields.One2many("integration.receipt.line", "receipt_id", string="Lines", readonly=True)
    picking_ids = fields.One2many(
        "stock.picking", "integration_receipt_id", string="Transfers", readonly=True, groups="stock.group_stock_user"
    )
    picking_count = fields.Integer(
        string="Number of transfers", compute="_compute_picking_count", groups="stock.group_stock_user"
    )
    document_data = fields.Text(string="Document as applied", readonly=True)
    validation_problems = fields.Text(string="Why it is held", readonly=True)
    arrival_registered_by_id = fields.Many2one("res.users", string="Arrival registered by", readonly=True)
    arrived_at = fields.Datetime(string="Arrived at", readonly=True)
    received_at = fields.Datetime(string="Received at", readonly=True)
    confirmed_at = fields.Datetime(string="Confirmed at", readonly=True)
    tolerance_pct = fields.Float(string="Tolerance applied (%)", readonly=True)
    beyond_tolerance = fields.Boolean(
        string="Differences beyond tolerance", readonly=True, help="Over, short, damaged or unexpected items."
    )
    confirmation_job_id = fields.Many2one("integration.job", string="Confirmation message", readonly=True)
    exception_ids = fields.One2many("integration.sync.exception", compute="_compute_exceptions")
    open_exception_count = fields.Integer(compute="_compute_exceptions")

    _sql_constraints = [
        (
            "channel_external_unique",
            "unique(channel_id, external_id)",
            "This reference already exists for the channel: an expected receipt is received once.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("integration.receipt") or self.env._("New")
        return super().create(vals_list)

    def _compute_picking_count(self):
        for receipt in self:
            receipt.picking_count = len(receipt.picking_ids)

    def _compute_exceptions(self):
        rows = self.env["integration.sync.exception"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        )
        for receipt in self:
            mine = rows.filtered(lambda e, receipt_id=receipt.id: e.res_id == receipt_id)
            receipt.exception_ids = mine
            receipt.open_exception_count = len(mine.filtered(lambda e: e.state == "open"))

    # --- the guards (see integration.guarded.state and lib/receipt_states.py) -----------------------
    def _guard_on_hold_expected(self):
        return self._validation_problems()

    def _guard_expected_arrived(self):
        if self.arrival_registered_by_id or self.picking_ids.move_ids.filtered("picked"):
            return []
        return [self.env._("no line counted on the receipt and no arrival registered")]

    def _guard_arrived_received(self):
        pickings = self.picking_ids
        open_ = pickings.filtered(lambda p: p.state not in ("done", "cancel"))
        if not pickings.filtered(lambda p: p.state == "done"):
            return [self.env._("no transfer validated")]
        return [self.env._("transfer %s is not validated yet", ", ".join(open_.mapped("name")))] if open_ else []

    def _guard_received_confirmed(self):
        job = self.confirmation_job_id
        if not job or job.state == "done":
            return []
        return [self.env._("the confirmation message %s is not delivered yet", job.idempotency_key)]

    # --- actions ----------------------------------------------------------------------------------
    def action_register_arrival(self):
        """Operations at the dock: the goods of this expected receipt are here (evidence for 'Arrived')."""
        self._check_operations(self.env._("register the arrival of goods"))
        self._check_hub_reachable()
        for receipt in self:
            if receipt.state != R.EXPECTED:
                raise UserError(
                    self.env._(
                        "%(receipt)s is %(state)s: only an expected receipt can arrive.",
                        receipt=receipt.display_name,
                        state=receipt._state_label(receipt.state),
                    )
                )
            receipt._hub_write({"arrival_registered_by_id": self.env.uid})
            receipt._mark_arrived(self.env._("arrival registered by %s", self.env.user.name))
        return True

    def action_release(self):
        """A manager releases a held receipt once its lines are right (e.g. after an equivalence was added)."""
        self._check_manager(self.env._("release held receipts"))
        self._check_hub_reachable()
        for receipt in self:
            if receipt.state != R.ON_HOLD:
                raise UserError(self.env._("%s is not on hold.", receipt.display_name))
            receipt.sudo()._resolve_lines()  # an equivalence or a catalog step may have come since
            # the guard names what is still missing when the lines are not right yet
            receipt._transition(R.EXPECTED, self.env._("released by %s", self.env.user.name))
            receipt.sudo()._sync_transfer()
            receipt._hub_write({"validation_problems": False})
            receipt.sudo()._close_hold_exceptions(
                self.env._("Released by %s: every line can be received.", self.env.user.name)
            )
        return True

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("integration_receipt_id", "=", self.id)]
        action["context"] = {}
        if len(self.picking_ids) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.picking_ids.id)
        return action

    def action_view_exceptions(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("integration_hub.action_integration_sync_exception")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        action["context"] = {}
        return action
