from contextvars import ContextVar
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ..lib import order_states as S
from ..lib.hub_privilege import MANAGER_RELEASE, granted, is_granted
from .personal_data_fields import PersonalChar, PersonalText

_lt = LazyTranslate(__name__)

# who sees a customer's delivery data in clear: the roles that ship (Finance / reporting sees names and cities)
DELIVERY_ROLES = "integration_hub.group_hub_operations"

# (order id, notes) of the pipeline run in progress: its steps become one chatter note (see _run_pipeline).
# In-process only: a context key could be sent by an RPC client and swallow the notes.
PIPELINE_NOTES = ContextVar("integration_order_pipeline_notes", default=(None, None))


class IntegrationChannelOrder(models.Model):
    """An order as the channel sent it, and its guarded way to the customer.

    The channel owns the order until it is released to the warehouse; every
    transition waits for its evidence (see lib/order_states.py for the table).
    """

    _name = "integration.channel.order"
    _description = "Channel order"
    # the guarded state first: its rules for who may post notes come before mail.thread's default
    _inherit = ["integration.guarded.state", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _state_table = S
    _not_forceable = S.NOT_FORCEABLE  # validated / accepted: the hub validates and allocates itself
    # the carrier's proof of pickup is evidence of the packed -> dispatched guard
    _hub_fields = frozenset({"state", "carrier_receipt_ref", "tracking_number", "dispatched_at", "delivered_at"})
    _hub_fields_hint = _lt(
        "An order moves on its evidence; managers use Release, Carrier pickup (manual) "
        "or Force state (reason, audited)."
    )

    name = fields.Char(string="Order", required=True, readonly=True, tracking=True)
    external_id = fields.Char(
        required=True, readonly=True, index=True, help="The order id in the channel: unique, immutable."
    )
    channel_id = fields.Many2one("integration.channel", required=True, readonly=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    warehouse_id = fields.Many2one(related="channel_id.warehouse_id")
    state = fields.Selection(
        S.STATE_SELECTION,
        default=S.RECEIVED,
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        group_expand="_group_expand_states",
    )
    manual_entry = fields.Boolean(readonly=True, help="Typed in by the warehouse team (fallback path).")

    placed_at = fields.Datetime(readonly=True)
    source_updated_at = fields.Datetime(string="Updated in source at", readonly=True)
    received_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    accepted_at = fields.Datetime(readonly=True)
    lag_received_seconds = fields.Float(
        compute="_compute_lags",
        store=True,
        string="Order lag (s)",
        help="Placed in the channel to received in the warehouse.",
    )
    lag_accepted_seconds = fields.Float(compute="_compute_lags", store=True, string="Acceptance lag (s)")

    financial_status = fields.Char(readonly=True, tracking=True)
    # personal data, encrypted at rest (README "Personal data"); city, state and country stay in clear:
    # the territory, carrier and service rules read them, and alone they name nobody
    customer_name = PersonalChar(readonly=True)
    customer_email = PersonalChar(groups=DELIVERY_ROLES, readonly=True)
    customer_phone = PersonalChar(groups=DELIVERY_ROLES, readonly=True)
    vat = PersonalChar(groups=DELIVERY_ROLES, string="VAT id", readonly=True)
    ship_name = PersonalChar(groups=DELIVERY_ROLES, string="Ship to", readonly=True)
    # personal data: never copied into chatter tracking (an edit's note names the fields, not the values)
    ship_company = PersonalChar(
        groups=DELIVERY_ROLES, string="Company (ship to)", readonly=True, help="The company at the delivery address."
    )
    ship_street = PersonalChar(groups=DELIVERY_ROLES, readonly=True)
    ship_street2 = PersonalChar(groups=DELIVERY_ROLES, readonly=True)
    ship_zip = PersonalChar(groups=DELIVERY_ROLES, readonly=True)
    ship_city = fields.Char(readonly=True)
    ship_state = fields.Char(readonly=True)
    ship_country_code = fields.Char(readonly=True)
    ship_phone = PersonalChar(groups=DELIVERY_ROLES, string="Phone as sent", readonly=True)
    phone_e164 = PersonalChar(groups=DELIVERY_ROLES, string="Phone (E.164)", readonly=True)
    service_level = fields.Char(
        string="Shipping method as sent", readonly=True, help="The channel's shipping method or service, as sent."
    )
    # gift message, personalisation (an engraved name), buyer's note: personal data, never tracked in the chatter;
    # copied into the sale order's and transfers' notes while the order is open (emptied with the order's data)
    special_handling = PersonalText(readonly=True)
    cancel_reason = fields.Char(readonly=True)

    line_ids = fields.One2many("integration.channel.order.line", "order_id", readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True, index=True, copy=False)
    picking_ids = fields.One2many(related="sale_order_id.picking_ids", string="Transfers")
    validation_problems = fields.Text(readonly=True, help="Why the order was put on hold, as found then.")
    hold_reasons = fields.Text(
        compute="_compute_hold_reasons", help="Why an order on hold cannot be released now (data and stock)."
    )
    ready_to_release = fields.Boolean(
        compute="_compute_hold_reasons",
        search="_search_ready_to_release",
        help="On hold, and the data and the stock are now there: a manager may release it.",
    )

    last_pick_activity_at = fields.Datetime(readonly=True)
    carrier_receipt_ref = fields.Char(readonly=True, tracking=True)
    tracking_number = fields.Char(readonly=True, tracking=True)
    dispatched_at = fields.Datetime(readonly=True)
    delivered_at = fields.Datetime(readonly=True)

    exception_ids = fields.One2many("integration.sync.exception", compute="_compute_exceptions")
    open_exception_count = fields.Integer(compute="_compute_exceptions")

    _sql_constraints = [
        (
            "channel_external_id_unique",
            "unique(channel_id, external_id)",
            "This order id already exists on this channel: an order is received once.",
        ),
    ]

    @api.depends("placed_at", "received_at", "accepted_at")
    def _compute_lags(self):
        for order in self:
            order.lag_received_seconds = (
                max(0.0, (order.received_at - order.placed_at).total_seconds())
                if order.placed_at and order.received_at
                else 0.0
            )
            order.lag_accepted_seconds = (
                (order.accepted_at - order.received_at).total_seconds()
                if order.accepted_at and order.received_at
                else 0.0
            )

    def _compute_hold_reasons(self):
        """The reasons as they stand now: the data as last received and today's free stock.

        Release checks the same two lists (see action_release).
        """
        held = self.filtered(lambda order: order.state == S.ON_HOLD)
        figures = held.sudo()._stock_figures()  # one stock query per channel, not per order
        for order in self:
            # sudo: the reasons read the delivery data, which Finance may not open; they never quote it
            reasons = order.sudo()._release_problems(figures.get(order.channel_id.id)) if order in held else []
            order.hold_reasons = "\n".join(reasons) or False
            order.ready_to_release = order.state == S.ON_HOLD and not reasons

    def _search_ready_to_release(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Filter 'Ready to release' with = or != and a yes/no value."))
        held = self.search([("state", "=", S.ON_HOLD)])
        ready = held.filtered("ready_to_release")
        positive = (operator == "=") == value
        return [("id", "in", ready.ids)] if positive else [("id", "not in", ready.ids)]

    def _release_problems(self, figures=None):
        """Everything that still stops this order: invalid data, then missing stock.

        ``figures``: the stock already read for many orders (see _stock_figures).
        """
        problems = self._validation_problems()
        return problems + self.sudo()._stock_problems(figures)

    def _compute_exceptions(self):
        """The order's exceptions, and those about its transfers (a carrier rule, an incomplete shipment)."""
        pickings = self.sudo().picking_ids
        groups = self.env["integration.sync.exception"].search(
            [
                "|",
                "&",
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                "&",
                ("res_model", "=", "stock.picking"),
                ("res_id", "in", pickings.ids),
            ]
        )
        for order in self:
            transfers = order.sudo().picking_ids.ids
            mine = groups.filtered(
                lambda e, o=order, t=transfers: (
                    (e.res_model == o._name and e.res_id == o.id) or (e.res_model == "stock.picking" and e.res_id in t)
                )
            )
            order.exception_ids = mine
            order.open_exception_count = len(mine.filtered(lambda e: e.state == "open"))

    # --- the state machine (see integration.guarded.state) -----------------------------
    def _before_transition(self, current, target, forced):
        if forced and target == S.CANCELLED:
            self.sudo()._release_allocation()  # a cancelled order keeps no reserved stock
        if current == S.ON_HOLD:
            self.sudo().validation_problems = False  # held no more: the old reasons would mislead

    def _note_transition(self, body, forced):
        order_id, notes = PIPELINE_NOTES.get()
        if order_id == self.id and not forced:
            notes.append(body)  # the pipeline posts its steps as one note (see _run_pipeline)
        else:
            super()._note_transition(body, forced)

    # --- guards: each returns the missing evidence, [] when satisfied ----------
    def _guard_received_validated(self):
        return self._validation_problems()

    def _guard_validated_accepted(self):
        missing = self._valid_to_pick_missing()
        if not self.sale_order_id or self.sale_order_id.state != "sale":
            missing.append(_("no confirmed sale order"))
        elif not self._delivery_reserved():
            missing.append(_("the delivery is not reserved"))
        return missing

    def _guard_accepted_picking(self):
        return [] if self._warehouse_evidence()["started"] else [_("no pick line started")]

    def _guard_picking_picked(self):
        return [] if self._warehouse_evidence()["picked"] else [_("pick lines still open")]

    def _guard_picked_packed(self):
        return [] if self._warehouse_evidence()["packed"] else [_("goods not packed and staged")]

    def _guard_packed_dispatched(self):
        missing = []
        if not self.carrier_receipt_ref:
            missing.append(_("carrier receipt reference"))
        if not self.tracking_number:
            missing.append(_("tracking number"))
        if not self.dispatched_at:
            missing.append(_("pickup timestamp"))
        return missing

    def _guard_on_hold_received(self):
        # granted only inside action_release, after the manager's role and the re-validation
        return [] if is_granted(MANAGER_RELEASE) else [_("a manager's release decision")]

    # --- manager actions --------------------------------------------------
    def action_release(self):
        """A manager's explicit decision: re-validate and, if clean, go on."""
        self._check_manager(_("release orders on hold"))
        self._check_hub_reachable()
        for order in self:
            if order.state != S.ON_HOLD:
                raise UserError(_("Order %s is not on hold.", order.name))
            problems = order._release_problems()
            if problems:
                raise UserError(
                    _(
                        "Order %(order)s cannot be released yet. Still wrong: %(problems)s",
                        order=order.name,
                        problems="; ".join(problems),
                    )
                )
            with granted(MANAGER_RELEASE):
                order._transition(S.RECEIVED, _("released by a manager"))
            order._close_hold_exceptions(_("Released by %s after re-validation.", self.env.user.name))
            # from here on the hub allocates stock itself, whatever the manager's own stock rights
            order.sudo()._run_pipeline()
        return True

    def action_open_force_state(self):
        self._check_manager(_("force a state change"))
        return self._wizard("integration.order.force.state", _("Force state"))

    def action_open_carrier_pickup(self):
        self._check_manager(_("confirm a carrier pickup manually"))
        return self._wizard("integration.order.carrier.pickup", _("Carrier pickup"))

    def _wizard(self, model, title):
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_view_sale_order(self):
        """The sale order that allocates the stock: Odoo's own form for sales users, else the hub's
        read-only one (the hub roles read sale orders, not their quotations, pricing or options)."""
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window",
            "name": _("Sale order"),
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            action["views"] = [(self.env.ref("integration_hub.sale_order_view_form_hub").id, "form")]
        return action

    def _record_carrier_pickup(self, receipt_ref, tracking_number, picked_up_at, source_note):
        """Carrier proof of pickup closes the warehouse's responsibility: packed -> dispatched."""
        for order in self:
            order._hub_write(
                {
                    "carrier_receipt_ref": receipt_ref,
                    "tracking_number": tracking_number,
                    "dispatched_at": picked_up_at,
                }
            )
            order._transition(S.DISPATCHED, source_note)
            order._queue_fulfillment()
            order._queue_dispatched_status(receipt_ref, tracking_number, picked_up_at)

    def _record_later_shipment(self, pickings, receipt_ref, tracking_number, picked_up_at):
        """A backorder left with the carrier after the order was dispatched: tell the channel (once per shipment).

        The order's own state follows its first shipment; the shipment's own lines are fulfilled.
        """
        for order in self:
            order._hub_note(
                _(
                    "Later shipment %(pickings)s handed to the carrier: tracking %(tracking)s.",
                    pickings=", ".join(pickings.mapped("name")),
                    tracking=tracking_number,
                )
            )
            shipment = "-".join(map(str, sorted(pickings.ids)))
            self.env["integration.job"].sudo()._enqueue(
                order.channel_id,
                "order_status",
                f"later-shipment:{order.channel_id.code}:{order.external_id}:{shipment}",
                {
                    "order_id": order.external_id,
                    "status": "partially_shipped",
                    "tracking_number": tracking_number,
                    "carrier_receipt": receipt_ref,
                    "at": fields.Datetime.to_string(picked_up_at),
                },
                record=order,
            )
            order._queue_fulfillment(pickings, tracking_number)

    def _apply_carrier_status(self, status, at=None, note=None):
        """Carrier events move a dispatched order forward, never backwards."""
        order_rank = {state: rank for rank, state in enumerate(S.FLOW)}
        for order in self:
            if order.state not in (S.DISPATCHED, S.IN_TRANSIT, S.DELIVERED):
                continue
            if order_rank[status] <= order_rank[order.state]:
                continue  # an old or repeated event
            if status == S.DELIVERED:
                order._hub_write({"delivered_at": at or fields.Datetime.now()})
            order._transition(status, note)

    # --- control point: stuck picking -------------------------------------
    @api.model
    def _cron_check_stuck_picking(self):
        """One exception per stuck period: no pick activity for the channel's limit (4 h)."""
        now = fields.Datetime.now()
        for order in self.search([("state", "=", S.PICKING)]):
            last = order.last_pick_activity_at or order.accepted_at or order.write_date
            if last and now - last >= timedelta(hours=order.channel_id.stuck_picking_hours or 4.0):
                self.env["integration.sync.exception"]._open(
                    "stuck_picking",
                    _lt(
                        "Order %(order)s: no pick activity for %(hours)s h",
                        order=order.name,
                        hours=order.channel_id.stuck_picking_hours,
                    ),
                    _lt(
                        "The order is in picking but nothing was picked since %(since)s. Either it never reached the "
                        "pick queue (system failure) or it was not actually released to pick (operational failure). "
                        "Check the transfers %(pickings)s and the picker's queue.",
                        since=last,
                        pickings=", ".join(order.picking_ids.mapped("name")) or "-",
                    ),
                    record=order,
                    dedupe_key=f"stuck:{order.id}:{fields.Datetime.to_string(last)}",
                    once=True,
                )


class IntegrationChannelOrderPrivacy(models.Model):
    """Customers' addresses, phones and e-mails are personal data: who read them is logged, and the
    chatter never keeps a copy of them (README, "Personal data")."""

    _name = "integration.channel.order"
    _inherit = ["integration.channel.order", "integration.personal.data"]

    # delivery data: reading any of these is logged (names and cities show on cards and lists: not logged)
    _personal_data_fields = frozenset(
        {
            "customer_email",
            "customer_phone",
            "vat",
            "ship_name",
            "ship_company",
            "ship_street",
            "ship_street2",
            "ship_zip",
            "ship_phone",
            "phone_e164",
            "special_handling",
        }
    )
    _hub_fields = IntegrationChannelOrder._hub_fields | {"closed_at"}

    closed_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the order was delivered or cancelled: the retention period of its personal data starts here.",
    )

    def _before_transition(self, current, target, forced):
        super()._before_transition(current, target, forced)
        closed = target in (S.DELIVERED, S.CANCELLED)
        if closed != bool(self.closed_at):
            self._hub_write({"closed_at": fields.Datetime.now() if closed else False})

    # personal data as a whole: never copied into chatter notes or tracking (an edit names the field)
    _PERSONAL_FIELDS = _personal_data_fields | {"customer_name", "ship_city", "ship_state", "ship_country_code"}

    def _order_contacts(self):
        """The Odoo contacts the hub created for these orders (customer and delivery addresses)."""
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("integration_order_id", "in", self.ids)])
        )
