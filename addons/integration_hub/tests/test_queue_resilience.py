"""The inbox and outbox with real database transactions, real threads and the real HTTP server.

These tests commit their data (each worker and each HTTP request has its own
connection, as in production) and remove it afterwards.
"""

import os
import select
import threading
import time
import uuid
from unittest.mock import patch

import psycopg2
import requests
from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, config, mute_logger

from odoo.addons.integration_hub.controllers import webhook as webhook_controller
from odoo.addons.integration_hub.controllers.webhook import store_in_own_transaction
from odoo.addons.integration_hub.models import integration_queue
from odoo.addons.integration_hub.models.integration_adapter_generic import IntegrationAdapterGeneric
from odoo.addons.integration_hub.models.integration_event import IntegrationEvent

from .common import HubFactoryMixin, committed_generic_channel

ROUTE = "/integration_hub/v1/webhooks/"
INBOX_CRON = "integration_hub.ir_cron_process_inbox"


class WorkerKilled(BaseException):
    """What a killed worker looks like from the database: its transaction never commits."""


class SpentAfter:
    """A TimeBudget stand-in that is spent after ``n`` checks (one check per item taken)."""

    def __init__(self, n):
        self.left = n

    def __call__(self, _seconds):
        return self

    def spent(self):
        self.left -= 1
        return self.left < 0


