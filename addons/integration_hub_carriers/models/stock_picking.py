import re
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.integration_hub.lib import order_states as OS

from ..lib import shipment_states as S
from ..lib.shipment import LabelNotCreated

# shipment state -> the channel order state it asks for (the channel is told once per step)
ORDER_STEP = {S.HANDED_TO_CARRIER: OS.DISPATCHED, S.IN_TRANSIT: OS.IN_TRANSIT, S.DELIVERED: OS.DELIVERED}
TRACKED_STATES = (S.STAGED, S.HANDED_TO_CARRIER, S.IN_TRANSIT, S.DELIVERY_FAILED)
# the carrier's evidence of a shipment: written only by the hub's own code (sudo), never by hand
EVIDENCE_FIELDS = frozenset(
    {
        "hub_shipment_state",
        "hub_carrier_receipt_ref",
        "hub_handed_at",
        "hub_handover_manual",
        "hub_carrier_confirmed_at",
        "hub_last_carrier_event_at",
        "hub_delivered_at",
        "hub_labelled_at",
    }
)
TRACKING_SEPARATORS = re.compile(r"[\s,;]+")


def split_tracking(reference):
    """The tracking numbers of a ``carrier_tracking_ref`` (several are separated by commas or spaces)."""
    return [number for number in TRACKING_SEPARATORS.split(reference or "") if number]


