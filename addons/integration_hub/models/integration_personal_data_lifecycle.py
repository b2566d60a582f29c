"""How long the hub keeps a customer's personal data, and erasing it on request (README "Personal data")."""

import hashlib
import re
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ..lib import order_states as S
from ..lib import return_states as R
from ..lib.hub_privilege import HUB_WRITE, granted

_lt = LazyTranslate(__name__)

# orders past these states keep no personal data once the retention period is over
CLOSED_ORDER_STATES = (S.DELIVERED, S.CANCELLED)
# inbox messages whose raw body is no longer needed once old enough (failed and waiting ones stay)
SETTLED_EVENT_STATES = ("done", "duplicate", "skipped")


def normalized_email(value):
    return (value or "").strip().lower()


def phone_digits(value):
    """The digits of a phone number, without a leading 00 (international prefix as dialled)."""
    digits = re.sub(r"\D", "", value or "")
    return digits[2:] if digits.startswith("00") else digits


def same_phone(a, b):
    """Two phone numbers match when one's digits end with the other's (a national number and its E.164 form)."""
    a, b = phone_digits(a), phone_digits(b)
    if len(a) < 6 or len(b) < 6:
        return False
    return a.endswith(b) or b.endswith(a)


def mentions(document, value):
    """True when ``value`` is one of the JSON document's scalar values (a platform's buyer id)."""
    if isinstance(document, dict):
        return any(mentions(item, value) for item in document.values())
    if isinstance(document, list):
        return any(mentions(item, value) for item in document)
    return document is not None and not isinstance(document, bool) and str(document) == value


