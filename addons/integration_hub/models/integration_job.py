import json
import logging
import traceback
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.backoff import full_jitter_delay
from ..lib.errors import PermanentError, RetryableError
from .integration_event import hub_may_commit

_logger = logging.getLogger(__name__)

PENDING, RUNNING, DONE, DEAD, CANCELLED = "pending", "running", "done", "dead", "cancelled"
OUTBOX_BATCH_SIZE = 20


class IntegrationJob(models.Model):
    """The outbox: every outbound push, retried with backoff until done or dead."""

    _name = "integration.job"
    _description = "Integration outbox job"
    _order = "id desc"
    _rec_name = "idempotency_key"

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
    attempts = fields.Integer(readonly=True)
    max_attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True, default=fields.Datetime.now)
    last_error = fields.Text(readonly=True)
    done_at = fields.Datetime(readonly=True)
    response_summary = fields.Char(readonly=True)

    _sql_constraints = [
        ("channel_idempotency_key_unique", "unique(channel_id, idempotency_key)", "This message is already queued."),
    ]

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
        self.env.ref("integration_hub.ir_cron_run_outbox").sudo()._trigger()
        if row:
            return self.browse(row[0])
        return self.search([("channel_id", "=", channel.id), ("idempotency_key", "=", idempotency_key)], limit=1)

    def _payload(self):
        self.ensure_one()
        return json.loads(self.payload or "null")

    # --- running ----------------------------------------------------------
    @api.model
    def _claim_batch(self, limit=OUTBOX_BATCH_SIZE):
        self.env["integration.channel"].flush_model(["state"])
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT j.id
              FROM integration_job j
              JOIN integration_channel c ON c.id = j.channel_id
             WHERE j.state = 'pending'
               AND c.state = 'live'
               AND j.next_attempt_at <= %s
             ORDER BY j.next_attempt_at, j.id
             LIMIT %s
               FOR UPDATE OF j SKIP LOCKED
            """,
            [fields.Datetime.now(), limit],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _cron_run_outbox(self, batch_size=OUTBOX_BATCH_SIZE, max_batches=100):
        commit = hub_may_commit(self.env)
        for _batch in range(max_batches):
            jobs = self._claim_batch(batch_size)
            if not jobs:
                break
            for job in jobs:
                job._run()
            if commit:
                self.env.cr.commit()

    def _run(self):
        self.ensure_one()
        self.write({"state": RUNNING, "attempts": self.attempts + 1})
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
        self.write(
            {
                "state": PENDING,
                "last_error": str(error),
                "next_attempt_at": fields.Datetime.now() + timedelta(seconds=self._retry_delay(error)),
            }
        )

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
        self.env.ref("integration_hub.ir_cron_run_outbox").sudo()._trigger()
        return True

    def action_cancel(self):
        if not self.env.user.has_group("integration_hub.group_hub_manager"):
            raise UserError(_("Only Integration Hub managers can cancel outbox jobs."))
        for job in self.filtered(lambda j: j.state in (PENDING, DEAD)):
            self.env["integration.audit.log"]._log(
                "job_retry",
                job,
                reason=_("Cancelled by a manager: the message will never be sent"),
                before={"state": job.state},
                after={"state": CANCELLED},
            )
        self.filtered(lambda j: j.state in (PENDING, DEAD)).sudo().write({"state": CANCELLED})
        return True
