import json
import logging
import time
from unittest.mock import patch

from odoo import sql_db
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.integration_hub.controllers import webhook as webhook_controller

from .common import TEST_SECRET, HubFactoryMixin

ROUTE = "/integration_hub/v1/webhooks/"


@tagged("post_install", "-at_install")
class TestWebhookEndpoint(HubFactoryMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()

    def post(self, body, headers, token=None):
        return self.url_open(ROUTE + (token or self.channel.webhook_token), data=body, headers=headers)

    def events(self):
        return self.env["integration.event"].search([("channel_id", "=", self.channel.id)])

    def open_exceptions(self):
        return self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.channel.id), ("state", "=", "open")]
        )

    def test_valid_signature_stores_one_event_and_answers_200(self):
        body, headers = self.signed_request(self.order_payload("A1"))
        response = self.post(body, headers)
        self.assertEqual(response.status_code, 200, response.text)
        event = self.events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.idempotency_key, headers["webhook-id"])
        self.assertEqual(event.event_type, "order.created")
        self.assertEqual(event.state, "received", "nothing is processed inside the request")
        self.assertEqual(json.loads(event.payload), self.order_payload("A1"), "the raw body is kept as sent")
        self.assertEqual(event.remote_ip, "127.0.0.1")
        self.assertIn("webhook-id", {k.lower() for k in json.loads(event.headers)})

    def test_percent_signs_in_a_body_are_stored_as_sent(self):
        # the event's row is bound into its statement before it runs: a % is text, never a placeholder
        payload = self.order_payload("A1p", special_handling="100% cotton; %s %(x)s %% 50%% off")
        body, headers = self.signed_request(payload)
        self.assertEqual(self.post(body, headers).json()["message"], "accepted")
        self.assertEqual(json.loads(self.events().payload), payload)

    def test_credentials_sent_along_are_not_stored_with_the_event(self):
        body, headers = self.signed_request(self.order_payload("A1b"))
        headers.update({"Authorization": "Bearer partner-api-key-123", "X-Api-Key": "k-456"})
        self.assertEqual(self.post(body, headers).status_code, 200)
        stored = self.events().headers
        self.assertNotIn("partner-api-key-123", stored)
        self.assertNotIn("k-456", stored)
        self.assertIn("webhook-timestamp", stored.lower())

    def cron_triggers(self):
        cron = self.env.ref("integration_hub.ir_cron_process_inbox")
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    def test_every_accepted_message_makes_the_inbox_cron_due_at_once(self):
        before = self.cron_triggers()
        for n in range(3):  # a burst: none of them may wait for the next minute tick
            body, headers = self.signed_request(self.order_payload(f"A2-{n}"), msg_id=f"msg_burst_{n}")
            self.assertEqual(self.post(body, headers).json()["message"], "accepted")
        new = self.cron_triggers() - before
        self.assertEqual(len(new), 3)
        self.env.cr.execute("SELECT clock_timestamp() AT TIME ZONE 'UTC'")
        database_now = self.env.cr.fetchone()[0]
        self.assertTrue(all(trigger.call_at <= database_now for trigger in new), "due now, not later")
        body, headers = self.signed_request(self.order_payload("A2-0"), msg_id="msg_burst_0")
        self.assertEqual(self.post(body, headers).json()["message"], "duplicate")
        self.assertEqual(len(self.cron_triggers() - before), 3, "a duplicate gives the worker nothing to do")

    @mute_logger("odoo.addons.integration_hub.controllers.webhook")
    def test_bad_signature_is_401_and_stores_nothing(self):
        body, headers = self.signed_request(
            self.order_payload("A3"), secret="whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
        )
        self.assertEqual(self.post(body, headers).status_code, 401)
        body, headers = self.signed_request(self.order_payload("A3"))
        self.assertEqual(self.post(body + b" ", headers).status_code, 401, "body changed after signing")
        self.assertFalse(self.events())

    @mute_logger("odoo.addons.integration_hub.controllers.webhook")
    def test_missing_signature_is_401(self):
        body, headers = self.signed_request(self.order_payload("A4"))
        del headers["webhook-signature"]
        self.assertEqual(self.post(body, headers).status_code, 401)
        self.assertFalse(self.events())

    @mute_logger("odoo.addons.integration_hub.controllers.webhook")
    def test_timestamp_outside_the_replay_window_is_401(self):
        body, headers = self.signed_request(self.order_payload("A5"), timestamp=time.time() - 600)
        self.assertEqual(self.post(body, headers).status_code, 401)
        body, headers = self.signed_request(self.order_payload("A5"), timestamp=time.time() + 600)
        self.assertEqual(self.post(body, headers).status_code, 401)
        self.assertFalse(self.events())

    def test_unknown_token_is_404(self):
        body, headers = self.signed_request(self.order_payload("A6"))
        self.assertEqual(self.post(body, headers, token="no-such-token").status_code, 404)

    def test_paused_channel_is_404_and_accepts_nothing(self):
        self.channel.action_pause()
        body, headers = self.signed_request(self.order_payload("A7"))
        self.assertEqual(self.post(body, headers).status_code, 404)
        self.assertFalse(self.events())

    def test_draft_channel_is_404(self):
        self.channel.state = "draft"
        body, headers = self.signed_request(self.order_payload("A7b"))
        self.assertEqual(self.post(body, headers).status_code, 404)

    def test_rotated_token_stops_the_old_url(self):
        old = self.channel.webhook_token
        self.channel.action_rotate_webhook_token()
        body, headers = self.signed_request(self.order_payload("A8"))
        self.assertEqual(self.post(body, headers, token=old).status_code, 404)
        self.assertEqual(self.post(body, headers).status_code, 200)

    def queries_during(self, work):
        """The SQL statements run while ``work()`` runs (the request's thread shares the test cursor)."""
        seen, execute = [], sql_db.Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            seen.append(str(query.code if isinstance(query, SQL) else query))
            return execute(cr, query, params, log_exceptions)

        with patch.object(sql_db.Cursor, "execute", spy):
            work()
        return seen

    def test_a_webhook_reads_its_channel_and_secret_once_per_worker(self):
        body, headers = self.signed_request(self.order_payload("C1"))
        self.assertEqual(self.post(body, headers).status_code, 200)
        body, headers = self.signed_request(self.order_payload("C2"))
        token = self.channel.webhook_token  # read here, not while the request is watched
        statements = self.queries_during(lambda: self.assertEqual(self.post(body, headers, token).status_code, 200))
        self.assertTrue(any("INSERT INTO integration_event" in q for q in statements), statements)
        read = [q for q in statements if '"integration_channel"' in q or '"integration_secret"' in q]
        self.assertEqual(read, [], "the channel and its signing secret come from the worker's copy")

    @mute_logger("odoo.addons.integration_hub.controllers.webhook")
    def test_every_change_to_a_channel_reaches_the_next_webhook(self):
        def answer(payload, secret=TEST_SECRET):
            body, headers = self.signed_request(self.order_payload(payload, special_handling="x" * 1500), secret=secret)
            return self.post(body, headers).status_code

        self.assertEqual(answer("D1"), 200)  # the worker now holds its copy
        new_secret = "whsec_" + "bmV3LXNlY3JldC1mb3ItdGhlLWh1Yi0zMi1ieXRlcy0h"
        self.channel.webhook_secret = new_secret
        self.assertEqual(answer("D2"), 401, "the replaced secret no longer signs")
        self.assertEqual(answer("D3", secret=new_secret), 200)
        self.channel.action_pause()
        self.assertEqual(answer("D4", secret=new_secret), 404)
        self.channel.write({"state": "live"})
        self.channel.webhook_max_bytes = 1024  # the smallest limit; the body is larger
        self.assertEqual(answer("D5", secret=new_secret), 413)
        self.channel.webhook_max_bytes = 2 * 1024 * 1024
        self.channel.allowed_ips = "10.0.0.0/8"
        self.assertEqual(answer("D6", secret=new_secret), 403)

    def test_oversized_body_is_413(self):
        self.channel.webhook_max_bytes = 2048
        big = self.order_payload("A9", special_handling="x" * 4096)
        body, headers = self.signed_request(big)
        self.assertEqual(self.post(body, headers).status_code, 413)
        self.assertFalse(self.events())

    def test_default_limit_is_two_mebibytes(self):
        self.assertEqual(self.channel.webhook_max_bytes, 2 * 1024 * 1024)

    @mute_logger("odoo.addons.integration_hub.controllers.webhook")
    def test_source_ip_not_allowed_is_403(self):
        self.channel.allowed_ips = "10.0.0.0/8, 2001:db8::/32"
        body, headers = self.signed_request(self.order_payload("A10"))
        self.assertEqual(self.post(body, headers).status_code, 403)
        self.assertFalse(self.events())
        self.channel.allowed_ips = "10.0.0.0/8, 127.0.0.0/8"
        self.assertEqual(self.post(body, headers).status_code, 200)

    def test_signed_garbage_is_200_failed_event_and_open_exception(self):
        body, headers = self.signed_request(raw=b"\xff\xfe{not json at all")
        response = self.post(body, headers)
        self.assertEqual(response.status_code, 200)
        event = self.events()
        self.assertEqual(event.state, "failed")
        self.assertIn("not valid JSON", event.error)
        self.assertEqual(event.payload_encoding, "base64", "non-UTF-8 bodies are kept byte for byte")
        exception = self.open_exceptions()
        self.assertEqual(exception.exception_type, "failed_event")
        self.assertEqual(exception.event_id, event)
        self.assertIn("kept in the inbox", exception.description)

    def test_signed_json_of_unknown_shape_is_kept_as_failed(self):
        body, headers = self.signed_request({"type": "order.exploded", "data": {}})
        self.assertEqual(self.post(body, headers).status_code, 200)
        self.assertEqual(self.events().state, "failed")
        self.assertIn("unknown event type", self.events().error)
        self.assertTrue(self.open_exceptions())

    def test_same_webhook_id_three_times_is_one_event_with_two_duplicates(self):
        body, headers = self.signed_request(self.order_payload("A11"), msg_id="msg_same_id")
        for _ in range(3):
            response = self.post(body, headers)
            self.assertEqual(response.status_code, 200)
        event = self.events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.duplicate_count, 2)
        self.assertTrue(event.last_seen_at)

    def test_get_is_not_allowed(self):
        response = self.url_open(ROUTE + self.channel.webhook_token)
        self.assertEqual(response.status_code, 405)

    def test_access_log_never_shows_the_token(self):
        token = self.channel.webhook_token
        record = logging.LogRecord(
            "werkzeug",
            logging.INFO,
            __file__,
            1,
            '%s - - "%s" %s',
            ("127.0.0.1", f"POST {ROUTE}{token} HTTP/1.1", "200"),
            None,
        )
        webhook_controller._MaskWebhookTokens().filter(record)
        line = record.getMessage()
        self.assertNotIn(token, line)
        self.assertIn(ROUTE + "…" + token[-4:], line)

    @mute_logger("odoo.addons.integration_hub.controllers.webhook")
    def test_rejections_are_counted_and_a_high_rate_raises_a_health_alert(self):
        for n in range(6):
            body, headers = self.signed_request(
                self.order_payload(f"H{n}"), secret="whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
            )
            self.assertEqual(self.post(body, headers).status_code, 401)
        body, headers = self.signed_request(self.order_payload("H-ok"))
        self.assertEqual(self.post(body, headers).status_code, 200)
        health = self.env["integration.channel.health"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(sum(health.mapped("webhooks_rejected")), 6)
        self.env["integration.channel"]._cron_monitor_health()
        self.env["integration.channel"]._cron_monitor_health()
        alert = self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.channel.id), ("exception_type", "=", "monitoring")]
        )
        self.assertEqual(len(alert), 1)
        self.assertIn("6 of 7 webhooks were rejected", alert.description)
