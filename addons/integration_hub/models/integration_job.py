import json
import logging
import traceback
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.backoff import full_jitter_delay
from ..lib.errors import PermanentError, RetryableError

_logger = logging.getLogger(__name__)

PENDING, RUNNING, DONE, DEAD, CANCELLED = "pending", "running", "done", "dead", "cancelled"


class IntegrationJob(models.Model):
    """The outbox: every outbound push, retried with backoff until done or dead.

    Delivery is at least once: a job is resent only when its worker died
    during that job's own call (see integration.queue), never because another
    job of the same run failed.
    """

    _name = "integration.job"
    _inherit = ["integration.queue"]
    _description = "Integration outbox job"
    _order = "id desc"
    _rec_name = "idempotency_key"

    _queue_ready_state = PENDING
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
            ("order_status", "Order status"),
            ("return_status", "Return status"),
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
        [(PENDING, "Pending"), (RUNNING, "Running"), (DONE, "Done"), (DEAD, "Dead"), (CANCELLED, "Cancelled")],
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

    _sql_constraints = [
        ("channel_idempotency_key_unique", "unique(channel_id, idempotency_key)", "This message is already queued."),
    ]

    def init(self):
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS integration_job_ready_idx
                   ON integration_job (next_attempt_at, id) WHERE state = 'pending'"""
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS integration_job_busy_idx ON integration_job (id) WHERE state = 'running'"
        )

    # --- enqueue ----------------------------------------------------------
    @api.model
    def _enqueue(self, channel, job_type, idempotency_key, payload, record=None):
        """Queue a push once: the same key on the same channel is never queued twice."""
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
        self._run()

    def _run(self):
        """Deliver this job once (its attempt is already counted) and record the answer."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                response = self.channel_id._adapter()._push(self)
        except RetryableError as error:
            self._retry_later(error)
        except PermanentError as error:
            self._set_dead(str(error))
        except Exception as error:
            _logger.exception("Outbox job %s failed unexpectedly", self.id)
            self._set_dead(f"Unexpected error: {error}\n\n{traceback.format_exc(limit=5)}")
        else:
            summary = getattr(response, "status_code", None)
            self.write(
                {
                    "state": DONE,
                    "done_at": fields.Datetime.now(),
                    "last_error": False,
                    "response_summary": f"HTTP {summary}" if summary else False,
                }
            )
            self._after_delivery()

    def _queue_abandoned(self):
        """The worker died during this job's call: the partner may or may not have it, so send it again."""
        error = RetryableError(_("interrupted: the worker stopped while sending attempt %s", self.attempts))
        self._retry_later(error)

    def _after_delivery(self):
        """Hook: what becomes true once the channel has the message (e.g. a level is published)."""
        if self.job_type == "inventory":
            self.env["integration.inventory.level"].flush_model()
            self.env.cr.execute(
                """UPDATE integration_inventory_level
                      SET published_qty = pending_qty, published_at = %s
                    WHERE job_id = %s""",
                [self.done_at, self.id],
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
        next_attempt_at = fields.Datetime.now() + timedelta(seconds=self._retry_delay(error))
        self.write({"state": PENDING, "last_error": str(error), "next_attempt_at": next_attempt_at})
        self._queue_wake(at=next_attempt_at)

    def _set_dead(self, reason):
        self.write({"state": DEAD, "last_error": reason})
        self.env["integration.sync.exception"]._open(
            "dead_job",
            _("Outbound %(type)s %(key)s could not be delivered", type=self.job_type, key=self.idempotency_key),
            _(
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
        self.sudo().write({"state": PENDING, "attempts": 0, "next_attempt_at": fields.Datetime.now()})
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
