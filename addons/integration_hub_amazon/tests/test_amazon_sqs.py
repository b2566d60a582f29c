"""ORDER_CHANGE notifications from the seller's SQS queue, read with boto3 from a real SQS-compatible server
(moto's, on 127.0.0.1): stored once per NotificationId, deleted only once the inbox rows are committed."""

from unittest.mock import patch

from moto.server import ThreadedMotoServer

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import AmazonMixin

ORDER_ID = "171-1234567-7654321"


@tagged("post_install", "-at_install")
class TestAmazonQueue(AmazonMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)
        host, port = cls.server.get_host_and_port()
        cls.endpoint = f"http://{host}:{port}"
        cls.setup_amazon()
        cls.stock(cls.tshirt_s, 5)

    def setUp(self):
        super().setUp()
        import boto3

        self.sqs = boto3.client(
            "sqs",
            region_name="eu-west-1",
            endpoint_url=self.endpoint,
            aws_access_key_id="AKIDTEST",
            aws_secret_access_key="secret",
        )
        queue = self.sqs.create_queue(QueueName=f"amazon-orders-{self._testMethodName[-40:]}")["QueueUrl"]
        self.addCleanup(self.sqs.delete_queue, QueueUrl=queue)
        self.amz.write(
            {
                "amazon_sqs_queue_url": queue,
                "amazon_aws_access_key_id": "AKIDTEST",
                "amazon_aws_secret_access_key": "secret",
            }
        )
        self.queue = queue

    def in_queue(self):
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])

    def test_notifications_become_orders_deduplicated_and_deleted_after_storing(self):
        amazon = self.fake_amazon()
        amazon.add_order(ORDER_ID)
        body = amazon.notification(ORDER_ID, "8f9c1b2e-notification-1")
        for _n in range(2):  # SQS standard queues deliver at least once
            self.sqs.send_message(QueueUrl=self.queue, MessageBody=body)
        self.sqs.send_message(QueueUrl=self.queue, MessageBody="not json at all")
        self.env["integration.channel"]._cron_poll_channels()  # the queue is read at every run
        events = self.amz_events().filtered(lambda e: e.source == "poll" and e.event_type != "order")
        self.assertEqual(sorted(events.mapped("event_type")), ["ORDER_CHANGE", "unreadable"])
        notification = events.filtered(lambda e: e.event_type == "ORDER_CHANGE")
        self.assertEqual(
            (notification.idempotency_key, notification.duplicate_count), ("notification:8f9c1b2e-notification-1", 1)
        )
        self.assertEqual(self.in_queue(), 0, "deleted once stored, the unreadable one too (kept in the inbox)")
        with mute_logger("odoo.addons.integration_hub.models.integration_event"):
            self.process()
        order = self.amz_order(ORDER_ID)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(
            order.ship_name, "Lucía Ferrer", "re-read with a Restricted Data Token: the notification has no PII"
        )
        self.assertIn(notification.state, ("done", "duplicate"))
        unreadable = events - notification
        self.assertEqual(unreadable.state, "failed")
        self.assertIn("not JSON", unreadable.error or "")
        self.assertIn("not json at all", unreadable.payload, "the raw message stays in the inbox")

    def test_a_message_is_not_deleted_when_the_inbox_could_not_store_it(self):
        amazon = self.fake_amazon()
        amazon.add_order(ORDER_ID)
        self.sqs.send_message(QueueUrl=self.queue, MessageBody=amazon.notification(ORDER_ID, "n-2"))
        Event = type(self.env["integration.event"])
        with (
            patch.object(Event, "_receive", side_effect=RuntimeError("database went away")),
            self.assertRaises(RuntimeError),
        ):
            self.amz._poll_stream("notifications", self.amz._poll_cursor("notifications"))
        self.assertEqual(self.in_queue(), 1, "still in the queue: SQS delivers it again after the visibility timeout")

    @mute_logger("odoo.addons.integration_hub.models.integration_channel_polling")
    def test_a_missing_queue_is_reported_on_the_stream_and_nothing_is_lost(self):
        self.fake_amazon()
        self.amz.write({"amazon_sqs_queue_url": self.queue.replace("/amazon-orders", "/missing-queue")})
        self.assertEqual(self.amz._poll_stream("notifications", self.amz._poll_cursor("notifications")), 0)
        self.assertIn("SQS", self.amz._poll_cursor("notifications").last_error)
