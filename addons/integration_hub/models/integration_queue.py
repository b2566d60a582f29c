import atexit
import functools
import logging
import math
import os
import threading
import time
from contextlib import closing
from datetime import timedelta

import psycopg2
from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models, tools
from odoo.sql_db import connection_info_for
from odoo.tools import SQL, config

from odoo.addons.base.models.ir_cron import ODOO_NOTIFY_FUNCTION

from ..lib.coalescing_notifier import CoalescingNotifier
from ..lib.time_budget import TimeBudget, budget_seconds

_logger = logging.getLogger(__name__)

# Another transaction touched the same rows: retry in a fresh transaction.
CONCURRENCY_ERRORS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.LockNotAvailable)
# An item still "busy" this long after its attempt began, and no longer locked by its worker, was
# abandoned (the worker was killed, hit a time limit or the server crashed). The delay only covers the
# instant between the attempt's commit and the work transaction's lock.
ABANDONED_AFTER_SECONDS = 30
CLAIM_RETRIES = 5
# A retry sooner than this wakes the workers itself: they would otherwise see it at their next minute poll.
SHORT_RETRY_SECONDS = 60
# Odoo runs one scheduled action in one worker at a time: a queue drained by N workers at once needs N
# scheduled actions. The first is the queue's own; the others are copies named "<xmlid>_run_<n>".
PARALLEL_RUNS_PARAM = "integration_hub.parallel_runs"
MAX_PARALLEL_RUNS = 8


def hub_may_commit(env):
    """Commit per item in production; never inside a test transaction."""
    return not (env.registry.in_test_mode() or getattr(threading.current_thread(), "testing", False))


# (process id, database) -> a connection this process keeps for its wake-ups. Keyed by process: a forked
# worker must neither use nor let go of its parent's connection (freeing it would close the socket).
_kept_connections = {}
# one lock per (process id, database): dict.setdefault is atomic, and a forked child's keys are its own,
# so no lock held by a parent thread at the fork can be inherited locked
_kept_connection_locks = {}
# a wake-up never waits long: a database that does not answer costs the wake-up, not the waker thread
KEPT_CONNECTION_OPTIONS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 30,
    "options": "-c synchronous_commit=off -c statement_timeout=5000",
}


def _execute_on_kept_connection(dbname, query, params=()):
    """Run one autocommitted statement on this process's kept connection to ``dbname``.

    The waker threads share it (one lock per connection). Its transactions do not wait for the disk
    (``synchronous_commit`` off): a wake-up lost in a database crash costs one cron interval, never a
    message. A broken connection is opened again once; any other error is raised as is.
    """
    key = (os.getpid(), dbname)
    with _kept_connection_locks.setdefault(key, threading.Lock()):
        for attempt in (1, 2):
            connection = _kept_connections.get(key)
            try:
                if connection is None or connection.closed:
                    connection = psycopg2.connect(**{**connection_info_for(dbname)[1], **KEPT_CONNECTION_OPTIONS})
                    connection.autocommit = True
                    _kept_connections[key] = connection
                with connection.cursor() as cr:
                    cr.execute(query, params)
                return
            except (psycopg2.OperationalError, psycopg2.InterfaceError):
                _kept_connections.pop(key, None)
                if connection is not None and not connection.closed:
                    connection.close()
                if attempt == 2:
                    raise


def _notify_cron_workers(dbname):
    """NOTIFY the cron workers, which LISTEN on the 'postgres' database (see ir.cron._notifydb).

    On a connection kept by this process: Odoo closes its pooled connections to 'postgres' after listing
    the databases, which ``--db-filter`` does on every request, so a pooled one meant a new PostgreSQL
    backend per wake-up: the costliest part of taking in a webhook.
    """
    notify = SQL("SELECT %s('cron_trigger', %s)", SQL.identifier(ODOO_NOTIFY_FUNCTION), dbname)
    _execute_on_kept_connection("postgres", notify.code, notify.params)


