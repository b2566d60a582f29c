import base64
import json
import logging
import threading
import traceback
from datetime import UTC, datetime, timedelta

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.backoff import full_jitter_delay
from ..lib.errors import PayloadError, PermanentError, RetryableError

_logger = logging.getLogger(__name__)

CONCURRENCY_ERRORS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.LockNotAvailable)
RECEIVED, PROCESSING, DONE, DUPLICATE, FAILED = "received", "processing", "done", "duplicate", "failed"
INBOX_BATCH_SIZE = 50
# Inbound retries are short: the source already retries on its side too.
INBOX_RETRY_BASE, INBOX_RETRY_CAP, INBOX_MAX_ATTEMPTS = 10, 900, 6


def hub_may_commit(env):
    """Commit per batch in production; never inside a test transaction."""
    return not (env.registry.in_test_mode() or getattr(threading.current_thread(), "testing", False))


class IntegrationEvent(models.Model):
    """The inbox: every inbound message stored raw before anything else happens to it."""

    _name = "integration.event"
    _description = "Integration inbox event"
    _order = "id desc"
    _rec_name = "idempotency_key"

    channel_id = fields.Many2one("integration.channel", required=True, index=True, ondelete="restrict", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    idempotency_key = fields.Char(required=True, readonly=True, help="Unique per channel: a redelivery is a duplicate.")
    event_type = fields.Char(index=True, readonly=True)
    source = fields.Selection(
        [("webhook", "Webhook"), ("poll", "Poll"), ("file", "File"), ("email", "Email"), ("manual", "Manual")],
        required=True,
        default="webhook",
        readonly=True,
    )
    payload = fields.Text(readonly=True, help="The body exactly as received (base64 when it was not UTF-8).")
    payload_encoding = fields.Selection([("utf-8", "UTF-8"), ("base64", "Base64")], default="utf-8", readonly=True)
    headers = fields.Text(readonly=True)
    remote_ip = fields.Char(readonly=True)
    state = fields.Selection(
        [
            (RECEIVED, "Received"),
            (PROCESSING, "Processing"),
            (DONE, "Done"),
            (DUPLICATE, "Duplicate"),
            (FAILED, "Failed"),
        ],
        default=RECEIVED,
        required=True,
        index=True,
        readonly=True,
    )
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    error = fields.Text(readonly=True)
    received_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    processed_at = fields.Datetime(readonly=True)
    source_timestamp = fields.Datetime(string="Sent by source at", readonly=True)
    lag_seconds = fields.Float(
        compute="_compute_lags", store=True, string="Intake lag (s)", help="Source timestamp to receipt."
    )
    processing_seconds = fields.Float(compute="_compute_lags", store=True, string="Processing delay (s)")
    duplicate_count = fields.Integer(readonly=True, help="Redeliveries of this same message, ignored.")
    last_seen_at = fields.Datetime(readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)

    _sql_constraints = [
        (
            "channel_idempotency_key_unique",
            "unique(channel_id, idempotency_key)",
            "This message was already received on this channel.",
        ),
    ]

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
    ):
        """Store one inbound message; return (event id, True if new).

        One SQL statement, race-free: a redelivery of the same key (webhook
        retry, webhook + poll, two workers) only bumps the original's
        duplicate counter and last-seen time.
        """
        if isinstance(body, bytes):
            try:
                payload, encoding = body.decode("utf-8"), "utf-8"
                if "\x00" in payload:  # PostgreSQL text cannot hold NUL
                    raise UnicodeDecodeError("utf-8", body, 0, 1, "NUL byte")
            except UnicodeDecodeError:
                payload, encoding = base64.b64encode(body).decode(), "base64"
        else:
            payload, encoding = body, "utf-8"
        sent_at = (
            datetime.fromtimestamp(source_timestamp, tz=UTC).replace(tzinfo=None)
            if isinstance(source_timestamp, (int, float))
            else source_timestamp
        )
        self.env.cr.execute(
            """
            INSERT INTO integration_event (
                channel_id, company_id, idempotency_key, event_type, source, payload,
                payload_encoding, headers, remote_ip, state, error, attempts, duplicate_count,
                received_at, last_seen_at, source_timestamp, lag_seconds, processing_seconds,
                create_uid, create_date, write_uid, write_date)
            VALUES (%(channel)s, %(company)s, %(key)s, %(type)s, %(source)s, %(payload)s,
                    %(encoding)s, %(headers)s, %(ip)s, %(state)s, %(error)s, 0, 0,
                    %(now)s, %(now)s, %(sent_at)s,
                    COALESCE(EXTRACT(EPOCH FROM (%(now)s - %(sent_at)s::timestamp)), 0), 0,
                    %(uid)s, %(now)s, %(uid)s, %(now)s)
            ON CONFLICT (channel_id, idempotency_key) DO UPDATE
               SET duplicate_count = integration_event.duplicate_count + 1,
                   last_seen_at = EXCLUDED.last_seen_at
            RETURNING id, (xmax = 0) AS inserted
            """,
            {
                "channel": channel.id,
                "company": channel.company_id.id,
                "key": idempotency_key,
                "type": event_type,
                "source": source,
                "payload": payload,
                "encoding": encoding,
                "headers": json.dumps(headers or {}, sort_keys=True),
                "ip": remote_ip,
                "state": FAILED if error else RECEIVED,
                "error": error,
                "now": datetime.now(UTC).replace(tzinfo=None),
                "sent_at": sent_at,
                "uid": self.env.uid,
            },
        )
        event_id, inserted = self.env.cr.fetchone()
        if inserted and error:
            event = self.browse(event_id)
            event._open_failure_exception(error)
        return event_id, inserted

    @api.model
    def _receive(self, channel, idempotency_key, event_type, data, source="poll", source_timestamp=None):
        """Intake for messages the hub fetched itself (polls, file rows, emails)."""
        body = json.dumps({"type": event_type, "data": data}, default=str, sort_keys=True)
        return self._intake(
            channel, idempotency_key, body, event_type=event_type, source=source, source_timestamp=source_timestamp
        )

    # --- processing -------------------------------------------------------
    @api.model
    def _claim_batch(self, limit=INBOX_BATCH_SIZE):
        """Lock up to ``limit`` due events; rows another worker holds are skipped."""
        self.env["integration.channel"].flush_model(["state"])
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT e.id
              FROM integration_event e
              JOIN integration_channel c ON c.id = e.channel_id
             WHERE e.state = 'received'
               AND c.state != 'paused'
               AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= %s)
             ORDER BY e.id
             LIMIT %s
               FOR UPDATE OF e SKIP LOCKED
            """,
            [fields.Datetime.now(), limit],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _cron_process_inbox(self, batch_size=INBOX_BATCH_SIZE, max_batches=200):
        """Process due events batch by batch, committing after each batch."""
        commit = hub_may_commit(self.env)
        batch_size = int(
            self.env["ir.config_parameter"].sudo().get_param("integration_hub.inbox_batch_size", batch_size)
        )
        for _batch in range(max_batches):
            events = self._claim_batch(batch_size)
            if not events:
                break
            events._process()
            if commit:
                self.env.cr.commit()

    def _process(self):
        channels = self.channel_id  # prefetch the batch's channels in one query
        channels.mapped("platform")
        for event in self:
            event._process_one()

    def _process_one(self):
        self.ensure_one()
        self.write({"state": PROCESSING, "attempts": self.attempts + 1})
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
            # another worker touched the same rows: a later transaction will see its result
            self._schedule_retry(RetryableError(f"concurrent update ({error.__class__.__name__})", seconds=0))
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

    def _payload(self):
        """The stored body as a dict ({"type", "data"} envelopes are unwrapped to data)."""
        self.ensure_one()
        raw = base64.b64decode(self.payload) if self.payload_encoding == "base64" else self.payload
        try:
            document = json.loads(raw or "null")
        except ValueError as error:
            raise PayloadError(f"stored body is not JSON: {error}") from None
        if isinstance(document, dict) and set(document) == {"type", "data"}:
            return document["data"]
        return document

    def _schedule_retry(self, error):
        if self.attempts >= INBOX_MAX_ATTEMPTS:
            self._set_failed(_("Gave up after %(n)s attempts: %(error)s", n=self.attempts, error=error))
            return
        delay = (
            error.seconds
            if error.seconds is not None
            else full_jitter_delay(self.attempts, INBOX_RETRY_BASE, INBOX_RETRY_CAP)
        )
        self.write(
            {
                "state": RECEIVED,
                "error": str(error),
                "next_attempt_at": fields.Datetime.now() + timedelta(seconds=delay),
            }
        )

    def _set_failed(self, reason):
        self.write({"state": FAILED, "error": reason, "processed_at": fields.Datetime.now()})
        self._open_failure_exception(reason)

    def _open_failure_exception(self, reason):
        self.env["integration.sync.exception"]._open(
            "failed_event",
            _(
                "Inbound %(type)s message %(key)s failed",
                type=self.event_type or _("unknown"),
                key=self.idempotency_key,
            ),
            _(
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
    def action_retry(self):
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise UserError(_("Only Integration Hub managers can retry inbox events."))
        for event in self:
            if event.state != FAILED:
                raise UserError(_("Only failed events can be retried."))
            self.env["integration.audit.log"]._log(
                "event_retry", event, reason=_("Retried by a manager"), before={"state": FAILED, "error": event.error}
            )
        self.sudo().write({"state": RECEIVED, "attempts": 0, "next_attempt_at": False})
        self.env.ref("integration_hub.ir_cron_process_inbox").sudo()._trigger()
        return True
