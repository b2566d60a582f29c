import responses

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

from .mirakl_fake import API_KEY, FakeMirakl

OPERATOR = "https://marketplace.example.mirakl.net"


class MiraklMixin(HubFactoryMixin, CatalogMixin):
    """A live Mirakl channel (one operator) on the test warehouse, with its shop API key."""

    @classmethod
    def setup_mirakl(cls, **values):
        cls.setup_hub()
        cls.setup_catalog()
        cls.mkl = cls.make_channel(
            "Marketplace test (Mirakl)",
            "MKL",
            platform="mirakl",
            mirakl_base_url=OPERATOR,
            partial_policy="cancel_lines",
            **values,
        )
        cls.mkl.mirakl_api_key = API_KEY

    def fake_mirakl(self):
        """The operator's API stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        return FakeMirakl(OPERATOR).install(mock)

    def mkl_order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.mkl.id), ("external_id", "=", external_id)]
        )

    def poll(self, stream="orders"):
        """One polling run of ``stream`` (the cron's own path), the operator's minute respected."""
        row = self.mkl._poll_cursor(stream)
        row.polled_at = False
        return self.mkl._poll_stream(stream, row)

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()

    def exceptions(self, kind=None):
        domain = [("channel_id", "=", self.mkl.id)] + ([("exception_type", "=", kind)] if kind else [])
        return self.env["integration.sync.exception"].search(domain)