def _write_wake_rows(key):
    """Make the crons of ``key`` = (database, cron ids) due now, then wake the cron workers.

    The deferred half of ``_queue_wake_soon``: one trigger row per cron for every message this process
    committed in the last window, instead of a row per message in each message's own transaction. The
    notifier sends only after the poke, and the poke runs after the message's commit: a cron run that
    has not yet started sees the message; a run already under way cannot see this row (its snapshot is
    older) and so cannot delete it as served — the row makes a fresh run due. Crons deleted since this
    process read their ids (fewer parallel runs) are skipped.
    """
    dbname, cron_ids = key
    _execute_on_kept_connection(
        dbname,
        """INSERT INTO ir_cron_trigger (cron_id, call_at, create_date, write_date)
           SELECT id, clock_timestamp() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
             FROM ir_cron WHERE id = ANY(%s)""",
        [list(cron_ids)],
    )
    _notify_cron_workers(dbname)


_cron_waker = CoalescingNotifier(_notify_cron_workers)
# a webhook burst's wake-ups: processing may start 50 ms later, the rows and notifications are fewer
_wake_row_writer = CoalescingNotifier(_write_wake_rows, window=0.05, name="hub-wake-rows")
# a worker that exits (recycled after its request limit, stopped, restarted) first sends what is pending
atexit.register(_wake_row_writer.flush)
atexit.register(_cron_waker.flush)


def _kick_after_start(dbname, cron_id, due, delays=(3, 15)):
    """Make ``cron_id`` due and wake the workers if ``due`` (an SQL query) finds work.

    Runs in a thread of whatever process loaded the registry, the prefork master included: Odoo empties
    the master's connection pool before forking its workers, so this uses connections of its own,
    outside the pool, opened and closed for each look.
    """
    for delay in delays:  # the cron workers start listening a moment after the registry is loaded
        time.sleep(delay)
        try:
            with closing(psycopg2.connect(**connection_info_for(dbname)[1])) as connection:
                with connection, connection.cursor() as cr:
                    cr.execute(due.code, due.params)
                    if not cr.fetchone():
                        return
                    cr.execute(
                        "INSERT INTO ir_cron_trigger (cron_id, call_at)"
                        " VALUES (%s, clock_timestamp() AT TIME ZONE 'UTC')",
                        [cron_id],
                    )
            with closing(psycopg2.connect(**connection_info_for("postgres")[1])) as connection:
                connection.autocommit = True
                with connection.cursor() as cr:
                    notify = SQL("SELECT %s('cron_trigger', %s)", SQL.identifier(ODOO_NOTIFY_FUNCTION), dbname)
                    cr.execute(notify.code, notify.params)
        except psycopg2.Error:  # the minute tick remains
            _logger.warning("Could not wake the workers after start", exc_info=True)
            return


