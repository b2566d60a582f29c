import base64
import hashlib
import json
import logging
import random
import traceback
from datetime import UTC, datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ..lib import json_document
from ..lib.backoff import full_jitter_delay
from ..lib.errors import PayloadError, PermanentError, RetryableError
from .integration_queue import CONCURRENCY_ERRORS, hub_may_commit  # noqa: F401  (hub_may_commit: public import)
from .personal_data_fields import PersonalText, seal_value

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

RECEIVED, PROCESSING, DONE, DUPLICATE, FAILED, SKIPPED = (
    "received",
    "processing",
    "done",
    "duplicate",
    "failed",
    "skipped",
)
# Inbound retries are short: the source already retries on its side too.
INBOX_RETRY_BASE, INBOX_RETRY_CAP, INBOX_MAX_ATTEMPTS = 10, 900, 6
# A longer idempotency key is stored as its digest (a btree index row holds about 2.7 kB).
MAX_KEY_LENGTH = 255
# one inbox row and one redelivery row as written by SQL (values from IntegrationEvent._intake_values)
EVENT_ROW = """(%(channel)s, %(company)s, %(key)s, %(type)s, %(source)s, %(payload)s, %(encoding)s,
    %(sha)s, %(headers)s, %(ip)s, %(state)s, %(error)s, 0, %(now)s, %(sent_at)s,
    COALESCE(EXTRACT(EPOCH FROM (%(now)s - %(sent_at)s::timestamp)), 0), 0,
    %(uid)s, %(now)s, %(uid)s, %(now)s)"""
REDELIVERY_ROW = "(%(event)s, %(now)s, %(ip)s, %(source)s, %(uid)s, %(now)s, %(uid)s, %(now)s)"