class StockPicking(models.Model):
    """The shipment lifecycle of an outgoing transfer (lib/shipment_states.py is the table).

    Validating the transfer stages the goods at the dock; the shipment is
    handed to the carrier only with carrier proof (receipt reference, tracking
    number, timestamp) and moves on only with carrier events, never backwards.

    Only the deliveries of a hub channel order (``hub_channel_id`` set) take
    part: ordinary Odoo deliveries are left alone.
    """

    _inherit = "stock.picking"

    hub_shipment_state = fields.Selection(
        S.STATE_SELECTION, string="Shipment", readonly=True, copy=False, index=True, tracking=True
    )
    hub_carrier_receipt_ref = fields.Char(string="Carrier receipt reference", readonly=True, copy=False, tracking=True)
    hub_handed_at = fields.Datetime(string="Handed to carrier at", readonly=True, copy=False)
    hub_handover_manual = fields.Boolean(string="Handover entered by hand", readonly=True, copy=False)
    hub_carrier_confirmed_at = fields.Datetime(
        string="Carrier confirmed at", readonly=True, copy=False, help="First carrier scan of the goods."
    )
    hub_last_carrier_event_at = fields.Datetime(string="Last carrier event at", readonly=True, copy=False)
    hub_delivered_at = fields.Datetime(string="Delivered at", readonly=True, copy=False)
    hub_labelled_at = fields.Datetime(string="Label created at", readonly=True, copy=False)
    hub_service_code = fields.Char(string="Carrier service code", copy=False, help="Chosen by the service rules.")
    hub_channel_id = fields.Many2one(
        "integration.channel",
        related="sale_id.integration_order_id.channel_id",
        string="Hub channel",
        store=True,
        index="btree_not_null",
        help="The channel of the hub order this transfer delivers; empty for ordinary Odoo deliveries.",
    )

    def send_to_shipper(self):
        """Odoo posts "Shipment sent to carrier … tracking number …" whatever the carrier answered.

        For the hub's connectors a failed label posts nothing of the kind: the failure is already
        an exception and a note on the transfer, and no message may claim a shipment that did not happen.
        """
        self.ensure_one()
        if not self.carrier_id.hub_connector:
            return super().send_to_shipper()
        try:
            return super(StockPicking, self.with_context(hub_label_must_exist=True)).send_to_shipper()
        except LabelNotCreated:
            return False

    def _hub_shipments(self):
        """The outgoing transfers of hub channel orders: the only ones in the shipment lifecycle."""
        return self.filtered(lambda p: p.picking_type_code == "outgoing" and p.hub_channel_id)

    # --- staging -------------------------------------------------------------
    def _action_done(self):
        result = super()._action_done()
        outgoing = self._hub_shipments().filtered(lambda p: not p.hub_shipment_state)
        if outgoing:
            outgoing.sudo()._hub_stage()
        return result

    def _hub_stage(self):
        """Goods validated out of stock are staged at the dock: nothing more until the carrier has them."""
        for picking in self:
            picking.with_context(hub_shipment_transition=True).write({"hub_shipment_state": S.STAGED})
            picking.message_post(body=_("Shipment staged at the dock: it waits for carrier proof of receipt."))
        self._hub_check_incomplete()

    @api.model
    def _hub_check_evidence_write(self, vals):
        """The carrier's evidence is the hub's to record: a stock user cannot enter or clear it by hand."""
        touched = EVIDENCE_FIELDS.intersection(vals)
        if touched and not self.env.su:
            raise AccessError(
                _(
                    "%(fields)s: recorded only by the Integration Hub from the carrier's evidence (or a manager's "
                    "handover), never entered by hand.",
                    fields=", ".join(sorted(self._fields[name]._description_string(self.env) for name in touched)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._hub_check_evidence_write(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._hub_check_evidence_write(vals)
        if "hub_shipment_state" in vals and not self.env.context.get("hub_shipment_transition"):
            raise UserError(_("A shipment's state changes only through carrier evidence or a manager's handover."))
        result = super().write(vals)
        if vals.get("carrier_id"):
            self._hub_shipments()._hub_close_incomplete()
        return result

    # --- the state machine -------------------------------------------------------
    def _hub_state_label(self, state):
        """The shipment state's label in the user's language."""
        labels = dict(self._fields["hub_shipment_state"]._description_selection(self.env))
        return labels.get(state) or S.label(state)

    def _hub_guard(self, current, target):
        """The missing evidence for current -> target ([] when satisfied)."""
        missing = []
        if (current, target) == (S.STAGED, S.HANDED_TO_CARRIER):
            if not self.carrier_id:
                missing.append(_("a carrier assigned"))
            if not self.hub_carrier_receipt_ref:
                missing.append(_("carrier receipt reference"))
            if not self.carrier_tracking_ref:
                missing.append(_("tracking number"))
            if not self.hub_handed_at:
                missing.append(_("handover timestamp"))
        return missing

    def _hub_transition(self, target, note):
        self.ensure_one()
        current = self.hub_shipment_state
        if not S.is_allowed(current, target):
            raise UserError(
                _(
                    "Shipment %(picking)s cannot go from %(from)s to %(to)s.",
                    picking=self.name,
                    **{
                        "from": self._hub_state_label(current) if current else _("not staged"),
                        "to": self._hub_state_label(target),
                    },
                )
            )
        missing = self._hub_guard(current, target)
        if missing:
            raise UserError(
                _(
                    "Shipment %(picking)s stays %(from)s: %(to)s needs %(evidence)s. Missing: %(missing)s.",
                    picking=self.name,
                    evidence=S.required_evidence(current, target),
                    missing="; ".join(missing),
                    **{"from": self._hub_state_label(current), "to": self._hub_state_label(target)},
                )
            )
        values = {"hub_shipment_state": target}
        if target == S.DELIVERED:
            values["hub_delivered_at"] = self.env.context.get("hub_event_at") or fields.Datetime.now()
        self.with_context(hub_shipment_transition=True).write(values)
        self.message_post(
            body=_(
                "Shipment %(previous)s → %(target)s: %(note)s",
                previous=self._hub_state_label(current),
                target=self._hub_state_label(target),
                note=note,
            )
        )
        self._hub_follow_order(target, note)

    def _hub_follow_order(self, target, note):
        """The channel order follows the shipment; the channel is told once per step, only now."""
        order = self.sale_id.integration_order_id.sudo()
        step = ORDER_STEP.get(target)
        if not order or not step:
            return
        before = order.state
        at = self.env.context.get("hub_event_at") or fields.Datetime.now()
        if target == S.HANDED_TO_CARRIER:
            if self.backorder_id and order.state in (OS.DISPATCHED, OS.IN_TRANSIT, OS.DELIVERED):
                order._record_later_shipment(
                    self, self.hub_carrier_receipt_ref, self.carrier_tracking_ref, self.hub_handed_at
                )
                return
            if order.state != OS.PACKED:
                order.message_post(
                    body=_(
                        "%(picking)s handed to the carrier while the order is %(state)s.",
                        picking=self.name,
                        state=before,
                    )
                )
                return
            order._record_carrier_pickup(
                self.hub_carrier_receipt_ref, self.carrier_tracking_ref, self.hub_handed_at, note
            )
        else:
            order._apply_carrier_status(step, at, note)
        if order.state == step and before != step:
            self.env["integration.job"].sudo()._enqueue(
                order.channel_id,
                "order_status",
                f"shipment:{order.channel_id.code}:{order.external_id}:{step}",
                {
                    "order_id": order.external_id,
                    "status": step,
                    "at": fields.Datetime.to_string(at),
                    "carrier": self.carrier_id.name,
                    "tracking_number": self.carrier_tracking_ref,
                    "tracking_url": self.carrier_tracking_url or None,
                    "carrier_receipt_ref": self.hub_carrier_receipt_ref,
                },
                record=order,
            )

    def _hub_hand_over(self, receipt_ref, tracking_number, handed_at, note, manual=False):
        """staged -> handed_to_carrier with the carrier's proof (scan event or a manager's entry)."""
        self.ensure_one()
        values = {
            "hub_carrier_receipt_ref": (receipt_ref or "").strip() or False,
            "hub_handed_at": handed_at,
            "hub_handover_manual": manual,
        }
        if tracking_number and not self.carrier_tracking_ref:
            values["carrier_tracking_ref"] = tracking_number.strip()
        self.write(values)
        self.with_context(hub_event_at=handed_at)._hub_transition(S.HANDED_TO_CARRIER, note)

    # --- manual handover (manager) ----------------------------------------------------
    def _hub_check_manager(self, what):
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can %s.", what))

    def action_hub_open_handover(self):
        self.ensure_one()
        self._hub_check_manager(_("record a carrier handover by hand"))
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": _("Handover to carrier"),
            "res_model": "integration.shipment.handover",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id, "default_tracking_number": self.carrier_tracking_ref},
        }

    def _hub_manual_handover(self, receipt_ref, tracking_number, handed_at, reason):
        """A manager's entry when the carrier's own confirmation is unavailable: audited, and reviewed."""
        self.ensure_one()
        self._hub_check_manager(_("record a carrier handover by hand"))
        self.check_access("read")  # a transfer of the manager's own companies
        if not (reason or "").strip():
            raise UserError(_("A manual handover needs a reason."))
        if not ((receipt_ref or "").strip() and (tracking_number or self.carrier_tracking_ref or "").strip()):
            raise UserError(_("A handover needs the carrier's receipt reference and the tracking number."))
        before = self.hub_shipment_state
        picking = self.sudo()
        picking._hub_hand_over(
            receipt_ref,
            tracking_number,
            handed_at,
            _("handover entered by %(user)s: %(reason)s", user=self.env.user.name, reason=reason),
            manual=True,
        )
        self.env["integration.audit.log"]._log(
            "forced_state",
            self,
            reason=reason,
            before={"hub_shipment_state": before},
            after={
                "hub_shipment_state": picking.hub_shipment_state,
                "carrier_receipt_ref": picking.hub_carrier_receipt_ref,
                "tracking_number": picking.carrier_tracking_ref,
                "handed_at": handed_at,
            },
        )
        picking._hub_open_exception(
            "manual_entry",
            _("%s: handover to the carrier entered by hand", self.name),
            _(
                "%(user)s recorded receipt %(ref)s / tracking %(tracking)s at %(at)s without the carrier's own "
                "confirmation (reason: %(reason)s). Check it against the carrier once its system answers.",
                user=self.env.user.name,
                ref=picking.hub_carrier_receipt_ref,
                tracking=picking.carrier_tracking_ref,
                at=handed_at,
                reason=reason,
            ),
            key="manual-handover",
            severity="info",
        )

    # --- carrier events -------------------------------------------------------------
    @api.model
    def _hub_find_by_tracking(self, tracking, domain=None):
        """The hub shipment whose tracking reference holds exactly ``tracking`` (empty recordset if none).

        Never a substring match: "123" must not land on the shipment "91234". The
        reference may list several numbers ("A,B"): those are compared one by one.
        """
        tracking = (tracking or "").strip()
        if not tracking:
            return self.browse()
        base = list(domain or []) + [("picking_type_code", "=", "outgoing"), ("hub_channel_id", "!=", False)]
        exact = self.search(base + [("carrier_tracking_ref", "=", tracking)], limit=1)
        if exact:
            return exact
        # several numbers on one transfer: narrow with ilike, then compare each number exactly
        candidates = self.search(base + [("carrier_tracking_ref", "ilike", tracking)])
        return candidates.filtered(lambda p: tracking in split_tracking(p.carrier_tracking_ref))[:1]

    def _hub_apply_tracking(self, event):
        """One carrier event (already mapped): forward only, never guessed, never backwards.

        ``event``: {code, status (hub tracking status), at, description, key}.
        """
        self.ensure_one()
        status, at, code = event.get("status"), event.get("at"), event.get("code")
        if status not in S.STATUS_TARGET:
            self._hub_open_exception(
                "carrier_status_unknown",
                _(
                    "%(picking)s: unknown %(carrier)s status '%(code)s'",
                    picking=self.name,
                    carrier=self.carrier_id.name,
                    code=code,
                ),
                _(
                    "%(carrier)s sent status '%(code)s' (%(description)s) for %(tracking)s. The hub has no "
                    "mapping for it, so the shipment stays %(state)s. Check the carrier's tracking page, decide, "
                    "and add the code to the carrier's status table if it recurs.",
                    carrier=self.carrier_id.name,
                    code=code,
                    description=event.get("description") or "-",
                    tracking=self.carrier_tracking_ref,
                    state=self._hub_state_label(self.hub_shipment_state)
                    if self.hub_shipment_state
                    else _("not staged"),
                ),
                key=f"unknown-status:{code}",
            )
            return False
        if not self.hub_shipment_state:
            self.message_post(
                body=_("Carrier event '%s' before the transfer was validated: kept, no state change.", code)
            )
            return False
        if at and self.hub_last_carrier_event_at and at < self.hub_last_carrier_event_at:
            self.message_post(body=_("Out-of-order carrier event '%(code)s' of %(at)s ignored.", code=code, at=at))
            return False
        values = {
            "hub_last_carrier_event_at": max(filter(None, [at, self.hub_last_carrier_event_at]))
            if at
            else self.hub_last_carrier_event_at
        }
        if status != S.LABEL_CREATED and not self.hub_carrier_confirmed_at:
            values["hub_carrier_confirmed_at"] = at or fields.Datetime.now()
        self.with_context(hub_shipment_transition=True).write(values)
        target = S.STATUS_TARGET[status]
        if target is None:
            return True
        note = _(
            "%(carrier)s event %(code)s: %(description)s",
            carrier=self.carrier_id.name,
            code=code,
            description=event.get("description") or "",
        )
        if self.hub_shipment_state == S.STAGED:
            # the carrier's first scan is its proof of receipt
            self._hub_hand_over(event.get("key"), event.get("tracking"), at or fields.Datetime.now(), note)
        if target != self.hub_shipment_state and S.is_allowed(self.hub_shipment_state, target):
            self.with_context(hub_event_at=at)._hub_transition(target, note)
            if target in (S.DELIVERY_FAILED, S.RETURNED_TO_SENDER):
                self._hub_open_exception(
                    "carrier_delivery_problem",
                    _("%(picking)s: %(state)s", picking=self.name, state=self._hub_state_label(target)),
                    _("%(note)s. Contact the customer or the carrier and decide what happens to the goods.", note=note),
                    key=f"problem:{target}:{at}",
                )
        return True

    # --- exceptions ---------------------------------------------------------------------
    def _hub_open_exception(self, exception_type, summary, description, key, severity="warning", once=False):
        self.ensure_one()
        return (
            self.env["integration.sync.exception"]
            .sudo()
            ._open(
                exception_type,
                summary,
                description,
                record=self,
                channel=self.hub_channel_id,
                severity=severity,
                dedupe_key=f"picking:{self.id}:{key}",
                once=once,
            )
        )

    def _hub_carrier_error(self, carrier, action, error):
        self._hub_open_exception(
            "carrier_error",
            _(
                "%(picking)s: %(carrier)s %(action)s failed — %(kind)s",
                picking=self.name,
                carrier=carrier.name,
                action=action,
                kind=carrier._hub_error_kind(error),
            ),
            _(
                "%(error)s\n\nNothing was created at the carrier. Fix the cause, then try again from the transfer.",
                error=error,
            ),
            key=f"carrier-error:{action}",
            severity="critical" if action != _("label") else "warning",
        )
        self.message_post(
            body=_("%(carrier)s %(action)s failed: %(error)s", carrier=carrier.name, action=action, error=error)
        )

    def _hub_check_incomplete(self):
        """Packed with no carrier assigned: an 'incomplete shipment' exception; the shipment is held."""
        for picking in self._hub_shipments().filtered(lambda p: not p.carrier_id):
            picking._hub_open_exception(
                "incomplete_shipment",
                _("%s: packed with no carrier assigned — held", picking.name),
                _(
                    "The goods are packed but the transfer has no carrier, so no label can be made and nobody will "
                    "collect them. The shipment is held (no handover is accepted) until a carrier is assigned: "
                    "add a service selection rule or set the carrier on the transfer."
                ),
                key="incomplete",
            )

    def _hub_close_incomplete(self):
        # exceptions never auto-resolve: a manager still closes it; the note tells them it is fixed
        exceptions = (
            self.env["integration.sync.exception"]
            .sudo()
            .search([("dedupe_key", "in", [f"picking:{p.id}:incomplete" for p in self]), ("state", "=", "open")])
        )
        for exception in exceptions:
            exception.message_post(body=_("A carrier is now assigned on the transfer."))

    @api.model
    def _hub_packed_without_carrier(self):
        """Outgoing transfers of packed channel orders (or staged) that have no carrier."""
        staged = self.search(
            [("hub_shipment_state", "=", S.STAGED), ("carrier_id", "=", False), ("hub_channel_id", "!=", False)]
        )
        orders = self.env["integration.channel.order"].sudo().search([("state", "=", OS.PACKED)])
        open_out = self.browse()
        for order in orders:
            open_out |= order._chain()["out"].filtered(lambda p: p.state not in ("done", "cancel") and not p.carrier_id)
        return staged | open_out

    # --- crons -------------------------------------------------------------------------------
    @api.model
    def _cron_check_incomplete_shipments(self):
        self._hub_packed_without_carrier()._hub_check_incomplete()

    @api.model
    def _cron_check_carrier_receipt(self):
        """Handed over but never confirmed by the carrier within the channel's limit (24 h): one exception."""
        now = fields.Datetime.now()
        pickings = self.search(
            [
                ("hub_shipment_state", "=", S.HANDED_TO_CARRIER),
                ("hub_carrier_confirmed_at", "=", False),
                ("hub_handed_at", "!=", False),
                ("hub_channel_id", "!=", False),
            ]
        )
        for picking in pickings:
            hours = picking.hub_channel_id.carrier_receipt_hours or 24.0
            if now - picking.hub_handed_at < timedelta(hours=hours):
                continue
            picking._hub_open_exception(
                "carrier_receipt_missing",
                _("%s: carrier never confirmed receipt — goods may still be at the dock", picking.name),
                _(
                    "Handed to %(carrier)s at %(at)s (receipt %(ref)s, tracking %(tracking)s) but the carrier has not "
                    "scanned the goods in %(hours)s h. Check the dock and call the carrier.",
                    carrier=picking.carrier_id.name or "-",
                    at=picking.hub_handed_at,
                    ref=picking.hub_carrier_receipt_ref,
                    tracking=picking.carrier_tracking_ref,
                    hours=hours,
                ),
                key="receipt-missing",
                once=True,
            )

    @api.model
    def _cron_poll_carrier_tracking(self, carrier_type=None, limit=200):
        """Fetch carrier events for shipments not final yet; each event goes through the inbox."""
        domain = [
            ("hub_shipment_state", "in", TRACKED_STATES),
            ("carrier_tracking_ref", "!=", False),
            ("hub_channel_id", "!=", False),
            (
                "carrier_id.delivery_type",
                "in",
                [carrier_type] if carrier_type else ["hub_dhl", "hub_ups", "hub_dpd", "hub_correos"],
            ),
        ]
        pickings = self.search(domain, limit=limit, order="hub_last_carrier_event_at asc nulls first, id")
        stored = 0
        for carrier in pickings.carrier_id:
            mine = pickings.filtered(lambda p, c=carrier: p.carrier_id == c)
            for picking in mine:
                try:
                    events = carrier._hub_fetch_tracking(carrier._hub_tracking_numbers(picking))
                except Exception as error:  # one carrier's outage must not stop the others
                    picking._hub_carrier_error(carrier, _("tracking"), error)
                    continue
                for event in events:
                    stored += int(picking._hub_store_tracking_event(carrier, event, "poll"))
        if stored:
            self.env["integration.event"].sudo()._queue_wake()
        return stored

    def _hub_store_tracking_event(self, carrier, event, source):
        """One carrier event into the inbox, deduplicated on carrier + tracking + code + UTC time; True if new.

        The time is the carrier's moment in UTC (each carrier's parser converts it), so a push and a
        poll of the same scan collapse; an event without a known moment keys on the carrier's own id.
        """
        self.ensure_one()
        at = fields.Datetime.to_string(event["at"]) if event["at"] else ""
        moment = at or f"local:{event.get('carrier_event_id') or ''}"
        _id, created = (
            self.env["integration.event"]
            .sudo()
            ._receive(
                self.hub_channel_id,
                f"{carrier.delivery_type}:{event['tracking']}:{event['code']}:{moment}",
                "shipment.tracking",
                {
                    "carrier": carrier.delivery_type,
                    "picking_id": self.id,
                    "tracking": event["tracking"],
                    "code": event["code"],
                    "at": at or None,
                    "description": event.get("description") or "",
                },
                source=source,
                source_timestamp=event["at"],
            )
        )
        return created
