import responses

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

from .sap_b1_fake import COMPANY_DB, PASSWORD, USER, FakeServiceLayer

SERVICE_URL = "https://sap.example.com:50000/b1s/v1"


class SapB1Mixin(HubFactoryMixin, CatalogMixin):
    """A live SAP Business One channel (a client's ERP) on the test warehouse, SAP warehouse ``3PL``."""

    @classmethod
    def setup_sap_b1(cls, **values):
        cls.setup_hub()
        cls.setup_catalog()
        cls.sap = cls.make_channel(
            "Client SAP Business One",
            "SAP",
            platform="sap_b1",
            sap_b1_service_url=SERVICE_URL,
            sap_b1_company_db=COMPANY_DB,
            sap_b1_username=USER,
            sap_b1_warehouse_code="3PL",
            send_receipt_confirmations=True,
            **values,
        )
        cls.sap.sap_b1_password = PASSWORD

    def fake_sap(self):
        """The Service Layer stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        return FakeServiceLayer(SERVICE_URL).install(mock)

    def sap_order(self, entry):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.sap.id), ("external_id", "=", str(entry))]
        )

    def poll(self, stream="orders", reconcile=False):
        """One polling run of ``stream`` (the cron's own path), then the inbox."""
        row = self.sap._poll_cursor(stream)
        row.polled_at = False
        new = self.sap._poll_stream(stream, row, reconcile=reconcile)
        self.env["integration.event"]._cron_process_inbox()
        return new

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()

    def jobs(self, job_type):
        return self.env["integration.job"].search([("channel_id", "=", self.sap.id), ("job_type", "=", job_type)])

    def exceptions(self, kind=None):
        domain = [("channel_id", "=", self.sap.id)] + ([("exception_type", "=", kind)] if kind else [])
        return self.env["integration.sync.exception"].search(domain)