def storable_key(key):
    """The idempotency key as stored: itself, or ``sha256:<hex>`` when it is too long to index."""
    key = str(key)
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class IntegrationEvent(models.Model):
    """The inbox: every inbound message stored raw before anything else happens to it."""

    _name = "integration.event"
    _inherit = ["integration.queue"]
    _description = "Integration inbox event"
    _order = "id desc"
    _rec_name = "idempotency_key"

    _queue_ready_state = RECEIVED
    _queue_busy_state = PROCESSING
    _queue_cron_xmlid = "integration_hub.ir_cron_process_inbox"

    channel_id = fields.Many2one("integration.channel", required=True, index=True, ondelete="restrict", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    idempotency_key = fields.Char(
        required=True,
        readonly=True,
        help="Unique per channel: a redelivery is a duplicate. Keys longer than 255 characters are stored as "
        "their SHA-256 digest.",
    )
    event_type = fields.Char(index=True, readonly=True)
    source = fields.Selection(
        [("webhook", "Webhook"), ("poll", "Poll"), ("file", "File"), ("email", "Email"), ("manual", "Manual")],
        required=True,
        default="webhook",
        readonly=True,
    )
    # encrypted at rest (an order's body holds the customer's address); what the queue needs stays in clear
    payload = PersonalText(
        readonly=True,
        groups="integration_hub.group_hub_operations",
        help="The body exactly as received (base64 when it was not UTF-8).",
    )
    payload_encoding = fields.Selection([("utf-8", "UTF-8"), ("base64", "Base64")], default="utf-8", readonly=True)
    payload_sha256 = fields.Char(string="Body SHA-256", readonly=True)
    headers = fields.Text(readonly=True)
    remote_ip = fields.Char(readonly=True)
    state = fields.Selection(
        [
            (RECEIVED, "Received"),
            (PROCESSING, "Processing"),
            (DONE, "Done"),
            (DUPLICATE, "Duplicate"),
            (FAILED, "Failed"),
            (SKIPPED, "Set aside"),
        ],
        default=RECEIVED,
        required=True,
        index=True,
        readonly=True,
    )
    error = fields.Text(readonly=True)
    received_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    processed_at = fields.Datetime(readonly=True)
    source_timestamp = fields.Datetime(string="Sent by source at", readonly=True)
    lag_seconds = fields.Float(
        compute="_compute_lags", store=True, string="Intake lag (s)", help="Source timestamp to receipt."
    )
    processing_seconds = fields.Float(compute="_compute_lags", store=True, string="Processing delay (s)")
    redelivery_ids = fields.One2many("integration.event.redelivery", "event_id", readonly=True)
    duplicate_count = fields.Integer(
        compute="_compute_redeliveries", help="Redeliveries of this same message, recorded and ignored."
    )
    last_seen_at = fields.Datetime(compute="_compute_redeliveries")
    res_model = fields.Char(readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)

    _sql_constraints = [
        (
            "channel_idempotency_key_unique",
            "unique(channel_id, idempotency_key)",
            "This message was already received on this channel.",
        ),
    ]

    def init(self):
        # the queue only ever looks for the few events still to do
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS integration_event_ready_idx ON integration_event (id) WHERE state = 'received'"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS integration_event_busy_idx ON integration_event (id) WHERE state = 'processing'"
        )

    @api.depends("received_at", "source_timestamp", "processed_at")
    def _compute_lags(self):
        for event in self:
            event.lag_seconds = (
                (event.received_at - event.source_timestamp).total_seconds()
                if event.received_at and event.source_timestamp
                else 0.0
            )
            event.processing_seconds = (
                (event.processed_at - event.received_at).total_seconds()
                if event.processed_at and event.received_at
                else 0.0
            )

    def _compute_redeliveries(self):
        stats = {
            event.id: (count, last)
            for event, count, last in self.env["integration.event.redelivery"]
            .sudo()
            ._read_group([("event_id", "in", self.ids)], ["event_id"], ["__count", "received_at:max"])
        }
        for event in self:
            event.duplicate_count, event.last_seen_at = stats.get(event.id, (0, False))

    # --- intake -----------------------------------------------------------
    @api.model
    def _intake(
        self,
        channel,
        idempotency_key,
        body,
        event_type=None,
        source="webhook",
        headers=None,
        remote_ip=None,
        source_timestamp=None,
        error=None,
        compare_body=False,
        wake=False,
    ):
        """Store one inbound message; return (event id, True if new, True if stored as failed).

        With ``wake``, a new message ready to process makes the inbox worker due once it is committed
        (``_queue_wake_soon``).

        Never waits for a worker and never updates an existing event, so a
        redelivery arriving while its original is being processed answers at
        once: a new key inserts one row; a known key records a redelivery row.
        With ``compare_body`` (the key is the sender's own message id, e.g. a
        webhook-id), a known id with a *different* body is kept as its own
        failed event (key ``<id>#body-<sha256 prefix>``) with an exception,
        never dropped as a duplicate. Keys the hub builds itself (a poll's
        order id + version, a carrier scan) are compared by key only.

        Under Odoo's REPEATABLE READ a concurrent delivery of the same key may
        raise a serialization failure (psycopg2 ``SerializationFailure``): the
        caller owns the transaction and retries it (see the webhook controller).
        """
        values = self._intake_values(
            channel,
            idempotency_key,
            body,
            event_type=event_type,
            source=source,
            headers=headers,
            remote_ip=remote_ip,
            source_timestamp=source_timestamp,
            error=error,
            compare_body=compare_body,
        )
        event_id = self._insert_new(values, wake=wake)
        if event_id:
            if error:
                self.browse(event_id)._open_failure_exception(error)
            return event_id, True, bool(error)
        return self._record_redelivery(values, values["key"])

    @api.model
    def _intake_values(
        self,
        channel,
        idempotency_key,
        body,
        event_type=None,
        source="webhook",
        headers=None,
        remote_ip=None,
        source_timestamp=None,
        error=None,
        compare_body=False,
    ):
        """The row ``_insert_new`` / ``_insert_rows`` write for one message (body sealed, key made storable)."""
        payload, encoding = self._storable_payload(body)
        digest = hashlib.sha256(body if isinstance(body, bytes) else body.encode()).hexdigest()
        return {
            "channel": channel.id,
            "company": channel.company_id.id,
            "key": storable_key(idempotency_key),
            "type": event_type,
            "source": source,
            "payload": seal_value(payload),  # written by SQL: sealed here, as the ORM would
            "encoding": encoding,
            "sha": digest,
            "headers": json.dumps(headers or {}, sort_keys=True),
            "ip": remote_ip,
            "state": FAILED if error else RECEIVED,
            "error": error,
            "now": datetime.now(UTC).replace(tzinfo=None),
            "sent_at": self._as_datetime(source_timestamp),
            "uid": self.env.uid,
            "compare_body": compare_body,
        }

    def _record_redelivery(self, values, key):
        """A known key again: one redelivery row (the original row is never locked or updated)."""
        return self._record_redeliveries([{**values, "key": key}])[0]

    def _record_redeliveries(self, rows):
        """Known keys again (``_intake_values`` rows): one redelivery row each, written by one INSERT.

        Returns ``(event id, created, failed)`` per row, in order. With ``compare_body``, a row whose body
        differs from the stored one is kept apart as its own failed event (``_intake_reused_key``).
        """
        self.env.cr.execute(
            """SELECT e.channel_id, e.idempotency_key, e.id, e.payload_sha256
                 FROM integration_event e
                 JOIN unnest(%s::int[], %s::varchar[]) AS k(channel_id, idempotency_key)
                   ON e.channel_id = k.channel_id AND e.idempotency_key = k.idempotency_key""",
            [[row["channel"] for row in rows], [row["key"] for row in rows]],
        )
        known = {(channel_id, key): (event_id, digest) for channel_id, key, event_id, digest in self.env.cr.fetchall()}
        results, redeliveries = [], []
        for values in rows:
            event_id, known_digest = known[values["channel"], values["key"]]
            if values.get("compare_body") and known_digest and known_digest != values["sha"]:
                results.append(self._intake_reused_key(values, event_id))
                continue
            redeliveries.append(self.env.cr.mogrify(REDELIVERY_ROW, {**values, "event": event_id}).decode())
            results.append((event_id, False, False))
        if redeliveries:
            self.env.cr.execute(
                """INSERT INTO integration_event_redelivery (event_id, received_at, remote_ip, source,
                                                            create_uid, create_date, write_uid, write_date)
                   VALUES """
                + ", ".join(redeliveries),
                log_exceptions=False,
            )
        return results

    def _insert_new(self, values, wake=False):
        """INSERT the event unless its key is known; the new id, or None. The body is never logged."""
        return self._insert_rows([values], wake=wake).get((values["channel"], values["key"]))

    def _insert_rows(self, rows, wake=False):
        """One INSERT of these ``_intake_values`` rows, each unless its (channel, key) is known.

        Returns ``{(channel id, key): new event id}`` for the rows written. A key twice among the rows is
        written once (PostgreSQL skips the later one). The bodies are never logged. With ``wake``, a row ready
        to process makes the inbox worker due after the commit (``_queue_wake_soon``): the transaction stays
        this one statement.
        """
        self.env.cr.execute(
            """
            INSERT INTO integration_event (
                channel_id, company_id, idempotency_key, event_type, source, payload, payload_encoding,
                payload_sha256, headers, remote_ip, state, error, attempts, received_at, source_timestamp,
                lag_seconds, processing_seconds, create_uid, create_date, write_uid, write_date)
            VALUES """
            + ", ".join(self.env.cr.mogrify(EVENT_ROW, values).decode() for values in rows)
            + """
            ON CONFLICT (channel_id, idempotency_key) DO NOTHING
            RETURNING channel_id, idempotency_key, id, state
            """,
            log_exceptions=False,
        )
        written = self.env.cr.fetchall()
        if wake and any(state == RECEIVED for *_key, state in written):
            self._queue_wake_soon()
        return {(channel_id, key): event_id for channel_id, key, event_id, _state in written}

    def _intake_reused_key(self, values, original_id):
        """The sender reused a message id for another body: keep that body too, for a manager to judge."""
        reason = _(
            "The sender reused message id %(key)s (already received as event %(original)s) for a different body. "
            "A message id must identify one message: this body is kept here, not processed. Compare the two "
            "events; if this one is a real, new message, use 'Retry' to process it, otherwise set it aside.",
            key=values["key"],
            original=original_id,
        )
        conflict = {
            **values,
            "key": storable_key(f"{values['key']}#body-{values['sha'][:16]}"),
            "state": FAILED,
            "error": reason,
        }
        event_id = self._insert_new(conflict)
        if event_id:
            self.browse(event_id)._open_failure_exception(reason)
            return event_id, True, True
        # that same other body again: a redelivery of the kept conflict
        return self._record_redelivery({**conflict, "compare_body": False}, conflict["key"])

    @staticmethod
    def _storable_payload(body):
        """(text, encoding): UTF-8 text as is; anything PostgreSQL text cannot hold as base64."""
        if not isinstance(body, bytes):
            body = body.encode()
        try:
            payload = body.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(body).decode(), "base64"
        if "\x00" in payload:  # PostgreSQL text cannot hold NUL
            return base64.b64encode(body).decode(), "base64"
        return payload, "utf-8"

    @staticmethod
    def _as_datetime(source_timestamp):
        if isinstance(source_timestamp, (int, float)):
            return datetime.fromtimestamp(source_timestamp, tz=UTC).replace(tzinfo=None)
        return source_timestamp

    @api.model
    def _receive(self, channel, idempotency_key, event_type, data, source="poll", source_timestamp=None):
        """Intake for messages the hub fetched itself (polls, file rows, emails)."""
        event_id, created, _failed = self._intake(
            channel,
            idempotency_key,
            self._fetched_body(event_type, data),
            event_type=event_type,
            source=source,
            source_timestamp=source_timestamp,
        )
        return event_id, created

    @api.model
    def _receive_many(self, channel, messages, source="poll", compare_body=False):
        """``_receive`` for many messages at once (e.g. a notification listing 1,000 changes): one INSERT.

        ``messages``: ``[(idempotency key, event type, data (JSON-able), source timestamp or None), ...]``.
        Returns ``[(event id, created), ...]`` in the same order. Same rules as ``_intake``: a known key,
        or a key seen earlier in ``messages``, records a redelivery on the first event and is not created
        again; with ``compare_body`` a known key with another body is kept apart as a failed event.
        """
        rows = [
            self._intake_values(
                channel,
                key,
                self._fetched_body(event_type, data),
                event_type=event_type,
                source=source,
                source_timestamp=source_timestamp,
                compare_body=compare_body,
            )
            for key, event_type, data, source_timestamp in messages
        ]
        first = {}  # a key twice in the batch: the first is written, the others are its redeliveries
        for index, values in enumerate(rows):
            first.setdefault((values["channel"], values["key"]), index)
        created = self._insert_rows([rows[index] for index in first.values()]) if rows else {}
        results = [None] * len(rows)
        again = []
        for index, values in enumerate(rows):
            event_id = created.get((values["channel"], values["key"]))
            if event_id and first[values["channel"], values["key"]] == index:
                results[index] = (event_id, True)
            else:
                again.append(index)
        if again:
            recorded = self._record_redeliveries([rows[index] for index in again])
            for index, (event_id, is_new, _failed) in zip(again, recorded, strict=True):
                results[index] = (event_id, is_new)
        return results

    @staticmethod
    def _fetched_body(event_type, data):
        """The stored body of a message the hub fetched: ``{"type": ..., "data": ...}`` as sorted JSON."""
        return json.dumps({"type": event_type, "data": data}, default=str, sort_keys=True)

    # --- processing -------------------------------------------------------
    @api.model
    def _cron_process_inbox(self):
        """The inbox worker: due events one at a time, each attempt counted before its work (see integration.queue)."""
        return self._queue_drain()

    def _process(self):
        """Process these events now, in the current transaction (manual entry, imports, tests)."""
        for event in self:
            event.write({"state": PROCESSING, "attempts": event.attempts + 1, "started_at": fields.Datetime.now()})
            event._queue_work()

    def _queue_work(self):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                data = self._payload()
                hub_type, data = self.channel_id._adapter()._normalize_event(self, data)
                handler = getattr(self, "_handle_" + (hub_type or "").replace(".", "_").replace("/", "_"), None)
                if handler is None:
                    raise PermanentError(
                        _(
                            "No handler for event type '%(type)s' on %(platform)s channels yet. The message is kept "
                            "in the inbox: once the module that handles it is installed, retry it from here.",
                            type=hub_type,
                            platform=self.channel_id.platform,
                        )
                    )
                result = handler(data)
        except RetryableError as error:
            self._schedule_retry(error)
        except CONCURRENCY_ERRORS as error:
            # another worker touched the same rows: a later transaction will see its result. Losing a
            # race is not the message's fault, so it costs no attempt.
            self.write({"attempts": self.attempts - 1})
            retry = RetryableError(f"concurrent update ({error.__class__.__name__})", seconds=random.uniform(1, 5))
            self._schedule_retry(retry)
        except (PermanentError, PayloadError) as error:
            self._set_failed(str(error))
        except Exception as error:  # a bug or an unforeseen input: keep the event, tell a manager
            _logger.exception("Inbox event %s failed unexpectedly", self.id)
            self._set_failed(f"Unexpected error: {error}\n\n{traceback.format_exc(limit=5)}")
        else:
            values = {"state": DONE, "processed_at": fields.Datetime.now(), "error": False}
            if isinstance(result, models.BaseModel) and result:
                values.update(res_model=result._name, res_id=result[:1].id)
            elif result == DUPLICATE:
                values["state"] = DUPLICATE
            self.write(values)

    def _max_attempts(self):
        """Attempts before an event is failed: ``integration_hub.inbox_max_attempts`` (default 6)."""
        return int(self._queue_param("integration_hub.inbox_max_attempts", INBOX_MAX_ATTEMPTS, minimum=1))

    def _queue_abandoned(self):
        """The worker died during this event (time limit, memory, crash): try again later, then give up."""
        if self.attempts >= self._max_attempts():
            self._set_failed(
                _(
                    "The worker processing this message stopped %(n)s times before finishing it (a time or memory "
                    "limit, or a crash). The other messages went on. Check the server log at %(at)s for the cause "
                    "(e.g. an order far larger than usual), fix it, then use 'Retry'; or set the message aside.",
                    n=self.attempts,
                    at=self.started_at,
                )
            )
            return
        delay = max(30.0, full_jitter_delay(self.attempts, INBOX_RETRY_BASE, INBOX_RETRY_CAP))
        self.write(
            {
                "state": RECEIVED,
                "error": _("Interrupted: the worker stopped during attempt %s; it will be tried again.", self.attempts),
                "next_attempt_at": self._queue_retry_at(delay),
            }
        )

    def _payload(self):
        """The stored body as a dict ({"type", "data"} envelopes are unwrapped to data).

        Raises PayloadError when the stored body is not readable JSON (see lib.json_document).
        """
        self.ensure_one()
        raw = base64.b64decode(self.payload) if self.payload_encoding == "base64" else self.payload
        document = json_document.loads(raw or "null")
        # an envelope may carry more than type and data (e.g. Standard Webhooks' "timestamp")
        if isinstance(document, dict) and isinstance(document.get("type"), str) and "data" in document:
            return document["data"]
        return document

    def _schedule_retry(self, error):
        if self.attempts >= self._max_attempts():
            self._set_failed(_("Gave up after %(n)s attempts: %(error)s", n=self.attempts, error=error))
            return
        delay = (
            error.seconds
            if error.seconds is not None
            else full_jitter_delay(self.attempts, INBOX_RETRY_BASE, INBOX_RETRY_CAP)
        )
        next_attempt_at = self._queue_retry_at(delay)
        self.write({"state": RECEIVED, "error": str(error), "next_attempt_at": next_attempt_at})
        self._queue_wake(at=next_attempt_at)

    def _set_failed(self, reason):
        self.write({"state": FAILED, "error": reason, "processed_at": fields.Datetime.now()})
        self._open_failure_exception(reason)

    def _open_failure_exception(self, reason):
        self.env["integration.sync.exception"]._open(
            "failed_event",
            _lt(
                "Inbound %(type)s message %(key)s failed",
                type=self.event_type or _("unknown"),
                key=self.idempotency_key,
            ),
            _lt(
                "%(reason)s\n\nThe raw message is kept in the inbox (event %(id)s). Fix the cause (data, "
                "mapping or configuration), then use 'Retry' on the event, or decide to drop it here.",
                reason=reason,
                id=self.id,
            ),
            record=self,
            channel=self.channel_id,
            event_id=self.id,
            dedupe_key=f"event:{self.id}",
        )

    # --- manager actions --------------------------------------------------
    def _check_manager(self, what):
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise UserError(_("Only Integration Hub managers can %s.", what))

    def action_retry(self):
        self._check_manager(_("retry inbox events"))
        for event in self:
            if event.state not in (FAILED, SKIPPED):
                raise UserError(_("Only failed or set-aside events can be retried."))
            self.env["integration.audit.log"]._log(
                "event_retry",
                event,
                reason=_("Retried by a manager"),
                before={"state": event.state, "error": event.error},
            )
        self.sudo().write({"state": RECEIVED, "attempts": 0, "next_attempt_at": False})
        self._queue_wake()
        return True

    def action_set_aside(self, reason):
        """A manager takes events out of the queue (e.g. one that keeps stopping the worker); kept, audited."""
        self._check_manager(_("set inbox events aside"))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why the message is set aside: the reason is kept in the audit log."))
        for event in self:
            if event.state == PROCESSING and not event._queue_unlocked():
                raise UserError(_("Event %s is being processed right now: set it aside once it has stopped.", event.id))
            if event.state not in (RECEIVED, FAILED, PROCESSING):
                raise UserError(
                    _("Event %s is %s: only waiting or failed events can be set aside.", event.id, event.state)
                )
            self.env["integration.audit.log"]._log(
                "event_set_aside", event, reason=reason, before={"state": event.state}, after={"state": SKIPPED}
            )
        self.sudo().write({"state": SKIPPED, "processed_at": fields.Datetime.now(), "error": reason})
        return True

    def action_open_set_aside(self):
        self._check_manager(_("set inbox events aside"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Put aside"),
            "res_model": "integration.event.set.aside",
            "view_mode": "form",
            "target": "new",
            "context": {"default_event_ids": self.ids},
        }
