import json

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import LazyGettext, LazyTranslate

from ..lib.hub_privilege import HUB_WRITE, granted
from .personal_data_fields import PersonalText

EXCEPTION_TYPES = [
    ("failed_event", "Inbound message failed"),
    ("dead_job", "Outbound message undeliverable"),
    ("invalid_order", "Invalid order (on hold)"),
    ("manual_entry", "Manual entry to review"),
    ("edit_after_release", "Edit after release"),
    ("stuck_picking", "Stuck picking"),
    ("decision_deadline", "Order decision due"),
    ("inventory_mismatch", "Inventory divergence"),
    ("incomplete_shipment", "Incomplete shipment"),
    ("carrier_receipt_missing", "Carrier never confirmed receipt"),
    ("return_triage", "Return waiting for triage"),
    ("channel_access", "Channel access revoked"),
    ("item_refused", "Item refused by the channel"),
    ("webhook_disabled", "Webhook subscription disabled"),
    ("monitoring", "Integration health alert"),
    ("personal_data_erasure", "Personal data erasure waiting"),
    ("other", "Other"),
]
OPEN, RESOLVED, CANCELLED = "open", "resolved", "cancelled"


_lt = LazyTranslate(__name__)


class PerLanguage:
    """A text the hub composes itself, rendered in any language: ``render(lang) -> str``.

    For a text built from several translated pieces (a lazy frame around a list of problems each
    translated on its own): ``_open`` stores one rendering per installed language.
    """

    __slots__ = ("render",)

    def __init__(self, render):
        self.render = render

    def _translate(self, lang):
        return self.render(lang)