class IntegrationQueue(models.AbstractModel):
    """Durable work queue shared by the inbox and the outbox.

    One item at a time: its attempt is counted and committed *before* the work
    (so a worker that dies on an item still counts that attempt), the work runs
    in its own transaction holding the item's row lock, and its result is
    committed at once. A run stops taking items when its time budget is spent
    and wakes a fresh run. Items left busy by a dead worker are found by their
    missing row lock and go back to the queue, or give up after the last
    attempt (the model decides how, e.g. failed + exception).

    A model using it sets the ``_queue_*`` attributes and implements
    ``_queue_work()`` and ``_queue_abandoned()``.
    """

    _name = "integration.queue"
    _description = "Integration work queue"

    _queue_ready_state = None  # waiting for a worker, e.g. "received" (or a tuple of such states)
    _queue_busy_state = None  # a worker has it, e.g. "processing"
    _queue_cron_xmlid = None  # the cron that drains the queue
    # SQL on the item (alias q) and its channel (alias c): which ready items are due
    _queue_due_sql = "(q.next_attempt_at IS NULL OR q.next_attempt_at <= %(now)s)"
    _queue_channel_sql = "c.state != 'paused'"
    _queue_order_sql = "q.id"

    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    started_at = fields.Datetime(string="Last attempt started", readonly=True)

    # --- the loop -----------------------------------------------------------
    @api.model
    def _queue_drain(self, abandoned_after=ABANDONED_AFTER_SECONDS):
        """Process due items until none is left or the time budget is spent; return how many were taken."""
        commit = hub_may_commit(self.env)
        budget = TimeBudget(self._queue_time_budget())
        self._queue_requeue_abandoned(abandoned_after, commit)
        taken = 0
        while not budget.spent():
            item = self._queue_claim_next(commit)
            if item is None:  # other workers kept winning the race for the next item: let a fresh run try
                self._queue_wake()
                self._queue_commit(commit)
                return taken
            if not item:
                return taken
            taken += 1
            if item._queue_lock(commit):
                item._queue_work()
            self._queue_commit(commit)
        if self._queue_due_exists():
            self._queue_wake()  # a fresh run, with a fresh time limit, takes the rest
            self._queue_commit(commit)
        return taken

    @api.model
    def _queue_param(self, name, default, minimum):
        """A numeric system parameter; a value that is not a number (or too small) falls back to ``default``."""
        value = self.env["ir.config_parameter"].sudo().get_param(name)
        if not value or value.strip() in ("0", "0.0"):  # unset (the settings page stores 0 for empty)
            return default
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or number < minimum:
            _logger.warning(
                "System parameter %s = %r is not a number of at least %s: using %s", name, value, minimum, default
            )
            return default
        return number

    @api.model
    def _queue_time_budget(self):
        """Seconds a run may keep taking items: ``integration_hub.cron_time_budget_seconds``, else Odoo's limits."""
        return self._queue_param(
            "integration_hub.cron_time_budget_seconds",
            budget_seconds(
                config.get("limit_time_cpu"),
                config.get("limit_time_real"),
                config.get("limit_time_real_cron", -1),
                threaded=not config.get("workers"),
            ),
            minimum=1,
        )

    def _queue_commit(self, commit):
        if commit:
            self.env.cr.commit()

    # --- claiming -----------------------------------------------------------
    def _queue_where(self, now=None):
        ready = self._queue_ready_state
        return SQL(
            f"q.state IN %(ready)s AND {self._queue_channel_sql} AND {self._queue_due_sql}",
            ready=tuple(ready) if isinstance(ready, (tuple, list)) else (ready,),
            now=fields.Datetime.now() if now is None else now,
        )

    @api.model
    def _queue_claim_next(self, commit=True):
        """Take the next due item and count its attempt; in production the attempt is committed here.

        Returns the item, an empty recordset when nothing is due, or None when other workers kept
        changing the candidates under this one (the caller wakes a fresh run instead of stopping).
        """
        self.flush_model()
        self.env["integration.channel"].flush_model(["state"])
        query = SQL(
            """UPDATE %(table)s t
                  SET state = %(busy)s, attempts = t.attempts + 1, started_at = %(now)s, write_date = %(now)s
                WHERE t.id = (SELECT q.id
                                FROM %(table)s q
                                JOIN integration_channel c ON c.id = q.channel_id
                               WHERE %(where)s
                               ORDER BY %(order)s
                               LIMIT 1
                                 FOR NO KEY UPDATE OF q SKIP LOCKED)
            RETURNING t.id""",
            table=SQL.identifier(self._table),
            busy=self._queue_busy_state,
            now=fields.Datetime.now(),
            where=self._queue_where(),
            order=SQL(self._queue_order_sql),
        )
        for _try in range(CLAIM_RETRIES):
            try:
                self.env.cr.execute(query, log_exceptions=False)
                row = self.env.cr.fetchone()
                self._queue_commit(commit)
                break
            except CONCURRENCY_ERRORS:
                # a row changed after this transaction's snapshot: look again in a fresh one
                if not commit:
                    raise
                self.env.cr.rollback()
        else:
            return None
        self.invalidate_model(["state", "attempts", "started_at"])
        return self.browse(row[0]) if row else self.browse()

    def _queue_lock(self, commit=True):
        """Hold the item's row for the whole work transaction: a live worker's items are never taken back.

        NO KEY UPDATE, like every row lock here: it excludes other workers but not the KEY SHARE lock a
        foreign key takes, so recording a redelivery of the item never waits for its worker.
        """
        self.ensure_one()
        try:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = %s AND state = %s FOR NO KEY UPDATE",
                    SQL.identifier(self._table),
                    self.id,
                    self._queue_busy_state,
                ),
                log_exceptions=False,
            )
            return bool(self.env.cr.fetchone())
        except CONCURRENCY_ERRORS:
            if not commit:
                raise
            self.env.cr.rollback()
            return False

    def _queue_due_query(self, now=None):
        return SQL(
            "SELECT 1 FROM %s q JOIN integration_channel c ON c.id = q.channel_id WHERE %s LIMIT 1",
            SQL.identifier(self._table),
            self._queue_where(now),
        )

    def _queue_unlocked(self):
        """True when no worker holds this item's row (a busy item without one was abandoned)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                        SQL.identifier(self._table),
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except CONCURRENCY_ERRORS:
            return False
        return True

    @api.model
    def _queue_due_exists(self):
        self.env.cr.execute(self._queue_due_query())
        return bool(self.env.cr.fetchone())

    # --- abandoned items ------------------------------------------------------
    @api.model
    def _queue_requeue_abandoned(self, abandoned_after=ABANDONED_AFTER_SECONDS, commit=True):
        """Busy items whose worker is gone (no row lock) go back to the queue or give up."""
        self.flush_model()
        try:
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM %s
                        WHERE state = %s AND started_at <= %s
                        ORDER BY id LIMIT 100
                          FOR NO KEY UPDATE SKIP LOCKED""",
                    SQL.identifier(self._table),
                    self._queue_busy_state,
                    fields.Datetime.now() - timedelta(seconds=abandoned_after),
                ),
                log_exceptions=False,
            )
            abandoned = self.browse([row[0] for row in self.env.cr.fetchall()])
        except CONCURRENCY_ERRORS:
            if not commit:
                raise
            self.env.cr.rollback()
            return self.browse()
        for item in abandoned:
            _logger.warning("%s %s was abandoned by its worker (attempt %s)", self._description, item.id, item.attempts)
            item._queue_abandoned()
        self._queue_commit(commit)
        return abandoned

    # --- waking the workers ---------------------------------------------------
    @api.model
    def _queue_wake(self, at=None):
        """Make the queue's cron due (now, or ``at``) and wake the cron workers then.

        Now: a trigger row and, once this transaction commits, a NOTIFY (coalesced per process). A cron
        run that started before the commit cannot see the row, so it never deletes it as served.
        Later (a retry in a few seconds): a trigger row at that time and a NOTIFY from this process
        then; Odoo's workers would otherwise only look at their next one-minute poll.
        """
        self.env.cr.execute(
            """INSERT INTO ir_cron_trigger (cron_id, call_at, create_uid, write_uid, create_date, write_date)
               SELECT cron_id, COALESCE(%s, clock_timestamp() AT TIME ZONE 'UTC'), %s, %s,
                      now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM unnest(%s::int[]) AS cron_id""",  # one row per parallel run: every run is due at once
            [at, self.env.uid, self.env.uid, list(self._queue_cron_ids())],
        )
        self._queue_wake_after_commit(at)

    @api.model
    def _queue_wake_after_commit(self, at=None):
        """The NOTIFY half of ``_queue_wake``, once this transaction commits (its trigger rows are written)."""
        if at is None:
            self.env.cr.postcommit.add(functools.partial(_cron_waker.poke, self.env.cr.dbname))
            return
        delay = (at - fields.Datetime.now()).total_seconds()
        if 0 < delay < SHORT_RETRY_SECONDS:
            self.env.cr.postcommit.add(functools.partial(_cron_waker.poke_later, self.env.cr.dbname, delay + 1))

    @api.model
    def _queue_retry_at(self, delay):
        """When an item retried in ``delay`` seconds is due: a whole second, rounded up.

        Due items are found with Odoo's clock, which has no fraction of a second: an item due at 10:00:04.25
        is not due yet for a run that starts at 10:00:04.60 (its clock says 10:00:04). That run, made due by
        the item's own wake-up row, would take that row as served, and the item would wait for the cron's
        next minute.
        """
        return fields.Datetime.now() + timedelta(seconds=math.ceil(delay))

    @api.model
    def _queue_wake_soon(self):
        """Make the queue due once this transaction commits: the wake-up of a message taken in by a webhook.

        The transaction itself writes nothing more: after its commit, this process's writer thread makes the
        queue's crons due and wakes the workers, once for every message committed in the same 50 ms
        (``_write_wake_rows``). Where no commit of the hub's follows (a test's transaction), the trigger rows
        are written now, as ``_queue_wake`` does.
        """
        if not hub_may_commit(self.env):
            self._queue_wake()
            return
        key = (self.env.cr.dbname, self._queue_cron_ids())
        self.env.cr.postcommit.add(functools.partial(_wake_row_writer.poke, key))

    # --- parallel runs ----------------------------------------------------------
    @api.model
    def _queue_parallel_crons(self):
        """The queue's scheduled actions: its own first, then its copies for parallel runs (``ir.cron``)."""
        module, name = self._queue_cron_xmlid.split(".")
        data = (
            self.env["ir.model.data"]
            .sudo()
            .search_read(
                [
                    ("module", "=", module),
                    ("model", "=", "ir.cron"),
                    "|",
                    ("name", "=", name),
                    ("name", "=like", f"{name}_run_%"),
                ],
                ["name", "res_id"],
            )
        )
        order = {row["res_id"]: (row["name"] != name, len(row["name"]), row["name"]) for row in data}
        return self.env["ir.cron"].sudo().browse(sorted(order, key=order.get))

    @api.model
    @tools.ormcache("self._name")
    def _queue_cron_ids(self):
        # every accepted message wakes the runs: read once per process, cleared when the runs change
        return tuple(self._queue_parallel_crons().ids)

    @api.model
    def _queue_set_parallel_runs(self, runs):
        """Keep ``runs`` scheduled actions draining this queue (1 to MAX_PARALLEL_RUNS): copies are made or removed.

        Each item is still taken by one run only (the claim skips locked rows); more runs use more cron
        workers (``max_cron_threads`` per server, servers on the same database).
        """
        runs = max(1, min(int(runs or 1), MAX_PARALLEL_RUNS))
        crons = self._queue_parallel_crons()
        main, copies = crons[:1], crons[1:]
        module, name = self._queue_cron_xmlid.split(".")
        for number in range(len(crons) + 1, runs + 1):
            copy = main.copy({"name": _("%(name)s (parallel run %(number)s)", name=main.name, number=number)})
            self.env["ir.model.data"].sudo().create(
                {
                    "module": module,
                    "name": f"{name}_run_{number}",
                    "model": "ir.cron",
                    "res_id": copy.id,
                    "noupdate": True,
                }
            )
        extra = copies[runs - 1 :]
        if extra:
            self.env["ir.model.data"].sudo().search([("model", "=", "ir.cron"), ("res_id", "in", extra.ids)]).unlink()
            extra.unlink()
        self.env.registry.clear_cache()  # every process of this database reads the runs again
        return runs

    def _register_hook(self):
        """After a restart, wake the workers for what was left due instead of waiting for their first tick.

        Odoo's cron workers sleep a full minute after they start; messages accepted before a crash or a
        restart would wait that long. The check runs a few seconds later, when the workers listen.
        """
        super()._register_hook()
        if not self._queue_cron_xmlid or (
            config.get("test_enable")
            or config.get("stop_after_init")
            or getattr(threading.current_thread(), "testing", False)
        ):
            return
        cron_id = self.env.ref(self._queue_cron_xmlid).id
        due = self._queue_due_query(now=SQL("now() AT TIME ZONE 'UTC'"))
        threading.Thread(
            target=_kick_after_start, args=(self.env.cr.dbname, cron_id, due), name="hub-start-kick", daemon=True
        ).start()

    # --- to implement ---------------------------------------------------------
    def _queue_work(self):
        """Do the item's work in the current transaction and record its outcome."""
        raise NotImplementedError

    def _queue_abandoned(self):
        """The item's worker died during its attempt: queue it again or give up."""
        raise NotImplementedError
