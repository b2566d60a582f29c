import responses

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

from .ebay_fake import FakeEbay

ROUTE = "/integration_hub/v1/webhooks/"
APP_ID, CERT_ID, REFRESH = "Hub-Test-PRD-0123456789-abcdef01", "PRD-0123456789ab-cdef", "v^1.1#i^1#r^1#refresh"
VERIFICATION = "hub-ebay-verification-token-0123456789abcdef"


class EbayMixin(HubFactoryMixin, CatalogMixin):
    """A live eBay.es channel on the test warehouse with its App ID, Cert ID and refresh token."""

    @classmethod
    def setup_ebay(cls):
        cls.setup_hub()
        cls.setup_catalog()
        cls.ebay = cls.make_channel("eBay.es", "EBAY", platform="ebay", ebay_client_id=APP_ID)
        cls.ebay.write(
            {"ebay_client_secret": CERT_ID, "ebay_refresh_token": REFRESH, "ebay_verification_token": VERIFICATION}
        )
        cls.list_products(cls.ebay, cls.mug | cls.tshirt_s | cls.tshirt_m | cls.kit)

    def fake_ebay(self):
        """eBay's APIs stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")  # the test's own Odoo server (url_open)
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        fake = FakeEbay(APP_ID, CERT_ID, REFRESH).install(mock)
        for sku in ("MUG-001", "TSHIRT-S", "TSHIRT-M", "KIT-GIFT"):
            fake.inventory[sku] = 0
        return fake

    def ebay_order(self, order_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.ebay.id), ("external_id", "=", order_id)]
        )

    def ebay_exceptions(self, exception_type=None):
        domain = [("channel_id", "=", self.ebay.id)] + (
            [("exception_type", "=", exception_type)] if exception_type else []
        )
        return self.env["integration.sync.exception"].search(domain)

    def poll(self, stream="orders"):
        return self.ebay._poll_stream(stream, self.ebay._poll_cursor(stream))

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()
