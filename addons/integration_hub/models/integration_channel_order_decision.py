from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools.translate import LazyTranslate

from ..lib import order_states as S
from ..lib import order_validation as V
from .integration_channel_order import IntegrationChannelOrder

_lt = LazyTranslate(__name__)

DECIDED_JOB_STATES = ("done", "confirmed")


class IntegrationChannelOrderDecision(models.Model):
    """Orders a channel wants accepted or refused, line by line, before a deadline (marketplaces).

    The order document says so with ``decision_deadline`` (and ``address_pending`` when the channel sends
    the delivery address only after acceptance). The hub decides as soon as it holds the stock: every
    line it can serve is accepted; a line it cannot serve is refused (channel policy *Cancel unavailable
    lines* and a channel that takes partial refusals), else the order waits on hold for a manager. The
    decision goes out as the ``acknowledge`` duty (Mirakl OR21). A control point warns before the
    deadline; a channel that refuses the order first (auto-refusal) is shown and its stock released.
    """

    _inherit = "integration.channel.order"

    decision_deadline = fields.Datetime(
        string="Decide before",
        readonly=True,
        help="The channel refuses the order by itself if the warehouse has not accepted it by then.",
    )
    address_pending = fields.Boolean(
        string="Address follows acceptance",
        readonly=True,
        help="The channel sends the delivery address once the order is accepted: the order waits for it.",
    )
    decision = fields.Selection(
        [("accepted", "Accepted"), ("partial", "Accepted in part"), ("refused", "Refused")],
        string="Warehouse decision",
        readonly=True,
        copy=False,
    )
    decided_at = fields.Datetime(readonly=True, copy=False)

    # the warehouse's decision is the hub's own record: never written by hand or over RPC
    _hub_fields = IntegrationChannelOrder._hub_fields | {"decision", "decided_at"}
    # not edits: the deadline and the address flag move with the channel's own state
    _SILENT_FIELDS = ("source_updated_at", "financial_status", "decision_deadline", "address_pending")

    @api.model
    def _values_from_document(self, doc):
        values = {**super()._values_from_document(doc), "address_pending": doc.address_pending}
        if doc.decision_deadline:  # a later version (accepted, shipping) names none: the deadline stays shown
            values["decision_deadline"] = doc.decision_deadline
        return values

    def _awaits_decision(self):
        self.ensure_one()
        return bool(self.decision_deadline) and not self.decision and self.state != S.CANCELLED

    # --- the decision ------------------------------------------------------------------------
    def _valid_to_pick_missing(self):
        missing = super()._valid_to_pick_missing()
        if self.address_pending:
            missing.append(_("the delivery address (the channel sends it once the order is accepted)"))
        return missing

    def _free_quantities(self, products):
        """For a decision, the units other orders already hold do not count as free: two orders
        waiting for the same last unit are never both accepted."""
        if not self._awaits_decision():
            return super()._free_quantities(products)
        channel = self.channel_id.sudo()
        free, held = channel._free_stock(products), channel._held_demand(products.ids, {})
        if self.state in (S.VALIDATED, S.ON_HOLD):  # its own demand is among the held: not another order's
            for product_id, parts in self._component_demand().items():
                held[product_id] -= sum(units for _line, units in parts)
        return {product_id: free[product_id] - max(0.0, held.get(product_id, 0.0)) for product_id in free}

    def _try_accept(self):
        """An order waiting for the warehouse's decision is decided on its stock first (it is not paid
        before it is accepted), then waits for payment and address like any other."""
        self.ensure_one()
        if self._awaits_decision() and not self._decide():
            return
        if not self.address_pending and self.ship_phone and not self.phone_e164:
            try:  # the address came after acceptance: its phone is normalized now
                self.phone_e164 = V.normalize_phone(self.ship_phone, self.ship_country_code)
            except ValueError:
                pass
        return super()._try_accept()

    def _decide(self):
        """Accept the lines the stock covers; refuse the others when the channel allows it. False: stopped."""
        channel, shortages = self.channel_id, self._stock_problems()
        if not shortages:
            self._record_decision("accepted")
            return True
        short = {line for _need, _free, parts in self._shortages().values() for line, _units in parts}
        everything_short = set(self._warehouse_lines()) <= short  # refusing a whole order is always allowed
        if channel.partial_policy != "cancel_lines" or not (channel.partial_refusal or everything_short):
            why = (
                _("the channel does not take a refusal of some lines only")
                if channel.partial_policy == "cancel_lines"
                else _("the channel's policy holds the whole order")
            )
            self._hold(
                [*shortages, _("not decided: %s; decide before %s", why, self.decision_deadline)],
                _lt("Order %s is on hold: not enough stock to accept it", self.name),
            )
            return False
        self._cancel_unavailable_lines()
        if not self._warehouse_lines():
            self._record_decision("refused")
            self._cancel(_("refused: no line could be served"))
            return False
        self._record_decision("partial")
        return True

    def _before_transition(self, current, target, forced):
        super()._before_transition(current, target, forced)
        if forced and target == S.CANCELLED and self._awaits_decision():
            self._record_decision("refused")  # a manager cancels an undecided order: the channel is told it is refused

    def _record_decision(self, decision):
        self._hub_write({"decision": decision, "decided_at": fields.Datetime.now()})
        self._queue_acknowledgement()

    def _queue_acknowledgement(self):
        """Nothing to tell a channel that waits for a decision until the hub has made it."""
        self.ensure_one()
        if self.decision_deadline and not self.decision:
            return self.env["integration.job"]
        return super()._queue_acknowledgement()

    def _decision_delivered(self):
        self.ensure_one()
        return bool(
            self.decision
            and self.env["integration.job"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("job_type", "=", "acknowledge"),
                    ("state", "in", DECIDED_JOB_STATES),
                ]
            )
        )

    # --- the channel decided first -------------------------------------------------------------
    def _apply_channel_message(self, doc, kind, data):
        undecided = kind == "cancelled" and self.decision_deadline and self.state != S.CANCELLED
        undecided = undecided and not self._decision_delivered()
        result = super()._apply_channel_message(doc, kind, data)
        if kind == "cancelled" and self.state == S.CANCELLED and doc.cancel_reason and not self.cancel_reason:
            self.sudo().cancel_reason = doc.cancel_reason  # shown on the order (e.g. an operator's auto-refusal)
        if undecided and self.state == S.CANCELLED:
            self.env["integration.sync.exception"]._open(
                "decision_deadline",
                _lt("Order %s was refused by the channel before the warehouse decided", self.name),
                _lt(
                    "%(channel)s cancelled or refused the order (%(reason)s) while the warehouse's decision had not "
                    "reached it (deadline %(deadline)s). Its stock is released. An auto-refusal counts against the "
                    "seller's rating on the marketplace: check why the order was not decided in time (stock, data, "
                    "the outbox) and tell the seller.",
                    channel=self.channel_id.name,
                    reason=doc.cancel_reason or _("no reason given"),
                    deadline=self.decision_deadline,
                ),
                record=self,
                severity="critical",
                dedupe_key=f"refused-first:{self.id}",
            )
        return result

    # --- control point ------------------------------------------------------------------------
    @api.model
    def _cron_check_decision_deadlines(self):
        """One exception per order whose decision has not reached the channel when its deadline is near."""
        now = fields.Datetime.now()
        orders = self.sudo().search(
            [("decision_deadline", "!=", False), ("state", "!=", S.CANCELLED), ("decision_deadline", ">", now)]
        )
        for order in orders:
            margin = timedelta(hours=order.channel_id.decision_warning_hours or 0.0)
            if order.decision_deadline - margin > now or order._decision_delivered():
                continue
            self.env["integration.sync.exception"]._open(
                "decision_deadline",
                _lt(
                    "Order %(order)s must be accepted or refused before %(deadline)s",
                    order=order.name,
                    deadline=order.decision_deadline,
                ),
                _lt(
                    "%(channel)s refuses the order by itself at %(deadline)s and the warehouse's decision has not "
                    "reached it (%(why)s). What to do: if the stock is there, release the order (it is accepted at "
                    "once); if the decision is stuck in the outbox, retry it; otherwise refuse it in %(channel)s.",
                    channel=order.channel_id.name,
                    deadline=order.decision_deadline,
                    why=order.validation_problems
                    or (order.decision and _("its message is not delivered yet"))
                    or _("not decided"),
                ),
                record=order,
                severity="critical",
                dedupe_key=f"decision-deadline:{order.id}",
                once=True,
            )
