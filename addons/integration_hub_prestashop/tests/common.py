import responses

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

from .prestashop_fake import FakePrestaShop

SHOP_URL = "https://shop.example.com"
KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
# the meanings an administrator chose for a fresh install's states (ids are per shop)
MEANINGS = {"2": "ready", "3": "ready", "4": "shipped", "5": "delivered", "6": "cancelled", "10": "waiting"}


class PrestaShopMixin(HubFactoryMixin, CatalogMixin):
    """A live PrestaShop channel on the test warehouse, with its webservice key and order states mapped."""

    @classmethod
    def setup_prestashop(cls, **values):
        cls.setup_hub()
        cls.setup_catalog()
        cls.ps = cls.make_channel(
            "PrestaShop test shop",
            "PS",
            platform="prestashop",
            prestashop_shop_url=SHOP_URL,
            **{"prestashop_timezone": "Europe/Madrid", "prestashop_output": "json", **values},
        )
        cls.ps.prestashop_webservice_key = KEY
        cls.env["integration.prestashop.order.state"].create(
            [{"channel_id": cls.ps.id, "state_id": state, "meaning": meaning} for state, meaning in MEANINGS.items()]
        )

    def fake_prestashop(self, **options):
        """The shop's webservice stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")  # the test's own Odoo server (url_open)
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        return FakePrestaShop(SHOP_URL, KEY, **options).install(mock)

    def ps_order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.ps.id), ("external_id", "=", str(external_id))]
        )

    def ps_events(self):
        return self.env["integration.event"].search([("channel_id", "=", self.ps.id)])

    def poll(self, stream="orders"):
        cursor = self.ps._poll_cursor(stream)
        cursor.polled_at = False
        self.ps._poll_stream(stream, cursor)
        self.process()

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()
