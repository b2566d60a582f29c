"""The adapter seam, owned and tested once by the hub: capabilities, outbound duties, asynchronous
deliveries, acknowledgements, the paid vocabulary, refused credentials, token renewal and listings."""

import json
from datetime import timedelta

import responses
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..lib.errors import PermanentError
from .common import clear_for_golive
from .order_common import OrderCase

PARTNER = "https://partner.example.com/test"
STATUS_URL = "https://partner.example.com/imports/42"


@tagged("post_install", "-at_install")
class TestSeam(OrderCase):
    def jobs(self, channel=None, job_type=None):
        domain = [("channel_id", "=", (channel or self.channel).id)]
        return self.env["integration.job"].search(domain + ([("job_type", "=", job_type)] if job_type else []))

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()

    # --- capabilities: declared, switched on, configured ---------------------------------------
    def test_a_channel_without_an_endpoint_queues_nothing_so_nothing_dies(self):
        self.channel.api_base_url = False
        self.channel.partial_policy = "cancel_lines"
        self.assertFalse(self.channel._takes("inventory"))
        self.assertIn("no API base URL", self.channel.configuration_warnings)
        self.ingest(self.order_data("NO-URL", lines=[{"id": "1", "sku": "MUG-001", "quantity": 999}]))
        self.env["integration.channel"]._cron_publish_inventory()
        self.run_jobs()
        self.assertFalse(
            self.jobs(), "lines cancelled, inventory changed: nothing queued for a channel that cannot take it"
        )
        self.assertFalse(self.env["integration.sync.exception"].search([("exception_type", "=", "dead_job")]))
        with self.assertRaisesRegex(UserError, "Inventory push: no API base URL to send to"):
            self.channel.with_user(self.user_manager).action_publish_inventory_now()

    def test_going_live_checks_what_is_switched_on(self):
        channel = self.make_channel("Draft shop", "DRAFT", state="draft", api_base_url=False)
        with self.assertRaisesRegex(UserError, "no webhook signing secret"):
            channel.with_user(self.user_admin).action_go_live()
        channel.webhook_secret = "whsec_" + "c2VjcmV0LWZvci10aGUtZHJhZnQtc2hvcC0zMmJ5dGVz"
        with self.assertRaisesRegex(UserError, "Order status: no API base URL"):
            channel.with_user(self.user_admin).action_go_live()
        channel.write({"send_inventory": False, "send_order_status": False, "send_return_status": False})
        clear_for_golive(channel, self.user_manager)
        channel.with_user(self.user_admin).action_go_live()  # a shop that only sends orders
        self.assertEqual(channel.state, "live")

    def test_capabilities_are_declared_never_guessed(self):
        manual = self.make_channel("By hand", "HAND", platform="manual")
        files = self.make_channel("Files", "FILES", platform="csv")
        self.assertEqual(
            [job_type for job_type in ("inventory", "fulfillment", "order_status") if manual._takes(job_type)], []
        )
        self.assertTrue(files._takes("inventory"))
        self.assertFalse(self.channel._takes("fulfillment"), "the generic partner gets carrier steps as statuses")
        self.assertFalse(self.channel._takes("acknowledge"), "acknowledging is switched on per channel")
        job = (
            self.env["integration.job"]
            .sudo()
            .create({"channel_id": manual.id, "job_type": "inventory", "idempotency_key": "forced", "payload": "{}"})
        )
        with self.assertRaisesRegex(PermanentError, "takes no 'inventory' message"):
            manual._adapter()._push(job)

    # --- outbound duties queued by the hub --------------------------------------------------------
    def test_acknowledgement_after_intake_and_cancellation_acknowledged_once(self):
        self.channel.acknowledge_orders = True
        _event, order = self.ingest(self.order_data("ACK-1"))
        (ack,) = self.jobs(job_type="acknowledge")
        self.assertEqual(
            (ack._payload()["order_id"], ack._payload()["status"], ack._payload()["lines"][0]["sku"]),
            ("ACK-1", "accepted", "MUG-001"),
        )
        self.ingest(self.order_data("ACK-1", updated_at="2026-11-20T12:00:00+01:00"), kind="updated")
        self.assertEqual(len(self.jobs(job_type="acknowledge")), 1, "an order is acknowledged once")
        self.ingest({"id": "ACK-1", "cancel_reason": "customer"}, kind="cancelled")
        self.ingest({"id": "ACK-1", "cancel_reason": "customer"}, kind="cancelled")
        self.assertEqual(order.state, "cancelled")
        statuses = [job._payload()["status"] for job in self.jobs(job_type="order_status")]
        self.assertEqual(statuses, ["cancel_acknowledged"])

    # --- asynchronous platforms: sent, then confirmed or failed -----------------------------------
    def test_accepted_for_later_is_checked_until_confirmed_and_refused_items_are_named(self):
        with responses.RequestsMock() as partner, freeze_time("2026-11-27 10:00:00"):
            partner.post(PARTNER, status=202, headers={"Location": STATUS_URL})
            job = self.channel._publish_inventory(self.mug | self.tshirt_m)
            self.run_jobs()
            self.assertEqual((job.state, job.remote_ref), ("sent", STATUS_URL))
            self.assertFalse(self.level(self.mug).published_at, "not published before the partner confirms")
            partner.get(STATUS_URL, json={"status": "processing"})
            self.run_jobs()
            self.assertEqual(len(partner.calls), 1, "the check waits for its time")
            for minutes in (2, 30):
                with freeze_time(f"2026-11-27 10:{minutes:02d}:00"):
                    self.run_jobs()
            self.assertEqual(job.state, "sent")
            partner.replace(
                responses.GET,
                STATUS_URL,
                json={"status": "done", "errors": [{"item": "TSHIRT-M", "message": "unknown SKU"}]},
            )
            with freeze_time("2026-11-27 12:00:00"):
                self.run_jobs()
        self.assertEqual(job.state, "confirmed")
        self.assertEqual(self.level(self.mug).published_qty, 50)
        self.assertFalse(self.level(self.tshirt_m).published_at, "refused by the partner: not published")
        (refused,) = self.env["integration.sync.exception"].search([("exception_type", "=", "item_refused")])
        self.assertIn("TSHIRT-M", refused.name)
        self.assertIn("unknown SKU", refused.description)

    def test_a_failed_report_is_a_dead_job_with_the_partners_reason(self):
        with responses.RequestsMock() as partner:
            partner.post(PARTNER, status=202, headers={"Location": STATUS_URL})
            partner.get(STATUS_URL, json={"status": "failed", "message": "malformed feed"})
            job = self.channel._publish_inventory(self.mug)
            self.run_jobs()
            job.next_attempt_at = fields.Datetime.now()
            self.run_jobs()
        self.assertEqual(job.state, "dead")
        self.assertIn("malformed feed", job.last_error)
        self.assertTrue(self.env["integration.sync.exception"].search([("job_id", "=", job.id)]))

    def level(self, product):
        return self.env["integration.inventory.level"].search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", product.id)]
        )

    # --- refused credentials, whatever the platform -------------------------------------------------
    def test_refused_credentials_park_the_channel_until_an_administrator_resumes(self):
        with responses.RequestsMock() as partner:
            partner.post(PARTNER, status=401)
            first = self.channel._publish_inventory(self.mug)
            second = self.env["integration.job"]._enqueue(self.channel, "order_status", "s-1", {"status": "x"})
            self.run_jobs()
            self.run_jobs()
            self.assertEqual(len(partner.calls), 1, "refused once: the rest waits, no retry loop")
        self.assertTrue(self.channel.outbound_paused)
        self.assertEqual((first | second).mapped("next_attempt_at"), [False, False])
        self.assertEqual(first.attempts, 0, "a parked job lost no attempt")
        (access,) = self.env["integration.sync.exception"].search([("exception_type", "=", "channel_access")])
        self.assertEqual(access.severity, "critical")
        with self.assertRaises(AccessError):
            self.channel.with_user(self.user_manager).action_resume_outbound()
        with self.assertRaises(AccessError):  # only the hub writes it
            self.channel.with_user(self.user_admin).write({"outbound_paused": False})
        with responses.RequestsMock() as partner:
            partner.post(PARTNER, json={"ok": True})
            self.channel.with_user(self.user_admin).action_resume_outbound()
            self.run_jobs()
        self.assertEqual((first | second).mapped("state"), ["done", "done"])

    # --- the paid vocabulary ----------------------------------------------------------------------
    def test_each_channel_chooses_which_payment_statuses_count_as_paid(self):
        with self.assertRaisesRegex(ValidationError, "unknown payment status"), self.env.cr.savepoint():
            self.channel.paid_statuses = "paid, captured"
        self.channel.invalidate_recordset()
        _event, order = self.ingest(self.order_data("PAY-1", financial_status="authorized"))
        self.assertEqual(order.state, "validated", "authorized is not paid by default")
        self.channel.paid_statuses = "paid, authorized"
        _event, order = self.ingest(self.order_data("PAY-2", financial_status="authorized"))
        self.assertEqual(order.state, "accepted")

    # --- short-lived tokens -------------------------------------------------------------------
    def test_access_tokens_are_kept_encrypted_with_their_expiry_and_renewed(self):
        issued = []

        def refresh():
            issued.append(f"token-{len(issued) + 1}")
            return issued[-1], fields.Datetime.now() + timedelta(hours=1)

        with freeze_time("2026-11-27 10:00:00"):
            self.assertEqual(self.channel._access_token(refresh), "token-1")
            self.assertEqual(self.channel._access_token(refresh), "token-1", "cached while valid")
            stored = self.env["integration.secret"].search(
                [("channel_id", "=", self.channel.id), ("name", "=", "access_token")]
            )
            self.assertEqual(str(stored.expires_at), "2026-11-27 11:00:00")
            self.assertNotIn("token-1", stored.sudo().ciphertext)
        with freeze_time("2026-11-27 10:59:30"):  # expires within the minute: renewed before use
            self.assertEqual(self.channel._access_token(refresh), "token-2")
        with freeze_time("2026-11-27 11:00:00"):
            self.assertEqual(self.channel._access_token(refresh, renew=True), "token-3", "the remote refused it")
        self.assertNotIn("access_token", self.channel.with_user(self.user_admin).secrets_set, "not a field")

    # --- listings -----------------------------------------------------------------------------
    def test_only_listed_products_are_published_and_a_reported_one_is_listed(self):
        shop = self.make_channel("Mugs only", "MUGS")
        self.list_products(shop, self.mug)
        job = shop._publish_inventory()
        self.assertEqual(job._payload(), {"MUG-001": 50}, "never the rest of the catalog")
        self.assertFalse(shop._publish_inventory(self.tshirt_s), "not listed: never sent, even asked by name")
        event_id, _new = self.env["integration.event"]._receive(
            shop, "r-1", "inventory.reported", {"levels": [{"sku": "TSHIRT-S", "quantity": 20}]}
        )
        self.env["integration.event"].browse(event_id)._process()
        listing = self.env["integration.external.id"].search([("channel_id", "=", shop.id), ("sku", "=", "TSHIRT-S")])
        self.assertEqual((listing.source, listing.listed, listing.reported_qty), ("sku_match", True, 20))
        listing.with_user(self.user_admin).listed = False  # an administrator takes it off the channel
        self.assertEqual(shop._publishable_products(), self.mug)
        with self.assertRaises(AccessError):
            self.env["integration.external.id"].with_user(self.user_manager).create(
                {"channel_id": shop.id, "product_id": self.kit.id}
            )
        with self.assertRaisesRegex(AccessError, "recorded by the hub"):
            self.env["integration.external.id"].with_user(self.user_admin).create(
                {"channel_id": shop.id, "kind": "fulfillment", "external_id": "F-1"}
            )
        self.assertEqual(json.loads(job.payload), {"MUG-001": 50})
