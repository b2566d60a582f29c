import responses

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

from .amazon_fake import FakeAmazon

CLIENT_ID, CLIENT_SECRET, REFRESH = "amzn1.application-oa2-client.test", "lwa-secret", "Atzr|refresh"


class AmazonMixin(HubFactoryMixin, CatalogMixin):
    """A live Amazon channel (Spain, EU) on the test warehouse, with its LWA credentials; the shop sells our catalog."""

    @classmethod
    def setup_amazon(cls):
        cls.setup_hub()
        cls.setup_catalog()
        cls.amz = cls.make_channel(
            "Amazon.es",
            "AMZ",
            platform="amazon",
            amazon_seller_id="A3TESTSELLER",
            amazon_lwa_client_id=CLIENT_ID,
        )
        cls.amz.write({"amazon_lwa_client_secret": CLIENT_SECRET, "amazon_refresh_token": REFRESH})
        cls.list_products(cls.amz, cls.mug | cls.tshirt_s | cls.tshirt_m | cls.kit)

    def fake_amazon(self):
        """SP-API and LWA stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")  # the test's own Odoo server and the local SQS service
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        return FakeAmazon(CLIENT_ID, CLIENT_SECRET, REFRESH).install(mock)

    def amz_order(self, order_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.amz.id), ("external_id", "=", order_id)]
        )

    def amz_events(self):
        return self.env["integration.event"].search([("channel_id", "=", self.amz.id)])

    def amz_exceptions(self, exception_type=None):
        domain = [("channel_id", "=", self.amz.id)] + (
            [("exception_type", "=", exception_type)] if exception_type else []
        )
        return self.env["integration.sync.exception"].search(domain)

    def poll(self, stream="orders"):
        return self.amz._poll_stream(stream, self.amz._poll_cursor(stream))

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()