@tagged("post_install", "-at_install")
class TestQueueResilience(HubFactoryMixin, TransactionCase):
    def setUp(self):
        super().setUp()
        self.registry_ = Registry(self.env.cr.dbname)
        self.suffix = uuid.uuid4().hex[:8]
        self.channel_id, self.token = committed_generic_channel(self.registry_, "Resilience", f"RES-{self.suffix}")
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry_.cursor() as cr:
            for table in ("integration_sync_exception", "integration_event", "integration_job"):
                cr.execute(f"DELETE FROM {table} WHERE channel_id = %s", [self.channel_id])  # noqa: S608
            cr.execute("DELETE FROM integration_channel_health WHERE channel_id = %s", [self.channel_id])
            cr.execute("DELETE FROM integration_audit_log WHERE channel_id = %s", [self.channel_id])
            cr.execute("DELETE FROM integration_channel WHERE id = %s", [self.channel_id])
            crons = [
                self.env.ref(f"integration_hub.{xmlid}").id for xmlid in ("ir_cron_process_inbox", "ir_cron_run_outbox")
            ]
            cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = ANY(%s)", [crons])

    # --- helpers -------------------------------------------------------------
    def in_new_transaction(self, work):
        with self.registry_.cursor() as cr:
            return work(api.Environment(cr, SUPERUSER_ID, {}))

    def query(self, sql, params=()):
        with self.registry_.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()

    def receive(self, n, event_type="test.ping"):
        def store(env):
            channel = env["integration.channel"].browse(self.channel_id)
            return [
                env["integration.event"]._receive(channel, f"{self.suffix}-{i}", event_type, {"id": i})[0]
                for i in range(n)
            ]

        return self.in_new_transaction(store)

    def run_in_worker(self, work):
        """Run ``work(env)`` in a worker thread with its own connection; return what it raised, if anything."""
        raised = []

        def target():
            try:
                with self.registry_.cursor() as cr:
                    work(api.Environment(cr, SUPERUSER_ID, {}))
            except BaseException as error:  # noqa: BLE001 - a killed worker is what is being simulated
                raised.append(error)

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(120)
        return raised[0] if raised else None

    def drain_inbox(self, env, **kwargs):
        env["integration.event"]._queue_drain(**kwargs)

    def post(self, body, headers, timeout=30):
        url = f"http://127.0.0.1:{config['http_port']}{ROUTE}{self.token}"
        return requests.post(url, data=body, headers=headers, timeout=timeout)

    # --- intake ------------------------------------------------------------------
    def test_concurrent_redeliveries_are_all_answered_200_and_stored_once(self):
        deliveries = []
        for n in range(12):
            body, headers = self.signed_request(self.order_payload(f"C{n}"), msg_id=f"msg_{self.suffix}_{n}")
            deliveries += [(body, headers)] * 4  # the same message four times, at the same instant
        barrier = threading.Barrier(8)
        answers = []
        lock = threading.Lock()

        def client(share):
            barrier.wait(30)
            for body, headers in share:
                response = self.post(body, headers)
                with lock:
                    answers.append((response.status_code, response.json()["message"]))

        threads = [threading.Thread(target=client, args=(deliveries[i::8],)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(len(answers), 48)
        self.assertEqual({status for status, _message in answers}, {200}, answers)
        self.assertEqual(sorted(m for _s, m in answers).count("accepted"), 12)
        rows = self.query(
            """SELECT e.idempotency_key, count(r.id) FROM integration_event e
                 LEFT JOIN integration_event_redelivery r ON r.event_id = e.id
                WHERE e.channel_id = %s GROUP BY e.idempotency_key""",
            [self.channel_id],
        )
        self.assertEqual(len(rows), 12, "one event per key")
        self.assertEqual({count for _key, count in rows}, {3}, "every duplicate is counted on its original")

    def test_a_race_that_fails_under_repeatable_read_is_stored_at_read_committed(self):
        body, _headers = self.signed_request(self.order_payload("R1"))
        key = f"race-{self.suffix}"

        def intake(env):
            channel = env["integration.channel"].browse(self.channel_id)
            return env["integration.event"]._intake(channel, key, body, event_type="order.created")

        result = []
        with self.registry_.cursor() as cr_late, self.registry_.cursor() as cr_direct:
            late = api.Environment(cr_late, SUPERUSER_ID, {})
            direct = api.Environment(cr_direct, SUPERUSER_ID, {})
            for cr in (cr_late, cr_direct):  # both requests took their snapshot (e.g. reading the channel)
                cr.execute("SELECT id FROM integration_channel WHERE id = %s", [self.channel_id])
            self.in_new_transaction(intake)  # another delivery of the same message commits first
            with self.assertRaises(pg_errors.SerializationFailure), mute_logger("odoo.sql_db"):
                intake(direct)  # what the endpoint used to answer 400 to
            cr_direct.rollback()
            # the endpoint's own path, in a request thread (where the hub commits)
            with patch.object(webhook_controller.time, "sleep") as retry_pause:
                thread = threading.Thread(
                    target=lambda: result.append(store_in_own_transaction(late, lambda: intake(late)))
                )
                thread.start()
                thread.join(30)
            cr_late.execute("SHOW transaction_isolation")
            self.assertEqual(cr_late.fetchone()[0], "repeatable read", "the request's later work is at Odoo's level")
        event_id, created, failed = result[0]
        self.assertEqual((created, failed), (False, False), "the late one is a duplicate, answered 200")
        self.assertFalse(retry_pause.called, "READ COMMITTED: stored at the first try, no serialization failure")
        count = self.query("SELECT count(*) FROM integration_event_redelivery WHERE event_id = %s", [event_id])
        self.assertEqual(count, [(1,)])

    def test_a_redelivery_while_the_original_is_processed_answers_at_once(self):
        body, headers = self.signed_request(self.order_payload("P1"), msg_id=f"msg_busy_{self.suffix}")
        self.assertEqual(self.post(body, headers).json()["message"], "accepted")
        with self.registry_.cursor() as worker_cr:
            Event = api.Environment(worker_cr, SUPERUSER_ID, {})["integration.event"]
            event = Event._queue_claim_next()
            self.assertTrue(event and event._queue_lock(), "a worker holds the event for its whole work")
            # the worker is busy with it (a large order): the redelivery must not wait for it
            response = self.post(body, headers, timeout=10)
            self.assertEqual((response.status_code, response.json()["message"]), (200, "duplicate"))
            worker_cr.rollback()

    def test_concurrent_forged_requests_are_all_counted_with_their_company(self):
        forged = [
            self.signed_request(
                self.order_payload(f"F{n}"), secret="whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
            )
            for n in range(40)
        ]
        barrier = threading.Barrier(8)
        statuses = []

        def client(share):
            barrier.wait(30)
            for body, headers in share:
                statuses.append(self.post(body, headers).status_code)

        threads = [threading.Thread(target=client, args=(forged[i::8],)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(statuses, [401] * 40)
        rows = self.query(
            "SELECT sum(webhooks_rejected), array_agg(company_id) FROM integration_channel_health"
            " WHERE channel_id = %s",
            [self.channel_id],
        )
        self.assertEqual(rows[0][0], 40, "no rejection lost to a concurrent count")
        self.assertEqual(set(rows[0][1]), {self.env.company.id})

    # --- inbox worker ----------------------------------------------------------------
    @mute_logger("odoo.addons.integration_hub.models.integration_queue")
    def test_a_message_that_kills_its_worker_is_failed_after_the_last_attempt_and_the_others_go_on(self):
        poison_id, *others = self.receive(4)
        handled = []

        def handler(event, data):
            if event.id == poison_id:
                raise WorkerKilled  # a CPU limit, an out-of-memory kill, a crash
            handled.append(data["id"])

        with patch.object(IntegrationEvent, "_handle_test_ping", handler, create=True):
            self.assertIsInstance(self.run_in_worker(self.drain_inbox), WorkerKilled)
            state, attempts = self.query("SELECT state, attempts FROM integration_event WHERE id = %s", [poison_id])[0]
            self.assertEqual((state, attempts), ("processing", 1), "the attempt was counted before the work")
            # the next run takes it back (its worker is gone) and goes on with the others first
            self.assertIsNone(self.run_in_worker(lambda env: self.drain_inbox(env, abandoned_after=0)))
            self.assertEqual(sorted(handled), [1, 2, 3])
            for _death in range(5):
                self.query(
                    "UPDATE integration_event SET next_attempt_at = NULL WHERE id = %s RETURNING id", [poison_id]
                )
                self.assertIsInstance(self.run_in_worker(self.drain_inbox), WorkerKilled)
                self.run_in_worker(lambda env: env["integration.event"]._queue_requeue_abandoned(0))
        state, attempts, error = self.query(
            "SELECT state, attempts, error FROM integration_event WHERE id = %s", [poison_id]
        )[0]
        self.assertEqual((state, attempts), ("failed", 6))
        self.assertIn("stopped 6 times", error)
        self.assertEqual(sorted(handled), [1, 2, 3], "each other message was handled exactly once")
        exception = self.query(
            "SELECT state FROM integration_sync_exception WHERE event_id = %s AND exception_type = 'failed_event'",
            [poison_id],
        )
        self.assertEqual(exception, [("open",)])

    def test_an_item_its_worker_still_holds_is_never_taken_back(self):
        (event_id,) = self.receive(1)
        with self.registry_.cursor() as worker_cr:
            event = api.Environment(worker_cr, SUPERUSER_ID, {})["integration.event"]._queue_claim_next()
            self.assertTrue(event._queue_lock(), "the worker holds its item for the whole work")
            # however old its attempt looks, another worker's clean-up leaves a held item alone
            self.run_in_worker(lambda env: env["integration.event"]._queue_requeue_abandoned(-3600))
            self.assertEqual(
                self.query("SELECT state FROM integration_event WHERE id = %s", [event_id]), [("processing",)]
            )
            worker_cr.rollback()  # the worker dies: its lock goes with it
        self.run_in_worker(lambda env: env["integration.event"]._queue_requeue_abandoned(-3600))
        self.assertEqual(self.query("SELECT state FROM integration_event WHERE id = %s", [event_id]), [("received",)])

    def test_an_accepted_webhook_wakes_the_listening_cron_workers_within_seconds(self):
        listener = psycopg2.connect(**sql_db.connection_info_for("postgres")[1])
        listener.autocommit = True
        self.addCleanup(listener.close)
        with listener.cursor() as cr:
            cr.execute("LISTEN cron_trigger")  # what Odoo's cron workers do
        body, headers = self.signed_request(self.order_payload("WAKE-1"))
        self.assertEqual(self.post(body, headers).json()["message"], "accepted")
        deadline = time.monotonic() + 10
        woken = []  # other databases on this server may wake their workers meanwhile: wait for ours
        while self.env.cr.dbname not in woken and time.monotonic() < deadline:
            if select.select([listener], [], [], 1) != ([], [], []):
                listener.poll()
                woken = [note.payload for note in listener.notifies]
        self.assertIn(self.env.cr.dbname, woken, "no sleeping worker waits for its minute tick")

    def test_a_run_stops_at_its_time_budget_and_wakes_a_fresh_run(self):
        self.receive(5)
        self.wakers_idle()  # an earlier test's webhooks may still be making the inbox due
        handled = []

        def handler(event, data):
            handled.append(data["id"])

        cron = self.env.ref("integration_hub.ir_cron_process_inbox")
        before = self.query("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s", [cron.id])[0][0]
        with (
            patch.object(IntegrationEvent, "_handle_test_ping", handler, create=True),
            patch.object(integration_queue, "TimeBudget", SpentAfter(2)),
        ):
            self.assertIsNone(self.run_in_worker(self.drain_inbox))
        self.assertEqual(sorted(handled), [0, 1], "no new work once the budget is spent")
        after = self.query("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s", [cron.id])[0][0]
        self.assertEqual(after, before + 1, "a fresh run is due at once for the rest")
        self.query("DELETE FROM ir_cron_trigger WHERE cron_id = %s RETURNING id", [cron.id])

    def test_a_wake_up_survives_the_cleanup_of_a_run_that_started_before_it(self):
        cron = self.env.ref("integration_hub.ir_cron_process_inbox")
        self.wakers_idle()
        with self.registry_.cursor() as cron_cr:
            cron_cr.execute("SELECT now()")  # a cron run starts (Odoo deletes its served triggers at the end)
            self.receive(1)
            self.in_new_transaction(lambda env: env["integration.event"]._queue_wake())  # committed during the run
            cron_cr.execute(
                """DELETE FROM ir_cron_trigger WHERE cron_id = %s AND call_at < (now() at time zone 'UTC')""",
                [cron.id],
            )  # what ir.cron._reschedule_later does when the run ends
            cron_cr.commit()
        left = self.query("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s", [cron.id])[0][0]
        self.assertEqual(left, 1, "the message that came during the run still has its wake-up")
        self.query("DELETE FROM ir_cron_trigger WHERE cron_id = %s RETURNING id", [cron.id])

    def test_wake_ups_reach_the_listening_workers_on_one_kept_connection(self):
        dbname = self.env.cr.dbname
        self.wakers_idle()  # an earlier commit's wake-up is sent by now
        listener = psycopg2.connect(**sql_db.connection_info_for("postgres")[1])
        self.addCleanup(listener.close)
        listener.autocommit = True
        listener.cursor().execute("LISTEN cron_trigger")  # what Odoo's cron workers do
        kept_key = (os.getpid(), "postgres")
        integration_queue._notify_cron_workers(dbname)
        kept = integration_queue._kept_connections[kept_key]
        integration_queue._notify_cron_workers(dbname)
        self.assertIs(integration_queue._kept_connections[kept_key], kept, "no new connection per wake-up")
        kept.close()  # e.g. PostgreSQL restarted, or the connection was cut
        integration_queue._notify_cron_workers(dbname)
        self.assertFalse(integration_queue._kept_connections[kept_key].closed, "a new one replaces it")
        received, deadline = [], time.monotonic() + 10
        while len(received) < 3 and time.monotonic() < deadline:
            select.select([listener], [], [], 1)
            listener.poll()
            received += [n.payload for n in listener.notifies if n.payload == dbname]
            listener.notifies.clear()
        self.assertEqual(len(received), 3, "every wake-up reached the listener")

    def wakers_idle(self):
        for notifier in (integration_queue._wake_row_writer, integration_queue._cron_waker):
            self.assertTrue(notifier.wait_idle(10), "the wake-ups of earlier commits are sent")

    def inbox_triggers(self):
        cron = self.env.ref("integration_hub.ir_cron_process_inbox")
        return self.query("SELECT id, call_at FROM ir_cron_trigger WHERE cron_id = %s ORDER BY id", [cron.id])

    def wait_for_inbox_trigger(self, known_ids, seconds=10):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            new = [row for row in self.inbox_triggers() if row[0] not in known_ids]
            if new:
                return new
            time.sleep(0.05)
        return []

    def test_a_webhook_burst_makes_the_inbox_due_and_wakes_the_workers_with_fewer_rows_than_messages(self):
        self.wakers_idle()
        self.query("DELETE FROM ir_cron_trigger WHERE cron_id = %s RETURNING id", [self.env.ref(INBOX_CRON).id])
        (database_before,) = self.query("SELECT clock_timestamp() AT TIME ZONE 'UTC'")[0]
        requests_ = [self.signed_request(self.order_payload(f"BURST-{n}")) for n in range(12)]
        answers, notified = [], []
        threads = [threading.Thread(target=lambda r=r: answers.append(self.post(*r).status_code)) for r in requests_]
        notify = integration_queue._notify_cron_workers
        # a wide window, so that a slow machine still sends the burst within a few of them
        with (
            patch.object(integration_queue._wake_row_writer, "window", 1.0),
            patch.object(integration_queue, "_notify_cron_workers", lambda db: (notified.append(db), notify(db))),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            self.assertEqual(answers, [200] * 12)
            self.assertTrue(self.wait_for_inbox_trigger(set()), "the inbox is made due")
            self.wakers_idle()
        rows = self.inbox_triggers()
        self.assertTrue(all(call_at >= database_before for _id, call_at in rows), "due now, by the database's clock")
        self.assertLess(len(rows), 12, "one row per window of this process, not one per message")
        self.assertIn(self.env.cr.dbname, notified, "the sleeping cron workers are woken too")

    def test_a_webhook_wakes_the_inbox_only_once_its_message_is_committed(self):
        channel_id, cron_ids = self.channel_id, []

        def intake(env):
            Event = env["integration.event"]
            channel = env["integration.channel"].browse(channel_id)
            cron_ids.extend(Event._queue_cron_ids())
            with patch.object(integration_queue._wake_row_writer, "poke") as poke:
                Event._intake(channel, f"{self.suffix}-commit", b'{"type": "test.ping", "data": {}}', wake=True)
                self.assertFalse(poke.called, "nothing may wake a worker before the message is committed")
                env.cr.commit()
                poke.assert_called_once_with((env.cr.dbname, tuple(cron_ids)))
                Event._intake(channel, f"{self.suffix}-commit", b'{"type": "test.ping", "data": {}}', wake=True)
                env.cr.commit()
                poke.assert_called_once()  # a duplicate gives the workers nothing to do

        self.assertIsNone(self.run_in_worker(intake))  # a worker thread: the hub commits there, as in production

    def test_a_webhook_wake_up_survives_the_cleanup_of_a_run_that_started_before_it(self):
        cron = self.env.ref(INBOX_CRON)
        self.wakers_idle()
        known = {row[0] for row in self.inbox_triggers()}
        with self.registry_.cursor() as cron_cr:
            cron_cr.execute("SELECT now()")  # a cron run starts (Odoo deletes its served triggers at the end)
            self.assertEqual(self.post(*self.signed_request(self.order_payload("DURING-RUN"))).status_code, 200)
            written = self.wait_for_inbox_trigger(known)
            self.assertTrue(written, "the webhook's wake-up is written after its commit")
            cron_cr.execute(
                """DELETE FROM ir_cron_trigger WHERE cron_id = %s AND call_at < (now() at time zone 'UTC')""",
                [cron.id],
            )  # what ir.cron does when the run ends
            cron_cr.commit()
        left = {row[0] for row in self.inbox_triggers()}
        self.assertTrue({row[0] for row in written} <= left, "the message that came during the run is still due")

    def test_wake_up_rows_are_written_on_one_kept_connection_without_waiting_for_the_disk(self):
        dbname, cron = self.env.cr.dbname, self.env.ref(INBOX_CRON)
        self.wakers_idle()
        self.query("DELETE FROM ir_cron_trigger WHERE cron_id = %s RETURNING id", [cron.id])
        integration_queue._write_wake_rows((dbname, (cron.id,)))
        kept = integration_queue._kept_connections[(os.getpid(), dbname)]
        integration_queue._write_wake_rows((dbname, (cron.id,)))
        self.assertIs(integration_queue._kept_connections[(os.getpid(), dbname)], kept, "no new connection per row")
        with kept.cursor() as cr:
            cr.execute("SHOW synchronous_commit")
            self.assertEqual(cr.fetchone()[0], "off", "a lost wake-up row costs a cron interval, never a message")
        kept.close()
        integration_queue._write_wake_rows((dbname, (cron.id,)))
        self.assertFalse(integration_queue._kept_connections[(os.getpid(), dbname)].closed, "a new one replaces it")
        self.assertEqual(len(self.inbox_triggers()), 3, "each call made the inbox due")
        self.query("DELETE FROM ir_cron_trigger WHERE cron_id = %s RETURNING id", [cron.id])

    def test_after_a_restart_the_workers_are_woken_for_what_is_due(self):
        self.receive(1)
        cron = self.env.ref("integration_hub.ir_cron_process_inbox")
        self.query("DELETE FROM ir_cron_trigger WHERE cron_id = %s RETURNING id", [cron.id])
        due = self.env["integration.event"]._queue_due_query(now=SQL("now() AT TIME ZONE 'UTC'"))
        self.wakers_idle()  # a wake-up of an earlier test's commit may use the pool
        pooled = [connection for connection, _used, _last in sql_db._Pool._connections]
        integration_queue._kick_after_start(self.env.cr.dbname, cron.id, due, delays=(0,))
        self.assertEqual(self.query("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s", [cron.id]), [(1,)])
        # it may run in the prefork master, whose pool Odoo empties before forking: it never uses the pool
        self.assertEqual([connection for connection, _used, _last in sql_db._Pool._connections], pooled)
        self.query("DELETE FROM ir_cron_trigger WHERE cron_id = %s RETURNING id", [cron.id])

    # --- outbox worker ---------------------------------------------------------------
    def enqueue(self, n):
        def store(env):
            channel = env["integration.channel"].browse(self.channel_id)
            return [
                env["integration.job"]._enqueue(channel, "inventory", f"{self.suffix}-job-{i}", {"SKU": i}).id
                for i in range(n)
            ]

        return self.in_new_transaction(store)

    @mute_logger("odoo.addons.integration_hub.models.integration_queue")
    def test_a_crash_during_one_call_resends_only_that_job_and_each_answer_is_committed_at_once(self):
        job_ids = self.enqueue(4)
        calls = []
        seen_from_outside = {}

        def push(adapter, job):
            calls.append(job.id)
            if job.id == job_ids[1] and calls.count(job.id) == 1:
                # while this call is in flight, another connection sees the committed facts
                seen_from_outside.update(
                    dict(
                        (row[0], row[1:])
                        for row in self.query(
                            "SELECT id, state, attempts FROM integration_job WHERE id = ANY(%s)", [job_ids[:2]]
                        )
                    )
                )
                raise WorkerKilled

        with patch.object(IntegrationAdapterGeneric, "_push", push, create=True):
            self.assertIsInstance(self.run_in_worker(lambda env: env["integration.job"]._queue_drain()), WorkerKilled)
            self.assertEqual(seen_from_outside[job_ids[0]], ("done", 1), "the first answer was committed at once")
            self.assertEqual(seen_from_outside[job_ids[1]], ("running", 1), "the attempt was counted before the call")
            self.query(
                "UPDATE integration_job SET started_at = started_at - interval '1 hour' WHERE id = %s RETURNING id",
                [job_ids[1]],
            )
            self.run_in_worker(lambda env: env["integration.job"]._queue_requeue_abandoned())
            self.query(
                """UPDATE integration_job SET next_attempt_at = now() at time zone 'UTC' - interval '1 minute'
                    WHERE id = %s RETURNING id""",
                [job_ids[1]],
            )
            self.assertIsNone(self.run_in_worker(lambda env: env["integration.job"]._queue_drain()))
        self.assertEqual(sorted(calls), sorted([*job_ids, job_ids[1]]), "one resend, for the job in flight only")
        states = dict(self.query("SELECT id, state FROM integration_job WHERE id = ANY(%s)", [job_ids]))
        self.assertEqual(set(states.values()), {"done"})

    def test_an_outbox_run_stops_taking_jobs_once_its_budget_is_spent(self):
        job_ids = self.enqueue(5)
        with (
            patch.object(IntegrationAdapterGeneric, "_push", lambda adapter, job: None, create=True),
            patch.object(integration_queue, "TimeBudget", SpentAfter(2)),
        ):
            self.run_in_worker(lambda env: env["integration.job"]._queue_drain())
        states = self.query(
            "SELECT state, attempts, count(*) FROM integration_job WHERE id = ANY(%s) GROUP BY 1, 2 ORDER BY 1",
            [job_ids],
        )
        self.assertEqual(states, [("done", 1, 2), ("pending", 0, 3)], "the rest waits untouched for the next run")
