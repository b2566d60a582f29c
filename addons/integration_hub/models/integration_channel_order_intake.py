import json

from markupsafe import Markup
from psycopg2 import IntegrityError

from odoo import _, api, fields, models, tools
from odoo.tools.translate import LazyTranslate

from ..lib import order_states as S
from ..lib import order_validation as V
from ..lib.errors import RetryableError
from ..lib.order_payload import parse_order
from .integration_channel_order import PIPELINE_NOTES
from .integration_sync_exception import PerLanguage

_lt = LazyTranslate(__name__)

DUPLICATE = "duplicate"  # the inbox marks such events as duplicates


class IntegrationChannelOrderIntake(models.Model):
    """How channel messages become orders: create once, update in order, edit until the cut-off."""

    _inherit = "integration.channel.order"

    # --- entry point from the inbox ---------------------------------------
    @api.model
    def _ingest(self, event, data, kind):
        """Apply an order.created / order.updated / order.cancelled message. Returns the order or DUPLICATE."""
        document = parse_order(data)
        channel = event.channel_id
        order = self._lock_existing(channel, document.external_id)
        if not order:
            order = self._create_once(channel, document, manual=event.source == "manual")
            received = _("Received from %s.", channel.name)
            if order and kind == "cancelled":
                # cancelled before the hub ever saw it: keep it cancelled, so a late create changes nothing
                order._transition(S.CANCELLED, _("cancelled by the channel before it was received"))
                return order
            if order:
                order._run_pipeline(first_note=received)
                order._queue_acknowledgement()  # platforms that require one (the channel's switch)
                return order
            order = self._lock_existing(channel, document.external_id)
            if not order:
                # Another worker created it after this transaction's snapshot began
                # (Odoo runs REPEATABLE READ): retry in a new transaction, where it is visible.
                raise RetryableError(_("order %s is being created by another worker", document.external_id), seconds=0)
        return order._apply_channel_message(document, kind, data)

    def _lock_existing(self, channel, external_id):
        """The order row, locked until commit: two workers never apply the same order at once."""
        self.env.cr.execute(
            "SELECT id FROM integration_channel_order WHERE channel_id = %s AND external_id = %s FOR UPDATE",
            [channel.id, external_id],
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    def _create_once(self, channel, document, manual=False):
        """Create, relying on the unique (channel, external id) constraint; None if it already exists."""
        values = self._values_from_document(document)
        # the service level is created with the order, not written after it (one tracked change less)
        resolved = channel._service_level_for(values["service_level"])
        try:
            with self.env.cr.savepoint():
                # one explicit "received" note below instead of Odoo's generic creation log
                order = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(
                    {
                        "channel_id": channel.id,
                        "external_id": document.external_id,
                        "manual_entry": manual,
                        **values,
                        "service_level_id": resolved[0].id,
                        "line_ids": [(0, 0, values) for values in self._line_values(channel, document)],
                    }
                )
        except IntegrityError:
            return None
        order._resolve_service_level(resolved)
        order._resolve_territory()
        return order

    @api.model
    def _values_from_document(self, doc):
        address = doc.shipping_address
        return {
            "name": doc.name,
            "placed_at": doc.placed_at,
            "source_updated_at": doc.updated_at or doc.placed_at,
            "financial_status": doc.financial_status,
            "customer_name": doc.customer.get("name"),
            "customer_email": doc.customer.get("email"),
            "customer_phone": doc.customer.get("phone"),
            "vat": doc.vat,
            "ship_name": address.get("name") or doc.customer.get("name"),
            "ship_company": address.get("company") or doc.customer.get("company"),
            "ship_street": address.get("street"),
            "ship_street2": address.get("street2"),
            "ship_zip": address.get("zip"),
            "ship_city": address.get("city"),
            "ship_state": address.get("state"),
            "ship_country_code": (address.get("country_code") or "").upper(),
            "ship_phone": doc.phone,
            "service_level": doc.service_level,
            # False (not stated) is kept apart from "" (stated: nothing special)
            "special_handling": doc.special_handling if doc.special_handling is not None else False,
            "cancel_reason": doc.cancel_reason,
            "ship_by": doc.ship_by or False,
            "withheld_data": doc.withheld or False,
            **self._amount_values(doc),
        }

    @api.model
    def _line_values(self, channel, doc):
        """Line values, each resolved by SKU or, without one, by the channel's own product id.

        A line that needs no shipping is resolved when it can be (to show the product) but an
        unresolved one is no problem: it is never picked.
        """
        resolutions = self.env["integration.external.id"]._resolve_lines(
            channel, [(line.sku, line.variant_id, line.parent_id) for line in doc.lines]
        )
        values = []
        for line, found in zip(doc.lines, resolutions, strict=True):
            warehouse_line = line.ships and not line.fulfilled_by
            values.append(
                {
                    "external_line_id": line.external_id,
                    "name": line.name or False,
                    "sku": line.sku,
                    "external_product_id": line.variant_id or False,
                    "quantity_sent": str(line.quantity) if line.quantity is not None else False,
                    "price_unit": line.price or 0.0,
                    "discount_amount": line.discount or 0.0,
                    "tax_amount": line.tax or 0.0,
                    "ships": line.ships,
                    "fulfilled_by": line.fulfilled_by or False,
                    "product_id": found.get("product_id", False),
                    "resolution": found.get("how", False),
                    "resolution_note": found.get("warning") or (found.get("problem") if warehouse_line else False),
                    "state": "cancelled" if line.cancelled else "open",
                }
            )
        return values

    # --- validation -------------------------------------------------------
    def _validation_problems(self):
        """Every reason this order cannot be picked cleanly (the seed's mandatory fields)."""
        self.ensure_one()
        problems = []
        open_lines = self.line_ids.filtered(lambda line: line.state == "open")
        goods = self._warehouse_lines()
        if not open_lines:
            problems.append(_("the order has no line to ship"))
        elif not goods:
            problems.append(
                _(
                    "nothing for this warehouse to ship: every line needs no shipping or is fulfilled elsewhere (%s)",
                    ", ".join(line._label() for line in open_lines),
                )
            )
        # only goods this warehouse ships are checked: a tip, a gift card or a line fulfilled elsewhere never holds
        for line in goods:
            if not line.product_id:
                problems.append(
                    line.resolution_note
                    or (
                        _("SKU %s does not match any catalog product", line.sku)
                        if line.sku
                        else _("line %s has no SKU", line._label())
                    )
                )
            problems += V.check_quantity(line.sku or line._label(), line.quantity_sent or None)
        if self.withheld_data:
            problems.append(_("the channel withheld delivery data: %s", self.withheld_data))
        if not self.address_pending:  # sent once the order is accepted: it waits for it (see _valid_to_pick_missing)
            problems += self._address_problems()
        if self.special_handling is False:
            problems.append(_("special handling is not stated (send an empty value when none is needed)"))
        vat_countries = self.channel_id.vat_required_country_ids.mapped("code")
        if self.ship_country_code in vat_countries:
            problems += V.check_vat(self.vat, self.ship_country_code)
        return problems

    def _address_problems(self):
        problems = V.check_address(
            {
                "street": self.ship_street,
                "zip": self.ship_zip,
                "city": self.ship_city,
                "country_code": self.ship_country_code,
            }
        )
        if self.ship_country_code and not self._country():
            problems.append(_("country code '%s' is unknown", self.ship_country_code))
        try:
            V.normalize_phone(self.ship_phone, self.ship_country_code)
        except ValueError as error:
            problems.append(str(error))
        return problems

    def _country(self):
        return self.env["res.country"].browse(self._country_id(self.ship_country_code))

    @api.model
    @tools.ormcache("code")
    def _country_id(self, code):
        return self.env["res.country"].search([("code", "=", code)], limit=1).id if code else None

    def _run_pipeline(self, first_note=None):
        """received -> validated -> accepted, as far as the evidence allows; hold on any problem.

        The steps of one run are posted as a single chatter note (who, when, each step and why).
        """
        for order in self:
            notes = [first_note] if first_note else []
            token = PIPELINE_NOTES.set((order.id, notes))
            try:
                order._run_pipeline_steps()
            finally:
                PIPELINE_NOTES.reset(token)
            if notes:
                # an internal note that notifies nobody: logged, not posted (no recipients, alias or thread look-ups)
                order._hub_note(Markup("<br/>").join(notes))

    def _run_pipeline_steps(self):
        for order in self:
            if order.state == S.RECEIVED:
                problems = order._validation_problems()
                if problems:
                    order._hold(
                        problems,
                        _lt("Order %s is on hold: data missing or invalid", order.name),
                        problems_in="_validation_problems",
                    )
                    continue
                if not order.address_pending:
                    order.phone_e164 = V.normalize_phone(order.ship_phone, order.ship_country_code)
                order._transition(S.VALIDATED)
            if order.state == S.VALIDATED:
                order._try_accept()

    def _hold(self, problems, summary, problems_in=None):
        """On hold with an exception saying what is wrong and what to do.

        ``problems_in``: the name of the method that found the problems (``_validation_problems``,
        ``_stock_problems``): the reasons are then found again in each installed language, so a
        reader sees them in theirs whoever held the order (a cron runs in English).
        """
        self.ensure_one()
        self.validation_problems = "\n".join(problems)
        if self.state != S.ON_HOLD:
            self._transition(S.ON_HOLD, "; ".join(problems))

        def problems_of(lang):
            if not problems_in or lang == self.env.lang:
                return problems
            return getattr(self.with_context(lang=lang), problems_in)() or problems

        def description(lang):
            order = self.with_context(lang=lang)
            return order.env._(
                "What is wrong:\n- %(problems)s\n\nWhat to do: ask %(channel)s (the order's owner) for the missing "
                "data, or correct it with the customer; then a manager releases the order (it is re-validated). "
                "Cancel it if it cannot be fulfilled. The warehouse does not ship best-guess data.",
                problems="\n- ".join(problems_of(lang)),
                channel=self.channel_id.name,
            )

        self.env["integration.sync.exception"]._open(
            "invalid_order",
            summary,
            PerLanguage(description),
            record=self,
            dedupe_key=f"hold:{self.id}",
        )

    def _hold_exceptions(self):
        return self.env["integration.sync.exception"]._open_about(self, "invalid_order").sudo(False)

    def _close_hold_exceptions(self, decision):
        exceptions = self._hold_exceptions()
        if exceptions:
            exceptions._decide("resolved", decision)

    # --- updates, edits and cancellations ---------------------------------
    def _apply_channel_message(self, doc, kind, data):
        self.ensure_one()
        if doc.updated_at and self.source_updated_at and doc.updated_at < self.source_updated_at:
            self.message_post(
                body=_(
                    "Ignored an out-of-date %(kind)s message (source updated_at %(sent)s is older than %(applied)s).",
                    kind=kind,
                    sent=doc.updated_at,
                    applied=self.source_updated_at,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return DUPLICATE
        payment_arrived = self._apply_financial_status(doc)
        if kind == "cancelled":
            if self.state == S.CANCELLED:
                return DUPLICATE
            changes = {_("order"): [self._state_label(self.state), _("cancelled")]}
        else:
            changes = self._diff(doc)
            if not changes:
                if payment_arrived:
                    return self
                self._record_source_version(doc)
                return DUPLICATE  # the same order again (redelivery, webhook + poll)
        if not self._edits_apply():
            return self._block_edit(doc, changes, kind, data)
        if kind == "cancelled":
            self._cancel(_("cancelled by the channel: %s", doc.cancel_reason or _("no reason given")))
        else:
            self._apply_edit(doc, changes)
        return self

    def _record_source_version(self, doc):
        """A newer version that changed nothing still moves the order's version on: an older one arriving
        later must not win over it."""
        if doc.updated_at and (not self.source_updated_at or doc.updated_at > self.source_updated_at):
            self.sudo().write({"source_updated_at": doc.updated_at})

    def _edits_apply(self):
        if self.channel_id.order_owner == "warehouse":
            return False  # the warehouse owns the order: the channel's edits are proposals for a manager
        return S.edits_apply(self.channel_id.edit_cutoff_state, self.state)

    def _apply_financial_status(self, doc):
        """A payment capture is not an edit: record it; an order waiting for payment may now be accepted."""
        if not doc.financial_status or doc.financial_status == (self.financial_status or ""):
            return False
        self.sudo().write(
            {
                "financial_status": doc.financial_status,
                "source_updated_at": max(filter(None, [doc.updated_at, self.source_updated_at])),
            }
        )
        self.message_post(
            body=_("Financial status from the channel: %s", doc.financial_status), subtype_xmlid="mail.mt_note"
        )
        if self.state == S.VALIDATED:
            self._try_accept()
        return True

    # Not edits: a payment capture is applied whenever it arrives (see _apply_channel_message).
    _SILENT_FIELDS = ("source_updated_at", "financial_status")
    # Amounts follow the order's content (lines, shipping): kept up to date with it, never an edit of their own.
    _AMOUNT_FIELDS = (
        "currency_code",
        "currency_id",
        "prices_include_tax",
        "amount_shipping",
        "amount_shipping_tax",
        "amount_total",
    )

    def _diff(self, doc):
        """What the message would change: {field: [old, new]} plus line changes."""

        def comparable(key, value):
            if key == "special_handling":
                return value if value is not False else None  # not stated is not "nothing special"
            if key == "placed_at":
                return fields.Datetime.to_string(value) if value else ""
            return value or ""

        wanted = self._values_from_document(doc)
        changes = {}
        for key, value in wanted.items():
            if key in self._SILENT_FIELDS or key in self._AMOUNT_FIELDS:
                continue
            old, new = comparable(key, self[key]), comparable(key, value)
            if old != new:
                changes[key] = [
                    old if old is not None else _("not stated"),
                    new if new is not None else _("not stated"),
                ]
        sent = {line.external_id: line for line in doc.lines}

        def described(sku, quantity, ships, fulfilled_by):
            text = f"{sku} x {quantity}"
            if not ships:
                text += _(" (needs no shipping)")
            elif fulfilled_by:
                text += _(" (fulfilled by %s)", fulfilled_by)
            return text

        for line in self.line_ids:
            new = sent.get(line.external_line_id)
            old = described(line.sku, line.quantity_sent, line.ships, line.fulfilled_by)
            if new is None or new.cancelled:
                if line.state == "open":
                    changes[f"line {line.external_line_id}"] = [old, "cancelled"]
            elif (new.sku, str(new.quantity), new.ships, new.fulfilled_by) != (
                line.sku,
                line.quantity_sent,
                line.ships,
                line.fulfilled_by or "",
            ):
                changes[f"line {line.external_line_id}"] = [
                    old,
                    described(new.sku, new.quantity, new.ships, new.fulfilled_by),
                ]
        known = set(self.line_ids.mapped("external_line_id"))
        for line in doc.lines:
            if line.external_id not in known and not line.cancelled:
                changes[f"line {line.external_id}"] = ["", f"{line.sku} x {line.quantity}"]
        return changes

    def _apply_edit(self, doc, changes):
        """Apply a channel edit: the order is re-validated and, if it was allocated, re-allocated."""
        self.ensure_one()
        was_allocated = bool(self.sale_order_id)
        self.write(self._values_from_document(doc))
        self._replace_lines(doc)
        self._resolve_service_level()
        self._resolve_territory()
        self.message_post(body=_("Channel edit applied: %s", self._edit_summary(changes)), subtype_xmlid="mail.mt_note")
        if self.state == S.PICKING:
            # allowed by the channel's cut-off: the running transfers follow the edit, if it is valid
            problems = self._validation_problems()
            if problems:
                self._hold_edit_exception(problems)
                return
            self._sync_released_sale_order()
            return
        if was_allocated:
            self._release_allocation()
            self._transition(S.VALIDATED, _("channel edit before picking: allocation redone"))
        if self.state == S.ON_HOLD:
            problems = self._validation_problems()
            if not problems:
                self.validation_problems = False
                for exception in self._hold_exceptions():
                    exception._hub_note(_("Data now complete — ready to release. A manager decides."))
                    exception._set_texts(_lt("Order %s: data now complete — ready to release", self.name))
            else:
                self.validation_problems = "\n".join(problems)
            return
        if self.state == S.VALIDATED:
            problems = self._validation_problems()
            if problems:
                self._hold(
                    problems,
                    _lt("Order %s is on hold after a channel edit", self.name),
                    problems_in="_validation_problems",
                )
                return
        self._run_pipeline()

    def _edit_summary(self, changes):
        """The changes for the chatter: personal data is named, never copied (old and new values)."""
        return "; ".join(
            _("%s changed", self._fields[key].string) if key in self._PERSONAL_FIELDS else f"{key}: {old} → {new}"
            for key, (old, new) in changes.items()
        )

    def _hold_edit_exception(self, problems):
        self.env["integration.sync.exception"]._open(
            "invalid_order",
            _lt("Order %s: an edit during picking made it invalid", self.name),
            _lt(
                "The channel's edit was applied to the order but not to the running transfers, because:\n- %s\n"
                "Ask the channel to correct it; the transfers keep the previous data.",
                "\n- ".join(problems),
            ),
            record=self,
            dedupe_key=f"edit-invalid:{self.id}",
        )

    def _replace_lines(self, doc):
        by_external = {line.external_line_id: line for line in self.line_ids}
        fresh = {v["external_line_id"]: v for v in self._line_values(self.channel_id, doc)}
        for external_id, line in by_external.items():
            if external_id not in fresh:
                line.state = "cancelled"
        for external_id, values in fresh.items():
            if external_id in by_external:
                by_external[external_id].write(values)
            else:
                self.write({"line_ids": [(0, 0, values)]})

    def _block_edit(self, doc, changes, kind, data):
        """Past the cut-off: the order keeps executing as released; a manager decides on the edit."""
        # encrypted personal data (street, ZIP, phones...) is named, never quoted: exception texts are in clear
        sealed = set(self._sealed_field_names())
        summary = "\n".join(
            _("- %s changed (the new value is applied with 'Apply edit')", self._fields[key].string)
            if key in sealed
            else f"- {key}: {old} → {new}"
            for key, (old, new) in changes.items()
        )
        self.env["integration.sync.exception"]._open(
            "edit_after_release",
            _lt("Order %s: edit received after release to pick", self.name),
            _lt(
                "The channel changed the order after it was released to the warehouse (state: %(state)s). "
                "The warehouse keeps executing it as released.\n\nRequested changes:\n%(diff)s\n\nWhat to do: "
                "'Apply edit' (forced, audited; may need a re-pick) or 'Reject edit' and tell the channel.",
                state=self._state_label(self.state),
                diff=summary,
            ),
            record=self,
            dedupe_key=f"edit:{self.id}:{doc.updated_at or ''}",
            pending_data=json.dumps({"kind": kind, "data": data}),
        )
        self.message_post(
            body=_("Edit after release blocked, waiting for a manager: %s", self._edit_summary(changes)),
            subtype_xmlid="mail.mt_note",
        )
        return self

    def _cancel(self, reason):
        for order in self:
            order._release_allocation()
            order._transition(S.CANCELLED, reason)
            # exceptions never close themselves: the manager sees why the cause went away
            for exception in order._hold_exceptions():
                exception.message_post(body=_("The order was cancelled (%s): this can probably be closed.", reason))

    # --- a manager's decision on an edit that arrived after release ------------
    def _apply_blocked_edit(self, pending, reason):
        """Forced: the warehouse applies the channel's late edit to the released order (audited)."""
        self.ensure_one()
        self._check_manager(_("apply an edit after release"))
        self._check_hub_reachable()
        order = self.sudo()  # the manager's decision is checked; the hub carries it out
        doc = parse_order(pending["data"])
        # the audit log names what changed; it keeps no copy of the customer's delivery data
        delivery_data_before = order.read(sorted(self._PERSONAL_FIELDS), load=None)
        before = {
            "state": order.state,
            "lines": [(line.sku, line.quantity_sent, line.state) for line in order.line_ids],
        }
        if pending["kind"] == "cancelled":
            order._release_allocation()
            order._transition(S.CANCELLED, reason, forced=True)
        else:
            order.write(order._values_from_document(doc))
            order._replace_lines(doc)
            order._resolve_service_level()
            order._resolve_territory()
            order._sync_released_sale_order()
        self.env["integration.audit.log"]._log(
            "forced_state",
            self,
            reason=_("Edit after release applied: %s", reason),
            before=before,
            after={
                "state": order.state,
                "delivery_data_changed": order.read(sorted(self._PERSONAL_FIELDS), load=None) != delivery_data_before,
                "lines": [(line.sku, line.quantity_sent, line.state) for line in order.line_ids],
            },
        )
        order.message_post(
            body=_("Edit after release applied by %(user)s: %(reason)s", user=self.env.user.name, reason=reason),
            subtype_xmlid="mail.mt_note",
        )
