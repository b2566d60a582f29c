"""What senders really deliver: each odd input is answered, kept and handled with a clear reason."""

import base64
import json
import os

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import CatalogMixin, HubFactoryMixin

ROUTE = "/integration_hub/v1/webhooks/"


@tagged("post_install", "-at_install")
class TestWebhookOddInputs(HubFactoryMixin, CatalogMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        cls.stock(cls.mug, 20)

    def post(self, body, headers):
        response = self.url_open(ROUTE + self.channel.webhook_token, data=body, headers=headers)
        return response.status_code, response.json()["message"]

    def deliver(self, document=None, raw=None, msg_id=None):
        body, headers = self.signed_request(document, raw=raw, msg_id=msg_id)
        return self.post(body, headers)

    def events(self):
        return self.env["integration.event"].search([("channel_id", "=", self.channel.id)], order="id")

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", external_id)]
        )

    def test_json_nested_ten_thousand_deep_is_kept_as_failed_not_a_server_error(self):
        raw = b'{"type": "order.created", "data": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
        self.assertEqual(self.deliver(raw=raw), (200, "stored as failed"))
        event = self.events()
        self.assertEqual(event.state, "failed")
        self.assertIn("nested too deeply", event.error)
        self.assertEqual(len(event.payload), len(raw), "kept byte for byte")
        self.assertTrue(self.env["integration.sync.exception"].search([("event_id", "=", event.id)]))

    def test_a_webhook_id_too_long_to_index_is_stored_and_its_redelivery_is_a_duplicate(self):
        long_id = "msg_" + "x" * 3000
        document = self.order_payload("LONG-1")
        self.assertEqual(self.deliver(document, msg_id=long_id), (200, "accepted"))
        self.assertEqual(self.deliver(document, msg_id=long_id), (200, "duplicate"))
        event = self.events()
        self.assertEqual(len(event), 1)
        self.assertTrue(event.idempotency_key.startswith("sha256:"))
        self.assertIn(long_id, event.headers, "the id as sent is kept with the message")
        self.assertEqual(event.duplicate_count, 1)

    def test_an_envelope_with_more_keys_than_type_and_data_is_processed(self):
        document = {**self.order_payload("ENV-1"), "timestamp": "2026-11-20T10:00:00Z"}  # Standard Webhooks style
        self.assertEqual(self.deliver(document), (200, "accepted"))
        self.process()
        self.assertEqual(self.events().state, "done")
        self.assertEqual(self.order("ENV-1").state, "accepted")

    @mute_logger("odoo.addons.integration_hub.models.integration_event")
    def test_lines_that_are_not_a_list_fail_with_a_reason_not_a_traceback(self):
        self.assertEqual(self.deliver(self.order_payload("L-5", lines=5)), (200, "accepted"))
        self.process()
        event = self.events()
        self.assertEqual(event.state, "failed")
        self.assertIn("'lines' must be a list", event.error)
        self.assertNotIn("Unexpected error", event.error)
        self.assertNotIn("Traceback", event.error)

    @mute_logger("odoo.addons.integration_hub.models.integration_event")
    def test_an_escaped_nul_character_fails_with_a_reason_naming_the_field(self):
        raw = json.dumps(self.order_payload("NUL-1", name="#NUL\u0000-1")).encode()
        self.assertIn(b"\\u0000", raw)
        self.assertEqual(self.deliver(raw=raw), (200, "stored as failed"))
        event = self.events()
        self.assertEqual(event.state, "failed")
        self.assertIn("$.data.name contains a NUL character", event.error)
        self.assertEqual(json.loads(event.payload), json.loads(raw), "kept as sent")
        self.assertNotIn("Unexpected error", event.error)

    def test_a_reused_webhook_id_with_another_body_is_kept_and_flagged_not_dropped(self):
        self.assertEqual(self.deliver(self.order_payload("REUSE-1"), msg_id="msg_reused"), (200, "accepted"))
        other = self.order_payload("REUSE-2")
        self.assertEqual(self.deliver(other, msg_id="msg_reused"), (200, "stored as failed"))
        self.assertEqual(self.deliver(other, msg_id="msg_reused"), (200, "duplicate"), "that other body again")
        original, conflict = self.events()
        self.assertEqual((original.idempotency_key, original.state), ("msg_reused", "received"))
        self.assertEqual(json.loads(conflict.payload), other, "the other body is kept as sent")
        self.assertEqual(conflict.state, "failed")
        self.assertIn("reused message id msg_reused", conflict.error)
        exception = self.env["integration.sync.exception"].search([("event_id", "=", conflict.id)])
        self.assertEqual(exception.state, "open")
        self.assertEqual(conflict.duplicate_count, 1)
        # a manager who judges it a real message processes it
        conflict.with_user(self.user_manager).action_retry()
        self.process()
        self.assertEqual(self.order("REUSE-2").state, "accepted")

    def test_an_older_update_never_wins_over_a_newer_one_that_changed_nothing(self):
        created = self.order_payload("VER-1")
        self.deliver(created)
        newer = {"type": "order.updated", "data": {**created["data"], "updated_at": "2026-11-20T12:00:00+01:00"}}
        self.deliver(newer)  # the same order again, a later version with nothing changed
        older = {
            "type": "order.updated",
            "data": {
                **created["data"],
                "updated_at": "2026-11-20T11:00:00+01:00",
                "lines": [{"id": "l1", "sku": "MUG-001", "quantity": 3}],
            },
        }
        self.deliver(older)  # delayed in the sender's queue
        self.process()
        order = self.order("VER-1")
        self.assertEqual(order.line_ids.mapped("quantity_sent"), ["1"], "the older version is ignored")
        self.assertEqual(self.events().mapped("state"), ["done", "duplicate", "duplicate"])

    @mute_logger("odoo.addons.integration_hub.models.integration_event")
    def test_a_manager_sets_aside_a_message_and_can_still_retry_it(self):
        self.deliver(self.order_payload("ASIDE-1"))
        event = self.events()
        with self.assertRaises(UserError):
            event.with_user(self.user_operations).action_set_aside("not mine to decide")
        with self.assertRaises(UserError):
            event.with_user(self.user_manager).action_set_aside("  ")
        wizard = (
            self.env["integration.event.set.aside"]
            .with_user(self.user_manager)
            .create({"event_ids": [(6, 0, event.ids)], "reason": "Test order sent by mistake"})
        )
        wizard.action_confirm()
        self.assertEqual(event.state, "skipped")
        self.process()
        self.assertEqual(event.state, "skipped", "the worker leaves it alone")
        self.assertFalse(self.order("ASIDE-1"))
        log = self.env["integration.audit.log"].search([("action", "=", "event_set_aside"), ("res_id", "=", event.id)])
        self.assertEqual((log.user_id, log.reason), (self.user_manager, "Test order sent by mistake"))
        event.with_user(self.user_manager).action_retry()
        self.process()
        self.assertEqual(self.order("ASIDE-1").state, "accepted")

    def test_an_absurd_quantity_holds_the_order_with_the_reason(self):
        document = self.order_payload("HUGE-1", lines=[{"id": "l1", "sku": "MUG-001", "quantity": 1e308}])
        self.assertEqual(self.deliver(document), (200, "accepted"))
        self.process()
        self.assertEqual(self.events().state, "done", "a bad value is the order's problem, not a crash")
        order = self.order("HUGE-1")
        self.assertEqual(order.state, "on_hold")
        self.assertIn("more than any line the hub takes", order.validation_problems)

    def test_a_quantity_that_is_not_a_finite_number_holds_the_order_never_crashes(self):
        for external_id, quantity in (("NAN-1", "NaN"), ("INF-1", "Infinity")):
            line = {"id": "l1", "sku": "MUG-001", "quantity": 1}
            raw = json.dumps(self.order_payload(external_id, lines=[line]))
            raw = raw.replace('"quantity": 1', f'"quantity": {quantity}')  # JSON as some senders write it
            self.assertEqual(self.deliver(raw=raw.encode()), (200, "accepted"))
        self.process()
        self.assertEqual(set(self.events().mapped("state")), {"done"}, "the order's problem, not a crash")
        for external_id in ("NAN-1", "INF-1"):
            order = self.order(external_id)
            self.assertEqual(order.state, "on_hold")
            self.assertEqual(order.line_ids.quantity, 0.0)
            self.assertEqual(order.line_ids.price_subtotal, 0.0)

    @mute_logger("odoo.addons.integration_hub.models.integration_event")
    def test_an_order_id_or_sku_too_long_to_index_fails_with_a_reason_and_nothing_in_the_log(self):
        random_id = base64.b32encode(os.urandom(2000)).decode()  # incompressible: a real index overflow
        long_sku = [{"id": "l1", "sku": random_id[:3000], "quantity": 1}]
        for document in (self.order_payload(random_id), self.order_payload("LONG-SKU", lines=long_sku)):
            self.assertEqual(self.deliver(document), (200, "accepted"))
        with self.assertNoLogs("odoo.sql_db", level="ERROR"):  # a failed INSERT would log the order with it
            self.process()
        first, second = self.events()
        self.assertEqual((first.state, second.state), ("failed", "failed"))
        self.assertIn("the order's 'id' is 3200 characters long", first.error)
        self.assertIn("line 1's 'sku' is 3000 characters long", second.error)
        self.assertNotIn("Unexpected error", first.error + second.error)
