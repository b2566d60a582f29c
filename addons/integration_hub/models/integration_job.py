import json
import logging
import traceback
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ..lib.backoff import full_jitter_delay
from ..lib.delivery import Accepted, StillProcessing, as_delivered
from ..lib.errors import AuthError, PermanentError, RetryableError

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

PENDING, RUNNING, DONE, DEAD, CANCELLED = "pending", "running", "done", "dead", "cancelled"
# asynchronous platforms: the message was taken in, the platform reports later (checked by _check_<type>)
SENT, CONFIRMED = "sent", "confirmed"
# the check step's own backoff: first check after the platform's hint, then up to CHECK_CAP apart
CHECK_BASE_SECONDS, CHECK_CAP_SECONDS, CHECK_MAX = 60, 1800, 48


class IntegrationJob(models.Model):
    """The outbox: every outbound push, retried with backoff until done or dead.

    Delivery is at least once: a job is resent only when its worker died
    during that job's own call (see integration.queue), never because another
    job of the same run failed. A platform that answers "accepted, check later"
    moves the job to ``sent``; the same queue then asks it (``_check_<job type>``,
    with its own backoff) until it is ``confirmed`` or failed (dead). A job is
    only ever queued for a duty the channel takes (``integration.channel._takes``),
    and a channel whose credentials were refused has its jobs parked, not retried.
    """

    _name = "integration.job"
    _inherit = ["integration.queue"]
    _description = "Integration outbox job"
    _order = "id desc"
    _rec_name = "idempotency_key"

    _queue_ready_state = (PENDING, SENT)  # SENT: a check of an accepted message is due
    _queue_busy_state = RUNNING
    _queue_cron_xmlid = "integration_hub.ir_cron_run_outbox"
    # no due date: parked until an administrator resumes the channel's outbound work
    _queue_due_sql = "q.next_attempt_at IS NOT NULL AND q.next_attempt_at <= %(now)s"
    _queue_channel_sql = "c.state = 'live'"
    _queue_order_sql = "q.next_attempt_at, q.id"

    channel_id = fields.Many2one("integration.channel", required=True, index=True, ondelete="restrict", readonly=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    job_type = fields.Selection(
        [
            ("inventory", "Inventory levels"),
            ("fulfillment", "Fulfillment / tracking"),
            ("tracking", "Tracking update"),
            ("order_status", "Order status"),
            ("return_status", "Return status"),
            ("acknowledge", "Order acknowledgement"),
            ("email", "Email"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    idempotency_key = fields.Char(required=True, readonly=True)
    payload = fields.Text(readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    state = fields.Selection(
        [
            (PENDING, "Pending"),
            (RUNNING, "Running"),
            (SENT, "Sent, awaiting confirmation"),
            (DONE, "Done"),
            (CONFIRMED, "Confirmed"),
            (DEAD, "Dead"),
            (CANCELLED, "Cancelled"),
        ],
        default=PENDING,
        required=True,
        index=True,
        readonly=True,
    )
    max_attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True, default=fields.Datetime.now)
    last_error = fields.Text(readonly=True)
    done_at = fields.Datetime(readonly=True)
    response_summary = fields.Char(readonly=True)
    remote_ref = fields.Char(
        string="Platform reference", readonly=True, help="What the platform gave to ask about the message later."
    )
    sent_at = fields.Datetime(readonly=True, help="When the platform accepted the message for later processing.")
    sent_attempts = fields.Integer(readonly=True, help="Attempts counted when the message was accepted.")

    _sql_constraints = [
        ("channel_idempotency_key_unique", "unique(channel_id, idempotency_key)", "This message is already queued."),
    ]

    def init(self):
        self.env.cr.execute("DROP INDEX IF EXISTS integration_job_ready_idx")
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS integration_job_due_idx
                   ON integration_job (next_attempt_at, id) WHERE state IN ('pending', 'sent')"""
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS integration_job_busy_idx ON integration_job (id) WHERE state = 'running'"
        )

    # --- enqueue ----------------------------------------------------------
    @api.model
    def _enqueue(self, channel, job_type, idempotency_key, payload, record=None):
        """Queue a push once: the same key on the same channel is never queued twice.

        Nothing is queued (an empty recordset is returned) for a duty the channel does not take: its
        platform does not declare it, the channel switched it off, or its settings lack what it needs
        (e.g. a generic channel without an API base URL): a message that cannot be delivered is never
        created, so it never dies in the outbox.
        """
        if not channel._takes(job_type):
            return self.browse()
        now = fields.Datetime.now()  # second precision, like every "due" comparison
        self.env.cr.execute(
            """
            INSERT INTO integration_job (channel_id, company_id, job_type, idempotency_key, payload, res_model,
                                         res_id, state, attempts, max_attempts, next_attempt_at,
                                         create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, 'pending', 0, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (channel_id, idempotency_key) DO NOTHING
            RETURNING id
            """,
            [
                channel.id,
                channel.company_id.id,
                job_type,
                idempotency_key,
                json.dumps(payload, default=str, sort_keys=True),
                record._name if record else None,
                record.id if record else None,
                channel.retry_max_attempts,
                now,
                self.env.uid,
                now,
                self.env.uid,
                now,
            ],
        )
        row = self.env.cr.fetchone()
        if row:
            self._queue_wake()
            return self.browse(row[0])
        return self.search([("channel_id", "=", channel.id), ("idempotency_key", "=", idempotency_key)], limit=1)

    def _payload(self):
        self.ensure_one()
        return json.loads(self.payload or "null")

    # --- running ----------------------------------------------------------
    @api.model
    def _cron_run_outbox(self):
        """The outbox worker: due jobs one at a time, each committed right after its answer."""
        return self._queue_drain()

    def _queue_work(self):
        if self.sent_at:
            self._check_sent()
        else:
            self._run()

    def _run(self):
        """Deliver this job once (its attempt is already counted) and record the answer."""
        self.ensure_one()
        channel = self.channel_id
        if channel.outbound_paused:
            self._park()  # not an attempt: nothing was sent
            return
        try:
            with self.env.cr.savepoint():
                result = channel._adapter()._push(self)
        except AuthError as error:
            channel._park_outbound(error)
            self._park(str(error))
        except RetryableError as error:
            self._retry_later(error)
        except PermanentError as error:
            self._set_dead(str(error))
        except Exception as error:
            _logger.exception("Outbox job %s failed unexpectedly", self.id)
            self._set_dead(f"Unexpected error: {error}\n\n{traceback.format_exc(limit=5)}")
        else:
            if isinstance(result, Accepted):
                self.write(
                    {
                        "state": SENT,
                        "remote_ref": result.remote_ref,
                        "sent_at": fields.Datetime.now(),
                        "sent_attempts": self.attempts,
                        "last_error": False,
                        "response_summary": result.summary or False,
                        "next_attempt_at": fields.Datetime.now() + timedelta(seconds=max(0, result.check_after)),
                    }
                )
                return
            self._set_delivered(DONE, as_delivered(result))

    def _check_sent(self):
        """Ask the platform about a message it accepted for later: confirmed, still processing or failed."""
        self.ensure_one()
        checks = self.attempts - self.sent_attempts
        try:
            with self.env.cr.savepoint():
                result = self.channel_id._adapter()._check(self)
        except AuthError as error:
            self.channel_id._park_outbound(error)
            self._park(str(error), state=SENT)
        except RetryableError as error:
            self._check_later(checks, error.seconds, str(error))
        except PermanentError as error:
            self._set_dead(_("The platform reported the message as failed: %s", error))
        except Exception as error:
            _logger.exception("Outbox job %s: checking failed unexpectedly", self.id)
            self._set_dead(f"Unexpected error while checking: {error}\n\n{traceback.format_exc(limit=5)}")
        else:
            if isinstance(result, StillProcessing):
                self._check_later(checks, result.check_after, False)
            else:
                self._set_delivered(CONFIRMED, as_delivered(result))

    def _check_later(self, checks, seconds, error):
        if checks >= CHECK_MAX:
            self._set_dead(
                _("The platform did not confirm the message after %(n)s checks. %(error)s", n=checks, error=error or "")
            )
            return
        delay = seconds if seconds is not None else full_jitter_delay(checks, CHECK_BASE_SECONDS, CHECK_CAP_SECONDS)
        self.write(
            {
                "state": SENT,
                "last_error": error,
                "next_attempt_at": fields.Datetime.now() + timedelta(seconds=max(CHECK_BASE_SECONDS / 2, delay)),
            }
        )

    def _set_delivered(self, state, delivered):
        """done / confirmed; what the platform refused inside the message becomes one exception per item."""
        self.write(
            {
                "state": state,
                "done_at": fields.Datetime.now(),
                "last_error": False,
                "response_summary": (delivered.summary or "")[:200] or False,
            }
        )
        if delivered.grouped and delivered.item_errors:
            self._open_report_exception(delivered.item_errors)
        else:
            for item, message in delivered.item_errors.items():
                self._open_item_exception(item, message)
        self._after_delivery(set(delivered.item_errors))

    def _open_report_exception(self, item_errors):
        """One exception for a platform's report (a feed, an import) naming every item it refused."""
        channel, items = self.channel_id, sorted(item_errors)
        self.env["integration.sync.exception"]._open(
            "item_refused",
            _lt(
                "%(channel)s refused %(count)s items (%(type)s): %(items)s",
                channel=channel.name,
                count=len(items),
                type=self.job_type,
                items=", ".join(items)[:150],
            ),
            _lt(
                "%(channel)s processed the %(type)s message %(key)s and refused these items:\n%(lines)s\n\nThe rest "
                "was delivered. Correct each item in %(channel)s (does it exist there, with this SKU?); the next "
                "publication sends them again.",
                channel=channel.name,
                type=self.job_type,
                key=self.idempotency_key,
                lines="\n".join(f"- {item}: {item_errors[item]}" for item in items),
            ),
            record=channel,
            channel=channel,
            job_id=self.id,
            dedupe_key=f"report:{channel.id}:{self.id}",
        )

    def _open_item_exception(self, item, message):
        channel = self.channel_id
        self.env["integration.sync.exception"]._open(
            "item_refused",
            _lt("%(channel)s refused %(item)s (%(type)s)", channel=channel.name, item=item, type=self.job_type),
            _lt(
                "%(channel)s took the %(type)s message %(key)s but refused %(item)s: %(message)s\n\nThe rest was "
                "delivered. Check %(item)s in %(channel)s (does it exist there, with this SKU, and does it track "
                "stock?), correct it, then the next publication sends it again.",
                channel=channel.name,
                type=self.job_type,
                key=self.idempotency_key,
                item=item,
                message=message,
            ),
            record=channel,
            channel=channel,
            job_id=self.id,
            dedupe_key=f"item:{channel.id}:{self.job_type}:{item}",
        )

    def _park(self, error=None, state=PENDING):
        """Waiting with no due date (not an attempt): 'Resume outbound' on the channel makes it due again."""
        values = {"state": state, "attempts": max(0, self.attempts - 1), "next_attempt_at": False}
        if error:
            values["last_error"] = error
        self.write(values)

    def _queue_abandoned(self):
        """The worker died during this job's call: the partner may or may not have it, so send it again."""
        if self.sent_at:  # it was a check: ask again later
            self._check_later(self.attempts - self.sent_attempts, None, _("interrupted while checking"))
            return
        error = RetryableError(_("interrupted: the worker stopped while sending attempt %s", self.attempts))
        self._retry_later(error)

    def _after_delivery(self, refused=frozenset()):
        """What becomes true once the channel has the message (e.g. a level is published).

        ``refused``: the items the platform refused inside the message; they are not published.
        """
        if self.job_type == "inventory":
            self.env["integration.inventory.level"].flush_model()
            self.env.cr.execute(
                """UPDATE integration_inventory_level
                      SET published_qty = pending_qty, published_at = %s
                    WHERE job_id = %s AND (sku IS NULL OR NOT (sku = ANY(%s)))""",
                [self.done_at, self.id, list(refused)],
            )
            self.env["integration.inventory.level"].invalidate_model(["published_qty", "published_at"])

    def _retry_delay(self, error):
        """Seconds before the next attempt: the remote's Retry-After, else full jitter."""
        channel = self.channel_id
        if error.seconds is not None:
            return min(error.seconds, channel.retry_cap_seconds)
        return full_jitter_delay(self.attempts, channel.retry_base_seconds, channel.retry_cap_seconds)

    def _retry_later(self, error):
        if self.attempts >= (self.max_attempts or self.channel_id.retry_max_attempts):
            self._set_dead(_("Gave up after %(n)s attempts. Last error: %(error)s", n=self.attempts, error=error))
            return
        next_attempt_at = self._queue_retry_at(self._retry_delay(error))
        self.write({"state": PENDING, "last_error": str(error), "next_attempt_at": next_attempt_at})
        self._queue_wake(at=next_attempt_at)

    def _set_dead(self, reason):
        self.write({"state": DEAD, "last_error": reason})
        self.env["integration.sync.exception"]._open(
            "dead_job",
            _lt("Outbound %(type)s %(key)s could not be delivered", type=self.job_type, key=self.idempotency_key),
            _lt(
                "%(reason)s\n\nNothing was lost: the message is kept in the outbox (job %(id)s). Fix the cause "
                "(credentials, endpoint, data), then use 'Retry' on the job.",
                reason=reason,
                id=self.id,
            ),
            record=self,
            channel=self.channel_id,
            job_id=self.id,
            severity="critical",
            dedupe_key=f"job:{self.id}",
        )

    # --- manager actions --------------------------------------------------
    def action_retry(self):
        """A manager sends a dead job again, with a fresh set of attempts."""
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise UserError(_("Only Integration Hub managers can retry outbox jobs."))
        for job in self:
            if job.state != DEAD:
                raise UserError(_("Only dead jobs can be retried."))
            self.env["integration.audit.log"]._log(
                "job_retry", job, reason=_("Retried by a manager"), before={"state": DEAD, "error": job.last_error}
            )
        self.sudo().write({"state": PENDING, "attempts": 0, "next_attempt_at": fields.Datetime.now(), "sent_at": False})
        self._queue_wake()
        return True

    def action_cancel(self):
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise UserError(_("Only Integration Hub managers can cancel outbox jobs."))
        for job in self.filtered(lambda j: j.state in (PENDING, DEAD)):
            self.env["integration.audit.log"]._log(
                "job_cancel",
                job,
                reason=_("Cancelled by a manager: the message will never be sent"),
                before={"state": job.state},
                after={"state": CANCELLED},
            )
        self.filtered(lambda j: j.state in (PENDING, DEAD)).sudo().write({"state": CANCELLED})
        return True
