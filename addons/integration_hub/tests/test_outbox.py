import json
from datetime import timedelta

import requests
import responses
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.lib import standard_webhooks
from odoo.addons.integration_hub.lib.backoff import backoff_ceiling

from .common import TEST_SECRET, HubFactoryMixin

PARTNER_URL = "https://partner.example.com/hub-events"


@tagged("post_install", "-at_install")
class TestOutbox(HubFactoryMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.channel.write(
            {
                "api_base_url": PARTNER_URL,
                "retry_base_seconds": 30,
                "retry_cap_seconds": 600,
                "retry_max_attempts": 5,
            }
        )

    def enqueue(self, key="inv-1", payload=None):
        return self.env["integration.job"]._enqueue(self.channel, "inventory", key, payload or {"MUG-001": 7})

    def run_due(self):
        self.env["integration.job"]._cron_run_outbox()

    @responses.activate
    def test_delivered_once_signed_with_the_channel_secret(self):
        responses.post(PARTNER_URL, json={"ok": True}, status=200)
        job = self.enqueue()
        self.run_due()
        self.run_due()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(responses.calls), 1)
        request = responses.calls[0].request
        self.assertEqual(json.loads(request.body), {"type": "inventory.updated", "data": {"MUG-001": 7}})
        self.assertEqual(request.headers["webhook-id"], "inv-1")
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.assertEqual(
            standard_webhooks.verify(TEST_SECRET, headers, request.body), "inv-1", "the partner can verify us"
        )

    def test_same_key_is_queued_once(self):
        self.assertEqual(self.enqueue("same"), self.enqueue("same"))
        self.assertEqual(self.env["integration.job"].search_count([("channel_id", "=", self.channel.id)]), 1)

    @responses.activate
    def test_delays_grow_exponentially_with_jitter_then_dead_with_exception(self):
        responses.post(PARTNER_URL, status=503)
        job = self.enqueue()
        delays = []
        now = fields.Datetime.from_string("2026-11-27 10:00:00")
        for attempt in range(1, 6):
            with freeze_time(now):
                job.next_attempt_at = now
                self.run_due()
                if job.state == "pending":
                    delay = (job.next_attempt_at - now).total_seconds()
                    self.assertGreaterEqual(delay, 0)
                    self.assertLessEqual(delay, backoff_ceiling(attempt, 30, 600))
                    delays.append(delay)
            now += timedelta(hours=1)
        self.assertEqual(job.attempts, 5)
        self.assertEqual(job.state, "dead")
        self.assertEqual(len(delays), 4)
        exception = self.env["integration.sync.exception"].search([("job_id", "=", job.id)])
        self.assertEqual(
            (exception.state, exception.exception_type, exception.severity), ("open", "dead_job", "critical")
        )
        self.assertIn("HTTP 503", exception.description)
        self.assertEqual(len(responses.calls), 5)

    def test_jitter_spreads_retries_across_jobs(self):
        with responses.RequestsMock() as stub, freeze_time("2026-11-27 10:00:00"):
            stub.post(PARTNER_URL, status=500)
            jobs = [self.enqueue(f"spread-{n}") for n in range(12)]  # due at the frozen time, whatever today is
            self.run_due()
            delays = {(job.next_attempt_at - fields.Datetime.now()).total_seconds() for job in jobs}
        self.assertGreater(len(delays), 6, "full jitter: retries do not all land at the same second")

    @responses.activate
    def test_retry_after_from_a_429_is_honoured(self):
        responses.post(PARTNER_URL, status=429, headers={"Retry-After": "120"})
        with freeze_time("2026-11-27 10:00:00"):
            job = self.enqueue()  # due at the frozen time, whatever today is
            self.run_due()
            self.assertEqual(job.state, "pending")
            self.assertEqual((job.next_attempt_at - fields.Datetime.now()).total_seconds(), 120)

    @responses.activate
    def test_permanent_error_is_dead_at_once(self):
        responses.post(PARTNER_URL, status=422, body='{"error": "unknown sku MUG-001"}')
        job = self.enqueue()
        self.run_due()
        self.assertEqual((job.state, job.attempts), ("dead", 1))
        self.assertIn("unknown sku MUG-001", job.last_error)

    @responses.activate
    def test_timeout_is_retryable(self):
        responses.post(PARTNER_URL, body=requests.ReadTimeout("slow partner"))
        job = self.enqueue()
        self.run_due()
        self.assertEqual(job.state, "pending")
        self.assertIn("timed out", job.last_error)

    @responses.activate
    def test_manager_retries_a_dead_job(self):
        responses.post(PARTNER_URL, status=400)
        job = self.enqueue()
        self.run_due()
        self.assertEqual(job.state, "dead")
        with self.assertRaises(UserError):
            job.with_user(self.user_operations).action_retry()
        responses.replace(responses.POST, PARTNER_URL, status=200)
        job.with_user(self.user_manager).action_retry()
        self.assertEqual((job.state, job.attempts), ("pending", 0))
        self.run_due()
        self.assertEqual(job.state, "done")
        self.assertTrue(
            self.env["integration.audit.log"].search([("action", "=", "job_retry"), ("res_id", "=", job.id)])
        )

    def test_paused_channel_sends_nothing(self):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as stub:
            stub.post(PARTNER_URL, status=200)
            job = self.enqueue()
            self.channel.action_pause()
            self.run_due()
            self.assertEqual(job.state, "pending")
            self.assertEqual(len(stub.calls), 0)