class IntegrationSyncException(models.Model):
    """The exception queue: something the hub refused to guess about.

    Exceptions never resolve by themselves: a manager closes each one with a
    written decision (who, when, what), through the decision wizard.
    """

    _name = "integration.sync.exception"
    _description = "Integration exception"
    _inherit = ["integration.hub.record", "integration.personal.data", "mail.thread", "mail.activity.mixin"]
    _order = "state_sequence, severity_sequence, id desc"
    # an edit after release carries the channel's new delivery data (its description and pending edit)
    _personal_data_fields = frozenset({"description", "pending_data"})
    # what the hub found and what a manager decided: only "Assigned to" is edited by hand
    _hub_fields = frozenset(
        {
            "name",
            "exception_type",
            "severity",
            "state",
            "description",
            "channel_id",
            "company_id",
            "res_model",
            "res_id",
            "event_id",
            "job_id",
            "dedupe_key",
            "decision",
            "decided_by_id",
            "decided_at",
            "occurrences",
            "last_seen_at",
            "pending_data",
        }
    )

    # translate: the hub writes its own texts in every installed language (see _open), a reader sees theirs
    name = fields.Char(string="Summary", required=True, tracking=True, translate=True)
    exception_type = fields.Selection(EXCEPTION_TYPES, string="Type", required=True, index=True, tracking=True)
    severity = fields.Selection(
        [("info", "Info"), ("warning", "Warning"), ("critical", "Critical")],
        default="warning",
        required=True,
        tracking=True,
    )
    severity_sequence = fields.Integer(compute="_compute_sequences", store=True)
    state = fields.Selection(
        [(OPEN, "Open"), (RESOLVED, "Resolved"), (CANCELLED, "Cancelled")],
        default=OPEN,
        required=True,
        index=True,
        tracking=True,
        readonly=True,
    )
    state_sequence = fields.Integer(compute="_compute_sequences", store=True)
    description = fields.Text(string="What is wrong and what to do", required=True, translate=True)
    channel_id = fields.Many2one("integration.channel", index=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    res_model = fields.Char(string="Concerns model", index=True, readonly=True)
    res_id = fields.Many2oneReference(string="Concerns record", model_field="res_model", readonly=True)
    record_ref = fields.Reference(selection="_selection_record_ref", compute="_compute_record_ref", string="Concerns")
    event_id = fields.Many2one("integration.event", string="Inbox event", index=True, ondelete="set null")
    job_id = fields.Many2one("integration.job", string="Outbox job", index=True, ondelete="set null")
    dedupe_key = fields.Char(index=True, readonly=True, help="Open exceptions with the same key are not duplicated.")
    user_id = fields.Many2one("res.users", string="Assigned to", tracking=True)
    decision = fields.Text(readonly=True, tracking=True)
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_at = fields.Datetime(readonly=True)
    occurrences = fields.Integer(default=1, readonly=True, help="How many times the same cause was found.")
    last_seen_at = fields.Datetime(
        string="Last seen", readonly=True, default=fields.Datetime.now, help="When the same cause was last found."
    )
    pending_data = PersonalText(readonly=True, help="What the channel asked for (edits after release), as JSON.")

    _hub_fields_hint = _lt("A manager closes an exception with 'Decide' and a written decision.")

    def _personal_data_records(self):
        return self.filtered(lambda exception: exception.sudo().exception_type == "edit_after_release")

    @api.depends("state", "severity")
    def _compute_sequences(self):
        for record in self:
            record.state_sequence = {OPEN: 0, RESOLVED: 1, CANCELLED: 2}[record.state]
            record.severity_sequence = {"critical": 0, "warning": 1, "info": 2}[record.severity]

    @api.model
    def _selection_record_ref(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for record in self:
            if record.res_model and record.res_id and record.res_model in self.env:
                record.record_ref = f"{record.res_model},{record.res_id}"
            else:
                record.record_ref = False

    @api.model
    def _open(
        self,
        exception_type,
        summary,
        description,
        record=None,
        channel=None,
        severity="warning",
        dedupe_key=None,
        once=False,
        **extra,
    ):
        """Open an exception, or count one more occurrence of the same open one.

        ``once``: the key is never raised twice, even after a manager closed it
        (e.g. one exception per stuck period, not one per cron run).
        ``summary`` / ``description``: a text, or a lazy translation with its parameters
        (``_lt("...%(x)s", x=...)``): then each installed language gets its own text, and every reader
        sees the exception in their language whoever opened it (a cron runs as OdooBot, in English).
        """
        record = record or self.env["integration.channel"]
        channel = channel or (record.channel_id if "channel_id" in record._fields else self.env["integration.channel"])
        if not channel and record._name == "integration.channel":
            channel = record
        if dedupe_key:
            domain = [("dedupe_key", "=", dedupe_key)] + ([] if once else [("state", "=", OPEN)])
            existing = self.sudo().search(domain, limit=1)
            if existing:
                if existing.state == OPEN:
                    existing._hub_write(
                        {"occurrences": existing.occurrences + 1, "last_seen_at": fields.Datetime.now()}
                    )
                return existing
        exception = self._hub_create(
            {
                "exception_type": exception_type,
                "name": self._text_in("en_US", summary),
                "description": self._text_in("en_US", description),
                "severity": severity,
                "channel_id": channel.id if channel else False,
                "company_id": (channel.company_id if channel else self.env.company).id,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "dedupe_key": dedupe_key,
                **extra,
            }
        )
        exception._write_translations(summary, description)
        return exception

    @api.model
    def _text_in(self, lang, text):
        """A text as written, or a lazy one (LazyGettext, PerLanguage) rendered in ``lang``."""
        return text._translate(lang) if isinstance(text, LazyGettext | PerLanguage) else text

    def _set_texts(self, summary=None, description=None):
        """Rewrite the summary and/or what-to-do (texts or lazy ones) in every language at once."""
        values = {}
        if summary is not None:
            values["name"] = self._text_in("en_US", summary)
        if description is not None:
            values["description"] = self._text_in("en_US", description)
        self.with_context(lang="en_US")._hub_write(values)
        self._write_translations(summary, description)

    def _write_translations(self, summary, description):
        """The summary and what-to-do in every installed language other than English (lazy texts only)."""
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        for fname, text in (("name", summary), ("description", description)):
            if langs and isinstance(text, LazyGettext | PerLanguage):
                with granted(HUB_WRITE):
                    self.sudo().update_field_translations(fname, {lang: self._text_in(lang, text) for lang in langs})

    @api.model
    def _open_about(self, records, exception_type):
        """The open exceptions of ``exception_type`` that concern ``records``."""
        return self.sudo().search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "=", OPEN),
                ("exception_type", "=", exception_type),
            ]
        )

    def _decide(self, outcome, decision):
        """Close with a decision: managers only, on exceptions they can see; the decision text is mandatory.

        Raises AccessError for other roles or another company's exceptions, UserError without a decision.
        """
        if not self.env.su and not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise AccessError(_("Only Integration Hub managers can resolve or cancel exceptions."))
        self._check_hub_reachable()
        if outcome not in (RESOLVED, CANCELLED):
            raise UserError(_("An exception is closed as resolved or cancelled."))
        if not (decision or "").strip():
            raise UserError(_("Write the decision: what was done and why."))
        for record in self:
            if record.state != OPEN:
                raise UserError(_("Exception '%s' is already closed.", record.name))
            record._hub_write(
                {
                    "state": outcome,
                    "decision": decision.strip(),
                    "decided_by_id": self.env.uid,
                    "decided_at": fields.Datetime.now(),
                }
            )
            record.activity_ids.action_done()
            self.env["integration.audit.log"]._log(
                "exception_decision", record, reason=decision.strip(), before={"state": OPEN}, after={"state": outcome}
            )
        return True

    def action_open_decision_wizard(self):
        return self._decision_wizard("decide", _("Decide"))

    def action_apply_edit(self):
        return self._decision_wizard("apply_edit", _("Apply the channel's edit (forced)"))

    def action_reject_edit(self):
        return self._decision_wizard("reject_edit", _("Reject the channel's edit"))

    def _decision_wizard(self, mode, title):
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "integration.exception.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"active_ids": self.ids, "active_model": self._name, "default_mode": mode},
        }

    def _apply_pending_edit(self, decision):
        """Edit after release: the manager applies what the channel asked (forced, audited)."""
        for record in self:
            if record.exception_type != "edit_after_release" or not record.pending_data:
                raise UserError(_("Only an 'edit after release' exception carries an edit to apply."))
            order = self.env[record.res_model].browse(record.res_id)
            order._apply_blocked_edit(json.loads(record.pending_data), decision)
        self._decide(RESOLVED, decision)

    def _reject_pending_edit(self, decision):
        """The order stays as released; the channel is told the edit was refused."""
        for record in self:
            order = self.env[record.res_model].browse(record.res_id)
            pending = json.loads(record.pending_data or "{}")
            self.env["integration.job"]._enqueue(
                record.channel_id,
                "order_status",
                f"edit-rejected:{record.id}",
                {
                    "order_id": order.external_id,
                    "status": "edit_rejected",
                    "requested": pending.get("kind"),
                    "reason": decision,
                },
                record=order,
            )
        self._decide(CANCELLED, decision)

    def action_open_record(self):
        self.ensure_one()
        if not self.record_ref:
            raise UserError(_("This exception does not point at a record."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    @api.model
    def _cron_remind_open_exceptions(self):
        """Daily: every open exception without a pending reminder gets one for its owner."""
        open_records = self.search([("state", "=", OPEN)])
        if not open_records:
            return
        activity_type = self.env.ref("integration_hub.mail_activity_type_exception_review")
        already = set(
            self.env["mail.activity"]
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", open_records.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        managers = self.env.ref("integration_hub.group_hub_manager").users.filtered(lambda u: not u.share)
        fallback = managers.filtered(lambda u: u.id != 1)[:1] or managers[:1]
        values = []
        model_id = self.env["ir.model"]._get_id(self._name)
        for record in open_records:
            if record.id in already:
                continue
            user = record.user_id or fallback
            if not user:
                continue
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "summary": _("Decide on exception: %s", record.name),
                    "user_id": user.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        self.env["mail.activity"].create(values)