class IntegrationPersonalDataLifecycle(models.AbstractModel):
    _inherit = "integration.personal.data"

    personal_data_erased_at = fields.Datetime(
        string="Personal data erased at",
        readonly=True,
        copy=False,
        help="When the retention period ended or an erasure request was carried out: the personal data is gone, "
        "the operational facts stay.",
    )

    # --- anonymising ------------------------------------------------------------------
    def _anonymize_personal_data(self):
        """Empty every encrypted field of these records (one write) and stamp them; hook for related data."""
        records = self.filtered(lambda record: not record.personal_data_erased_at)
        if not records:
            return records
        values = dict.fromkeys(records._sealed_field_names(), False)
        values["personal_data_erased_at"] = fields.Datetime.now()
        with granted(HUB_WRITE):
            records.sudo().with_context(mail_notrack=True, tracking_disable=True).write(values)
        return records

    # --- retention ------------------------------------------------------------------------
    @api.model
    def _apply_retention(self, now=None):
        """Anonymise what each channel's retention period (or its platform's stricter rule) no longer covers.

        Delivered or cancelled orders and completed returns whose last fact is older than the period,
        the raw inbox messages of those and every settled message of that age, closed exceptions'
        pending edits, and the Odoo contacts created for those orders. Returns {kind: count}; one
        audit entry ("Personal data retention") with the counts, never the data.
        """
        now = now or fields.Datetime.now()
        counts = dict.fromkeys(("orders", "returns", "messages", "exceptions", "contacts"), 0)
        for channel in self.env["integration.channel"].sudo().with_context(active_test=False).search([]):
            days = channel._personal_data_retention_days_effective()
            if not days:
                continue
            found = self._past_retention(channel, now - timedelta(days=days))
            for kind, count in self._anonymize_everywhere(**found).items():
                counts[kind] += count
        self.env["integration.audit.log"]._log(
            "pii_retention",
            reason=_("Personal data past each channel's retention period anonymised"),
            after=counts,
        )
        return counts

    @api.model
    def _past_retention(self, channel, cutoff):
        Order = self.env["integration.channel.order"].sudo()
        orders = Order.search(
            [
                ("channel_id", "=", channel.id),
                ("personal_data_erased_at", "=", False),
                ("state", "in", CLOSED_ORDER_STATES),
                ("closed_at", "<=", cutoff),
            ]
        )
        returns = (
            self.env["integration.return"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", channel.id),
                    ("personal_data_erased_at", "=", False),
                    ("state", "=", R.COMPLETED),
                    ("completed_at", "<=", cutoff),
                ]
            )
        )
        settled = (
            self.env["integration.event"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", channel.id),
                    ("personal_data_erased_at", "=", False),
                    ("state", "in", SETTLED_EVENT_STATES),
                    ("received_at", "<=", cutoff),
                    ("payload", "!=", False),
                ]
            )
        )
        # a message of an order or return still kept stays with it
        kept = {
            ("integration.channel.order", order_id)
            for order_id in Order.search(
                [("id", "in", settled.filtered(lambda e: e.res_model == Order._name).mapped("res_id"))]
            )
            .filtered(lambda order: order not in orders and not order.personal_data_erased_at)
            .ids
        }
        kept |= {
            ("integration.return", return_id)
            for return_id in settled.filtered(lambda e: e.res_model == "integration.return").mapped("res_id")
            if return_id not in returns.ids
        }
        events = settled.filtered(lambda event: (event.res_model, event.res_id) not in kept)
        return {"orders": orders, "returns": returns, "events": events}

    @api.model
    def _anonymize_everywhere(self, orders, returns, events=None):
        """Anonymise orders and returns with their raw messages, closed exceptions' data and Odoo contacts."""
        Event = self.env["integration.event"].sudo()
        returns = returns | self.env["integration.return"].sudo().search([("order_id", "in", orders.ids)])
        events = (events or Event) | Event.search(
            [
                ("personal_data_erased_at", "=", False),
                "|",
                "&",
                ("res_model", "=", "integration.channel.order"),
                ("res_id", "in", orders.ids),
                "&",
                ("res_model", "=", "integration.return"),
                ("res_id", "in", returns.ids),
            ]
        )
        exceptions = (
            self.env["integration.sync.exception"]
            .sudo()
            .search(
                [
                    ("state", "!=", "open"),
                    ("pending_data", "!=", False),
                    "|",
                    "&",
                    ("res_model", "=", "integration.channel.order"),
                    ("res_id", "in", orders.ids),
                    ("event_id", "in", events.ids),
                ]
            )
        )
        contacts = orders._order_contacts()
        self._clear_special_handling_copies(orders)
        orders = orders._anonymize_personal_data()
        self.env["res.partner"]._integration_anonymize(contacts)
        return {
            "orders": len(orders),
            "returns": len(returns._anonymize_personal_data()),
            "messages": len(events._anonymize_personal_data()),
            "exceptions": len(exceptions._anonymize_personal_data()),
            "contacts": len(contacts),
        }

    @api.model
    def _clear_special_handling_copies(self, orders):
        """Empty the notes that copy these orders' special handling (gift message, personalisation, buyer's
        note): their sale order's note and every transfer's note (stock_move_special_handling.py), returns
        included. Orders without special handling keep their documents' notes (someone else wrote them).
        Returns the number of documents emptied."""
        with_notes = orders.sudo().filtered(lambda order: order.special_handling)
        # every sale order made for them (a cancelled order's allocation may have let go of its sale order)
        sale_orders = with_notes.sale_order_id | self.env["sale.order"].sudo().with_context(active_test=False).search(
            [("integration_order_id", "in", with_notes.ids)]
        )
        documents = [sale_orders.filtered("note"), sale_orders.picking_ids.filtered("note")]
        with granted(HUB_WRITE):
            for records in documents:
                records.with_context(mail_notrack=True, tracking_disable=True).write({"note": False})
        return sum(len(records) for records in documents)

    # --- erasure on request ---------------------------------------------------------------
    @api.model
    def _erase_customer_data(
        self, reason, email=None, phone=None, buyer_id=None, channel=None, source=None, companies=None
    ):
        """Erase one customer's personal data across the hub: orders, returns, raw messages, Odoo contacts.

        The customer is found by e-mail (case-insensitive), phone (same digits, national or E.164)
        and/or the platform's buyer id (any value of a raw order or return message); ``channel``
        limits the search to one channel, ``companies`` to those companies' records (a person's request:
        their allowed companies). ``reason`` (required) and ``source`` (e.g. "eBay account
        deletion notice") go to the audit log, never the identifiers. If one of the customer's orders
        is still open (not delivered nor cancelled) nothing is erased: an exception tells a manager to
        run the request again once it is closed.

        Returns ``{"erased": bool, "orders": n, "returns": n, "messages": n, "blocked_by": orders}``.
        Raises UserError without a reason or an identifier. Server side: callers check who may ask.
        """
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why the personal data is erased: the reason is kept in the audit log."))
        email, buyer_id = normalized_email(email), (buyer_id or "").strip()
        if not (email or phone_digits(phone) or buyer_id):
            raise UserError(_("Give the customer's e-mail, phone or buyer id on the platform."))
        orders, events = self._customer_records(email, phone, buyer_id, channel, companies)
        open_orders = orders.filtered(lambda order: order.state not in CLOSED_ORDER_STATES)
        request = hashlib.sha256(f"{email}|{phone_digits(phone)}|{buyer_id}".encode()).hexdigest()[:16]
        if open_orders:
            self.env["integration.sync.exception"].sudo()._open(
                "personal_data_erasure",
                _lt("Erasure request waits for open orders %s", ", ".join(open_orders.mapped("name"))),
                _lt(
                    "A request to erase a customer's personal data (%(requested_by)s: %(reason)s) cannot be carried "
                    "out while orders %(orders)s are open: the warehouse still needs the delivery address. Nothing was "
                    "erased. Once they are delivered or cancelled, run the request again (Operations > Erase "
                    "personal data); the customer's identifiers are not kept here.",
                    requested_by=source or _("manager"),
                    reason=reason,
                    orders=", ".join(open_orders.mapped("name")),
                ),
                record=open_orders[:1],
                channel=open_orders[:1].channel_id,
                dedupe_key=f"erasure:{request}",
            )
            return {"erased": False, "orders": 0, "returns": 0, "messages": 0, "blocked_by": open_orders}
        counts = self._anonymize_everywhere(
            orders, self.env["integration.return"].sudo().search([("order_id", "in", orders.ids)]), events
        )
        self.env["integration.audit.log"]._log(
            "pii_erasure",
            channel,
            reason=f"{source or _('Manager request')}: {reason}",
            after={**counts, "request": request},
        )
        return {
            "erased": True,
            "orders": counts["orders"],
            "returns": counts["returns"],
            "messages": counts["messages"],
            "blocked_by": open_orders,
        }

    @api.model
    def _customer_records(self, email, phone, buyer_id, channel=None, companies=None):
        """(orders, raw messages) of one customer, found by decrypting in batches (the data is never searchable)."""
        scope = [("personal_data_erased_at", "=", False)] + ([("channel_id", "=", channel.id)] if channel else [])
        if companies is not None:
            scope.append(("company_id", "in", companies.ids))
        orders = self.env["integration.channel.order"].sudo().search(scope)
        rows = orders.read(["customer_email", "customer_phone", "ship_phone", "phone_e164"], load=None)
        matched = {
            row["id"]
            for row in rows
            if (email and normalized_email(row["customer_email"]) == email)
            or (phone and any(same_phone(phone, row[key]) for key in ("customer_phone", "ship_phone", "phone_e164")))
        }
        events = self.env["integration.event"].sudo()
        if buyer_id:
            candidates = events.search(scope + [("payload", "!=", False)])._personal_data_records()
            for event in candidates:
                try:
                    document = event._payload()
                except Exception:  # noqa: BLE001 - an unreadable body cannot name the buyer
                    continue
                if mentions(document, buyer_id):
                    events |= event
            matched |= set(events.filtered(lambda e: e.res_model == "integration.channel.order").mapped("res_id"))
        return self.env["integration.channel.order"].sudo().browse(sorted(matched)).exists(), events
