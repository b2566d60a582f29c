import responses

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

from .woocommerce_fake import FakeWooCommerce

ROUTE = "/integration_hub/v1/webhooks/"
STORE = "https://shop.example.com"
KEY, SECRET = "ck_test_key", "cs_test_secret"
HOOK_SECRET = "wc-webhook-secret-for-the-hub"


class WooCommerceMixin(HubFactoryMixin, CatalogMixin):
    """A live WooCommerce channel on the test warehouse, with its REST keys and webhook secret."""

    @classmethod
    def setup_woocommerce(cls):
        cls.setup_hub()
        cls.setup_catalog()
        cls.woo = cls.make_channel("Woo test shop", "WOO", platform="woocommerce", woocommerce_store_url=STORE)
        cls.woo.write(
            {"woocommerce_consumer_key": KEY, "woocommerce_consumer_secret": SECRET, "webhook_secret": HOOK_SECRET}
        )

    def fake_woocommerce(self):
        """The shop's API stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")  # the test's own Odoo server (url_open)
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        return FakeWooCommerce(STORE, KEY, SECRET).install(mock)

    def post(self, body, headers):
        return self.url_open(ROUTE + self.woo.webhook_token, data=body, headers=headers)

    def woo_order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.woo.id), ("external_id", "=", str(external_id))]
        )

    def woo_events(self):
        return self.env["integration.event"].search([("channel_id", "=", self.woo.id)])

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()
