import threading
import uuid
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_hub.lib.errors import PermanentError, RetryableError
from odoo.addons.integration_hub.models.integration_event import IntegrationEvent

from .common import HubFactoryMixin


@tagged("post_install", "-at_install")
class TestInbox(HubFactoryMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()

    def receive(self, key, event_type="test.ping"):
        """Events of a type only these tests handle (patched in), so the inbox itself is what is tested."""
        Event = self.env["integration.event"]
        event_id, created = Event._receive(self.channel, key, event_type, {"id": key})
        return Event.browse(event_id), created

    def test_duplicate_key_is_counted_on_the_original(self):
        event, created = self.receive("dup-1")
        again, created_again = self.receive("dup-1")
        self.assertTrue(created)
        self.assertFalse(created_again)
        self.assertEqual(event, again)
        event.invalidate_recordset()
        self.assertEqual(event.duplicate_count, 1)

    def test_event_type_without_handler_fails_with_a_clear_reason(self):
        event, _ = self.receive("nohandler-1", event_type="parcel.teleported")
        self.env["integration.event"]._cron_process_inbox()
        self.assertEqual(event.state, "failed")
        self.assertIn("No handler for event type 'parcel.teleported'", event.error)
        exception = self.env["integration.sync.exception"].search([("event_id", "=", event.id)])
        self.assertEqual(exception.state, "open")

    def test_handled_event_is_done_exactly_once(self):
        calls = []

        def handler(self_, data):
            calls.append(data["id"])
            return self_.channel_id

        with patch.object(IntegrationEvent, "_handle_test_ping", handler, create=True):
            event, _ = self.receive("ok-1")
            self.env["integration.event"]._cron_process_inbox()
            self.env["integration.event"]._cron_process_inbox()
        self.assertEqual(calls, ["ok-1"])
        self.assertEqual(event.state, "done")
        self.assertEqual((event.res_model, event.res_id), ("integration.channel", self.channel.id))
        self.assertTrue(event.processed_at)

    def test_transient_error_retries_later_with_backoff(self):
        def flaky(self_, data):
            raise RetryableError("partner API timed out")

        with patch.object(IntegrationEvent, "_handle_test_ping", flaky, create=True):
            with freeze_time("2026-11-27 10:00:00"):
                event, _ = self.receive("flaky-1")
                self.env["integration.event"]._cron_process_inbox()
                self.assertEqual(event.state, "received")
                self.assertEqual(event.attempts, 1)
                self.assertGreaterEqual(event.next_attempt_at, fields.Datetime.now())
                # not due yet: nothing happens on the next run
                self.env["integration.event"]._cron_process_inbox()
                self.assertEqual(event.attempts, 1)
            for _attempt in range(10):
                with freeze_time("2026-11-28 10:00:00"):
                    event.next_attempt_at = fields.Datetime.now()
                    self.env["integration.event"]._cron_process_inbox()
        self.assertEqual(event.state, "failed")
        self.assertIn("Gave up after 6 attempts", event.error)

    def test_a_race_lost_inside_a_handler_costs_no_attempt_and_comes_back_within_seconds(self):
        calls = []

        def racy(self_, data):
            calls.append(data["id"])
            if calls == ["race-1"]:  # another worker changed the same rows first
                raise pg_errors.SerializationFailure("could not serialize access due to concurrent update")
            return self_.channel_id

        with (
            patch.object(IntegrationEvent, "_handle_test_ping", racy, create=True),
            freeze_time("2026-11-27 10:00:00") as clock,
        ):
            event, _ = self.receive("race-1")
            other, _ = self.receive("other-1")
            self.env["integration.event"]._cron_process_inbox()
            self.assertEqual((event.state, event.attempts), ("received", 0), "losing a race is not an attempt")
            self.assertTrue(1 <= (event.next_attempt_at - fields.Datetime.now()).total_seconds() <= 5)
            self.assertEqual(other.state, "done", "the others go on")
            clock.tick(6)
            self.env["integration.event"]._cron_process_inbox()
        self.assertEqual((event.state, event.attempts), ("done", 1))
        self.assertEqual(calls, ["race-1", "other-1", "race-1"])

    def test_a_retry_is_due_for_the_run_that_its_own_wake_up_starts(self):
        # Odoo's clock has no fraction of a second: a retry due at 10:00:02.73 would not be due for the run
        # its wake-up row starts at 10:00:02.73 (its clock says 10:00:02), and would wait a whole minute
        lost = []

        def racy(self_, data):
            if not lost:
                lost.append(data["id"])
                raise pg_errors.SerializationFailure("could not serialize access due to concurrent update")
            return self_.channel_id

        inbox = self.env.ref("integration_hub.ir_cron_process_inbox")
        with (
            patch.object(IntegrationEvent, "_handle_test_ping", racy, create=True),
            freeze_time("2026-11-27 10:00:00.400000") as clock,
        ):
            event, _ = self.receive("race-2")
            self.env["integration.event"]._cron_process_inbox()
            self.assertEqual(event.state, "received")
            self.assertEqual(event.next_attempt_at.microsecond, 0, "due at a whole second")
            wake_up = self.env["ir.cron.trigger"].search([("cron_id", "=", inbox.id)], order="call_at desc", limit=1)
            self.assertEqual(wake_up.call_at, event.next_attempt_at)
            clock.move_to(wake_up.call_at)  # the run that row starts
            self.env["integration.event"]._cron_process_inbox()
        self.assertEqual(event.state, "done")

    def test_handler_error_rolls_back_its_partial_work(self):
        def half_done(self_, data):
            self_.channel_id.name = "renamed by a half-finished handler"
            raise PermanentError("SKU ZZZ is unknown")

        with patch.object(IntegrationEvent, "_handle_test_ping", half_done, create=True):
            event, _ = self.receive("half-1")
            self.env["integration.event"]._cron_process_inbox()
        self.assertEqual(event.state, "failed")
        self.assertEqual(self.channel.name, "Test shop")

    @mute_logger("odoo.addons.integration_hub.models.integration_event")
    def test_unexpected_crash_keeps_the_event_and_opens_an_exception(self):
        def buggy(self_, data):
            return 1 / 0

        with patch.object(IntegrationEvent, "_handle_test_ping", buggy, create=True):
            event, _ = self.receive("bug-1")
            self.env["integration.event"]._cron_process_inbox()
        self.assertEqual(event.state, "failed")
        self.assertIn("ZeroDivisionError", event.error)
        self.assertTrue(self.env["integration.sync.exception"].search([("event_id", "=", event.id)]))

    def test_paused_channel_events_wait(self):
        event, _ = self.receive("paused-1")
        self.channel.action_pause()
        self.env["integration.event"]._cron_process_inbox()
        self.assertEqual(event.state, "received")

    def test_manager_retries_a_failed_event_operations_cannot(self):
        event, _ = self.receive("retry-1", event_type="parcel.teleported")
        self.env["integration.event"]._cron_process_inbox()
        self.assertEqual(event.state, "failed")
        with self.assertRaises(UserError):
            event.with_user(self.user_operations).action_retry()
        event.with_user(self.user_manager).action_retry()
        self.assertEqual((event.state, event.attempts), ("received", 0))
        self.assertTrue(
            self.env["integration.audit.log"].search([("action", "=", "event_retry"), ("res_id", "=", event.id)])
        )

    @freeze_time("2026-11-20 10:00:00")
    def test_many_messages_in_one_insert_with_duplicates_recorded_and_other_bodies_kept_apart(self):
        Event = self.env["integration.event"]
        known, _ = self.receive("many-known")
        batch = [
            ("many-1", "test.ping", {"id": 1}, None),
            ("many-known", "test.ping", {"id": "many-known"}, None),
            ("many-1", "test.ping", {"id": 1}, None),  # twice in the same batch
            ("many-2", "test.ping", {"id": 2}, 1795168740),  # 09:59:00 UTC
        ]
        with patch.object(
            IntegrationEvent, "_insert_rows", autospec=True, side_effect=IntegrationEvent._insert_rows
        ) as insert:
            results = Event._receive_many(self.channel, batch)
        self.assertEqual(insert.call_count, 1, "one INSERT for the whole batch")
        one, two = (Event.search([("idempotency_key", "=", key)]) for key in ("many-1", "many-2"))
        self.assertEqual(results, [(one.id, True), (known.id, False), (one.id, False), (two.id, True)])
        (one | two | known).invalidate_recordset()
        self.assertEqual((one.duplicate_count, known.duplicate_count, two.duplicate_count), (1, 1, 0))
        self.assertEqual((two._payload(), two.lag_seconds, two.state), ({"id": 2}, 60.0, "received"))
        self.assertEqual(Event._receive_many(self.channel, []), [])

        # the sender's own ids (compare_body): another body under a known id is kept as its own failed event
        other = [
            ("many-2", "test.ping", {"id": "other"}, None),
            ("many-2", "test.ping", {"id": "other"}, None),  # that other body again: its redelivery
            ("many-3", "test.ping", {"id": 3}, None),
            ("many-3", "test.ping", {"id": "three"}, None),  # another body within the batch
            ("many-1", "test.ping", {"id": 1}, None),  # the same body: a plain redelivery
        ]
        results = Event._receive_many(self.channel, other, compare_body=True)
        conflict, again, three, conflict_3, same = (Event.browse(event_id) for event_id, _new in results)
        self.assertEqual([new for _id, new in results], [True, False, True, True, False])
        self.assertEqual((conflict, same), (again, one))
        self.assertEqual((conflict.state, three.state, conflict_3.state), ("failed", "received", "failed"))
        self.assertTrue(conflict.idempotency_key.startswith("many-2#body-"))
        self.assertIn("reused message id many-2", conflict.error)
        self.assertEqual(conflict._payload(), {"id": "other"})
        self.assertEqual(conflict_3._payload(), {"id": "three"})
        self.assertEqual(two._payload(), {"id": 2}, "the first body is never replaced")


@tagged("post_install", "-at_install")
class TestInboxConcurrency(HubFactoryMixin, TransactionCase):
    """Two real database transactions never take the same event."""

    def setUp(self):
        super().setUp()
        self.registry_ = Registry(self.env.cr.dbname)
        # Data must be committed to be visible to other connections.
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].search([], limit=1)
            channel = env["integration.channel"].create(
                {
                    "name": "Concurrency",
                    "code": f"CONC-{uuid.uuid4().hex[:8]}",
                    "platform": "generic",
                    "state": "live",
                    "warehouse_id": warehouse.id,
                }
            )
            for n in range(40):
                env["integration.event"]._receive(channel, f"conc-{n}", "test.ping", {"id": n})
            self.channel_id = channel.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry_.cursor() as cr:
            cr.execute("DELETE FROM integration_sync_exception WHERE channel_id = %s", [self.channel_id])
            cr.execute("DELETE FROM integration_event WHERE channel_id = %s", [self.channel_id])
            cr.execute("DELETE FROM integration_channel WHERE id = %s", [self.channel_id])

    def test_two_cursors_claim_disjoint_batches(self):
        with self.registry_.cursor() as cr1, self.registry_.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            Event1, Event2 = env1["integration.event"], env2["integration.event"]
            first = {Event1._queue_claim_next(commit=False).id for _n in range(25)}
            second = {Event2._queue_claim_next(commit=False).id for _n in range(25)} - {False}
            self.assertEqual(len(first), 25)
            self.assertEqual(len(second), 15)
            self.assertFalse(first & second, "SKIP LOCKED: an event taken by a worker is never handed out twice")
            cr1.rollback()
            cr2.rollback()

    def test_two_workers_process_every_event_exactly_once(self):
        handled = []
        lock = threading.Lock()

        def handler(self_, data):
            with lock:
                handled.append(data["id"])

        errors = []

        def worker():
            try:
                with self.registry_.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["integration.event"]._cron_process_inbox()
            except Exception as error:  # surfaced by the assertion below
                errors.append(error)

        with patch.object(IntegrationEvent, "_handle_test_ping", handler, create=True):
            threads = [threading.Thread(target=worker) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        self.assertEqual(errors, [], "no worker crashes on another worker's concurrent update")
        self.assertEqual(sorted(handled), list(range(40)))
        with self.registry_.cursor() as cr:
            cr.execute(
                "SELECT state, count(*) FROM integration_event WHERE channel_id = %s GROUP BY state", [self.channel_id]
            )
            self.assertEqual(dict(cr.fetchall()), {"done": 40})


@tagged("post_install", "-at_install")
class TestInboxSettings(HubFactoryMixin, TransactionCase):
    def test_parallel_runs_are_scheduled_actions_of_their_own_and_each_is_woken(self):
        self.setup_hub()
        admin = self.user_admin  # the settings page also needs Odoo's Settings right, as `admin` has
        admin.groups_id = [(4, self.env.ref("base.group_system").id)]
        Event, Job = self.env["integration.event"], self.env["integration.job"]
        main = self.env.ref("integration_hub.ir_cron_process_inbox")

        self.env["res.config.settings"].with_user(admin).create({"integration_hub_parallel_runs": 3}).execute()
        inbox_runs, outbox_runs = Event._queue_parallel_crons(), Job._queue_parallel_crons()
        self.assertEqual((len(inbox_runs), len(outbox_runs)), (3, 3))
        self.assertEqual(inbox_runs[0], main, "the queue's own action comes first")
        self.assertTrue(all(run.code == main.code and run.active for run in inbox_runs))
        self.assertEqual(len(set(inbox_runs.ids) | set(outbox_runs.ids)), 6, "no action shared by two queues")

        self.env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = ANY(%s)", [inbox_runs.ids])
        Event._queue_wake()
        self.env.cr.execute("SELECT cron_id FROM ir_cron_trigger WHERE cron_id = ANY(%s)", [inbox_runs.ids])
        self.assertEqual(sorted(row[0] for row in self.env.cr.fetchall()), sorted(inbox_runs.ids), "every run woken")

        self.env["res.config.settings"].with_user(admin).create({"integration_hub_parallel_runs": 50}).execute()
        self.assertEqual(len(Event._queue_parallel_crons()), 8, "at most 8")
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("integration_hub.parallel_runs"), "8")

        self.env["res.config.settings"].with_user(admin).create({"integration_hub_parallel_runs": 1}).execute()
        self.assertEqual(Event._queue_parallel_crons(), main)
        self.assertFalse((inbox_runs - main).exists(), "the copies are removed, not left behind")
        self.env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = ANY(%s)", [inbox_runs.ids])
        Event._queue_wake()
        self.env.cr.execute("SELECT cron_id FROM ir_cron_trigger WHERE cron_id = ANY(%s)", [inbox_runs.ids])
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], [main.id])

        with self.assertRaises(AccessError):  # a warehouse manager does not change how the server runs
            self.env["res.config.settings"].with_user(self.user_manager).create({"integration_hub_parallel_runs": 2})

    def test_the_settings_page_sets_the_attempts_and_the_time_budget_and_bad_values_fall_back(self):
        settings = self.env["res.config.settings"].create(
            {"integration_hub_inbox_max_attempts": 3, "integration_hub_cron_time_budget": 20}
        )
        settings.execute()
        Event = self.env["integration.event"]
        self.assertEqual((Event._max_attempts(), Event._queue_time_budget()), (3, 20))
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("integration_hub.inbox_max_attempts", "three")
        params.set_param("integration_hub.cron_time_budget_seconds", "0")
        with self.assertLogs("odoo.addons.integration_hub.models.integration_queue", "WARNING"):
            self.assertEqual(Event._max_attempts(), 6, "a typo never stops the worker: the default applies")
        self.assertGreater(Event._queue_time_budget(), 0, "0 is 'from Odoo's limits'")
