"""Amazon's authentication, throttling, listings feeds and returns report, against the fake SP-API."""

import json

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_hub.lib.errors import RetryableError
from odoo.addons.integration_hub.tests.common import clear_for_golive

from ..lib import amazon as A
from .common import AmazonMixin

QUIET = (
    "odoo.addons.integration_hub.models.integration_job",
    "odoo.addons.integration_hub.models.integration_channel_polling",
)
ORDER_ID = "171-1234567-7654321"


@tagged("post_install", "-at_install")
class TestAmazon(AmazonMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_amazon()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)

    def feed_job(self, quantities, key="inv-1"):
        return self.env["integration.job"]._enqueue(self.amz, "inventory", key, quantities)

    def free(self, product):
        return self.amz._compute_availability(product)[product.id]

    def check_feeds(self):
        self.env["integration.job"].search([("channel_id", "=", self.amz.id), ("state", "=", "sent")]).write(
            {"next_attempt_at": fields.Datetime.now()}
        )
        self.run_jobs()

    def test_amazons_30_day_rule_shortens_a_longer_retention_of_personal_data(self):
        self.amz.personal_data_retention_days = 90
        self.assertEqual(self.amz._personal_data_retention_days_effective(), 30)
        self.amz.personal_data_retention_days = 10
        self.assertEqual(self.amz._personal_data_retention_days_effective(), 10, "a shorter period stays")

    # --- authentication ------------------------------------------------------------------------
    def test_the_access_token_is_kept_then_renewed_when_amazon_says_it_expired(self):
        amazon = self.fake_amazon()
        self.assertIn("Amazon.es", self.amz.with_user(self.user_admin).action_test_connection()["params"]["message"])
        self.amz.with_user(self.user_admin).action_test_connection()
        lwa = [c for c in amazon.calls if c[1] == "/auth/o2/token"]
        self.assertEqual(len(lwa), 1, "one token for an hour, kept encrypted")
        self.assertNotIn("Atza|", str(self.amz.sudo().read()), "never readable on the channel")
        amazon.expire_tokens()
        self.amz.with_user(self.user_admin).action_test_connection()
        lwa = [c for c in amazon.calls if c[1] == "/auth/o2/token"]
        self.assertEqual(len(lwa), 2, "403 expired -> refreshed once -> the call succeeds")
        self.assertFalse(self.amz.outbound_paused)

    @mute_logger(*QUIET)
    def test_a_revoked_refresh_token_parks_the_channel_until_a_new_one_is_set(self):
        amazon = self.fake_amazon()
        amazon.refresh_token = "Atzr|new-after-reauthorisation"
        job = self.feed_job({"MUG-001": 3})
        self.run_jobs()
        self.assertTrue(self.amz.outbound_paused)
        self.assertEqual((job.state, job.next_attempt_at), ("pending", False), "parked, not retried in a loop")
        (access,) = self.amz_exceptions("channel_access")
        self.assertIn("Amazon", access.name)
        self.assertNotIn("Atzr|", access.description, "no credential in an exception")
        self.assertEqual(self.poll(), 0, "polling stops too")
        self.amz.with_user(self.user_admin).write({"amazon_refresh_token": "Atzr|new-after-reauthorisation"})
        self.amz.with_user(self.user_admin).action_resume_outbound()
        self.run_jobs()
        self.assertEqual(job.state, "sent", job.last_error)

    # --- throttling, 5xx, timeouts ---------------------------------------------------------------
    @mute_logger(*QUIET)
    def test_429_with_and_without_retry_after_5xx_and_timeouts_are_retried(self):
        amazon = self.fake_amazon()
        job = self.feed_job({"MUG-001": 3})
        amazon.fail_next(
            (429, {})
        )  # createFeedDocument throttled, no Retry-After: 1 / 0.5 rps = 2 s, retried in-process
        self.run_jobs()
        self.assertEqual(job.state, "sent", job.last_error)
        amazon.fail_next((429, {"Retry-After": "90"}))
        job2 = self.feed_job({"MUG-001": 4}, key="inv-2")
        self.run_jobs()
        self.assertEqual((job2.state, job2.attempts), ("pending", 1))
        self.assertAlmostEqual((job2.next_attempt_at - fields.Datetime.now()).total_seconds(), 90, delta=2)
        for failures in ((500, 500), (503, 503), ("timeout",)):  # a 5xx is retried once in-process, a timeout not
            amazon.fail_next(*failures)
            job2.next_attempt_at = fields.Datetime.now()
            self.run_jobs()
            self.assertEqual(job2.state, "pending", failures)
        # getOrders throttled without Retry-After waits its documented rate (0.0167 rps: 60 s), never 2 s
        client = self.env["integration.adapter.amazon"]._client(self.amz)
        amazon.fail_next((429, {}))
        with self.assertRaises(RetryableError) as caught:
            client.call("GET", "/orders/v0/orders", "getOrders", params={"MarketplaceIds": A.SPAIN})
        self.assertEqual(caught.exception.seconds, 60, "no Retry-After: the operation's rate decides")
        self.assertFalse(amazon.failures)
        amazon.add_order(ORDER_ID)
        row = self.amz._poll_cursor("orders")
        amazon.fail_next((429, {}), (429, {}))  # createRestrictedDataToken: 1 rps, retried once in-process
        self.assertEqual(self.poll(), 0)
        self.assertIn("429", row.last_error)
        self.assertFalse(row.cursor, "the cursor does not move past what was not read")
        self.assertEqual(self.poll(), 1, "the next run reads it")

    # --- inventory: JSON_LISTINGS_FEED -----------------------------------------------------------
    def test_stock_change_reaches_amazon_in_one_feed_within_the_publication_window(self):
        amazon = self.fake_amazon()
        Channel, Job = self.env["integration.channel"], self.env["integration.job"]
        self.assertEqual(self.amz.publish_interval_minutes, 30)
        with freeze_time("2026-11-25 10:00:00"):
            Channel._cron_publish_inventory()
            self.run_jobs()
            (job,) = Job.search([("channel_id", "=", self.amz.id), ("job_type", "=", "inventory")])
            self.assertEqual(job.state, "sent", job.last_error)
            (feed,) = amazon.feeds.values()
            self.assertEqual(job.remote_ref, feed["feedId"])
            body = json.loads(amazon.documents[feed["inputFeedDocumentId"]]["content"])
            self.assertEqual(body["header"], {"sellerId": "A3TESTSELLER", "version": "2.0", "issueLocale": "es_ES"})
            sent = {m["sku"]: m["patches"][0]["value"][0]["quantity"] for m in body["messages"]}
            self.assertEqual(sent, {"MUG-001": 10, "TSHIRT-S": 5, "TSHIRT-M": 5, "KIT-GIFT": 5}, "one feed, every SKU")
            self.assertEqual(body["messages"][0]["patches"][0]["path"], "/attributes/fulfillment_availability")
        with freeze_time("2026-11-25 10:01:30"):
            self.run_jobs()
            self.assertEqual(job.state, "sent", "IN_QUEUE: still processing, asked again later")
            amazon.process_feeds()
        with freeze_time("2026-11-25 10:03:00"):
            self.run_jobs()
            self.assertEqual(job.state, "confirmed", job.last_error)
            self.assertEqual(amazon.quantities["MUG-001"], 10)
        with freeze_time("2026-11-25 10:05:00"):
            self.stock(self.mug, -8)  # eight mugs found broken: the warehouse's truth changes
        with freeze_time("2026-11-25 10:20:00"):
            Channel._cron_publish_inventory()
            self.assertEqual(len(Job.search([("channel_id", "=", self.amz.id)])), 1, "not before the interval")
        with freeze_time("2026-11-25 10:30:00"):
            Channel._cron_publish_inventory()
            self.run_jobs()
            job2 = Job.search([("channel_id", "=", self.amz.id)]) - job
            self.assertEqual(job2.state, "sent", job2.last_error)
            amazon.process_feeds()
        with freeze_time("2026-11-25 10:31:30"):
            self.run_jobs()
            self.assertEqual(job2.state, "confirmed", job2.last_error)
        self.assertEqual((amazon.quantities["MUG-001"], amazon.quantities["KIT-GIFT"]), (2, 2), "within 27 minutes")
        body = json.loads(amazon.documents[amazon.feeds[job2.remote_ref]["inputFeedDocumentId"]]["content"])
        self.assertEqual(
            sorted(m["sku"] for m in body["messages"]),
            ["KIT-GIFT", "MUG-001"],
            "the kit follows its scarcest component",
        )

    def test_feed_report_errors_become_one_exception_naming_the_skus_warnings_are_noted(self):
        amazon = self.fake_amazon()
        amazon.gzip_reports = True
        amazon.feed_issues = {
            "TSHIRT-M": ("ERROR", "90220", "'fulfillment_availability' is required but not supplied."),
            "KIT-GIFT": ("ERROR", "4000003", "The Amazon product type specified is invalid or not supported."),
            "MUG-001": ("WARNING", "99022", "The attribute 'lead_time_to_ship_max_days' will be set to its default."),
        }
        job = self.amz._publish_inventory()
        self.run_jobs()
        amazon.process_feeds()
        self.check_feeds()
        self.assertEqual(job.state, "confirmed", job.last_error)
        (refused,) = self.amz_exceptions("item_refused")
        self.assertIn("KIT-GIFT", refused.name)
        self.assertIn("TSHIRT-M", refused.name)
        self.assertIn("90220", refused.description)
        self.assertIn("99022", job.response_summary, "a warning is noted, the SKU is published")
        levels = self.env["integration.inventory.level"].search([("channel_id", "=", self.amz.id)])
        published = {level.sku: bool(level.published_at) for level in levels}
        self.assertEqual(published, {"MUG-001": True, "TSHIRT-S": True, "TSHIRT-M": False, "KIT-GIFT": False})

    @mute_logger(*QUIET)
    def test_feed_quota_is_respected_batches_wait_instead_of_one_feed_per_sku(self):
        amazon = self.fake_amazon()
        for n in range(5):
            self.feed_job({"MUG-001": n, "TSHIRT-S": n}, key=f"q-{n}")
        self.run_jobs()
        self.assertEqual(len(amazon.feeds), 5)
        late = self.feed_job({"MUG-001": 9, "TSHIRT-S": 9, "TSHIRT-M": 9}, key="q-6")
        self.run_jobs()
        self.assertEqual(len(amazon.feeds), 5, "the 6th in 5 minutes is refused by the quota")
        self.assertEqual(late.state, "pending")
        wait = (late.next_attempt_at - fields.Datetime.now()).total_seconds()
        self.assertGreaterEqual(wait, 119, "no Retry-After: createFeed's rate, 0.0083 rps = 121 s")
        self.assertEqual(len(amazon.feed_times), 5)

    def test_a_fatal_feed_fails_the_job_with_amazon_s_words(self):
        amazon = self.fake_amazon()
        job = self.feed_job({"MUG-001": 3})
        self.run_jobs()
        feed = amazon.feeds[job.remote_ref]
        feed.update(
            processingStatus="FATAL",
            resultFeedDocumentId=amazon._document(
                '{"issues":[{"code":"FATAL","severity":"ERROR","message":"Invalid JSON document"}]}'
            ),
        )
        with mute_logger(*QUIET):
            self.check_feeds()
        self.assertEqual(job.state, "dead")
        self.assertIn("Invalid JSON document", job.last_error)

    # --- returns ---------------------------------------------------------------------------------
    def test_returns_report_becomes_authorized_returns_restocked_only_after_triage(self):
        amazon = self.fake_amazon()
        amazon.add_order(ORDER_ID)
        self.poll()
        self.process()
        order = self.amz_order(ORDER_ID)
        picking = order._first_step_pickings()
        picking.move_ids.picked = True
        picking.button_validate()
        order._record_carrier_pickup("PICKUP-1", "PQ1", fields.Datetime.now(), "carrier scan")
        self.assertEqual(self.poll("returns"), 0, "the report is requested first")
        (report,) = amazon.reports.values()
        self.assertEqual(report["reportType"], "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE")
        self.assertEqual(self.poll("returns"), 0, "IN_QUEUE: asked again next run")
        amazon.returns_rows = [
            {
                "Order ID": ORDER_ID,
                "Amazon RMA ID": "DnXY12345",
                "Merchant SKU": "TSHIRT-S",
                "Return quantity": "1",
                "Return reason": "APPAREL_TOO_SMALL",
                "Tracking ID": "1Z999",
                "Item name": "Tee blue S",
            },
        ]
        amazon.process_reports()
        self.assertEqual(self.poll("returns"), 1)
        self.process()
        ret = self.env["integration.return"].search([("channel_id", "=", self.amz.id)])
        self.assertEqual((ret.external_id, ret.state, ret.reason), ("DnXY12345", "authorized", "APPAREL_TOO_SMALL"))
        self.assertEqual((ret.line_ids.product_id, ret.line_ids.quantity), (self.tshirt_s, 1.0))
        self.assertEqual(ret.line_ids.order_line_id, order.line_ids)
        ret.action_create_receipt()
        receipt = ret.receipt_id
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(ret.state, "received")
        self.env.invalidate_all()
        self.assertEqual(self.free(self.tshirt_s), 3, "in quarantine until triaged: not available to sell")
        ret.line_ids.with_user(self.user_operations).action_grade_sellable()
        wizard = Form(
            self.env["integration.return.triage"].with_user(self.user_manager).with_context(default_return_id=ret.id)
        )
        wizard.reason = "Inspected at the bench: unworn, tags on"
        wizard.save().action_confirm()
        ret.with_user(self.user_manager).action_complete()
        self.env.invalidate_all()
        self.assertEqual(self.free(self.tshirt_s), 4, "restocked after triage")
        self.assertEqual(self.poll("returns"), 0, "a new window: a new report")
        self.assertEqual(len(amazon.reports), 2)

    def test_a_failed_returns_report_is_asked_again_for_the_same_window(self):
        amazon = self.fake_amazon()
        with freeze_time("2026-11-25 10:00:00"):
            self.poll("returns")
            (first,) = amazon.reports.values()
            first["processingStatus"] = "FATAL"
            self.poll("returns")
        with freeze_time("2026-11-25 10:10:00"):
            self.poll("returns")
        second = amazon.reports[max(amazon.reports)]
        self.assertEqual(len(amazon.reports), 2)
        self.assertLessEqual(second["dataStartTime"], first["dataStartTime"], "nothing of the window is skipped")

    def test_going_live_needs_the_credentials_and_the_queue_or_its_switch_off(self):
        channel = self.env["integration.channel"].create(
            {"name": "Amazon.fr", "code": "AMZ-FR", "platform": "amazon", "amazon_marketplace": "A13V1IB3VIYZZH"}
        )
        self.assertEqual((channel.amazon_region, channel.state), ("eu", "draft"))
        admin = channel.with_user(self.user_admin)
        with self.assertRaises(UserError) as refused:
            admin.action_go_live()
        for missing in ("seller id", "refresh token", "SQS queue URL"):
            self.assertIn(missing, str(refused.exception))
        admin.write(
            {
                "amazon_seller_id": "A3TESTSELLER",
                "amazon_lwa_client_id": "amzn1.application-oa2-client.test",
                "amazon_lwa_client_secret": "lwa-secret",
                "amazon_refresh_token": "Atzr|refresh",
                "poll_notifications": False,  # no queue: the poll alone
            }
        )
        clear_for_golive(channel, self.user_manager)
        admin.action_go_live()
        self.assertEqual(channel.state, "live")
        self.assertNotIn("notifications", channel._poll_streams())
