import responses

from odoo.addons.integration_hub.tests.inbound_common import InboundMixin

from .bc_fake import CLIENT_ID, CLIENT_SECRET, COMPANY, ENVIRONMENT, TENANT, FakeBusinessCentral

ROUTE = "/integration_hub/v1/webhooks/"


class Dynamics365Mixin(InboundMixin):
    """A live Business Central channel on the test warehouse (location 3PL), with its Entra app credentials."""

    @classmethod
    def setup_dynamics365(cls):
        cls.setup_hub()
        cls.setup_catalog()
        cls.bc = cls.make_channel(
            "Business Central",
            "BC",
            platform="dynamics365_bc",
            dynamics365_tenant_id=TENANT,
            dynamics365_client_id=CLIENT_ID,
            dynamics365_environment=ENVIRONMENT,
            dynamics365_company_id=COMPANY,
            dynamics365_location_code="3PL",
            send_receipt_confirmations=True,
            send_inventory_positions=True,
        )
        cls.bc.dynamics365_client_secret = CLIENT_SECRET

    def fake_bc(self):
        """Business Central and Entra ID stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")  # the test's own Odoo server: the handshake and notifications
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        return FakeBusinessCentral().install(mock)

    def bc_order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.bc.id), ("external_id", "=", external_id)]
        )

    def bc_events(self, event_type=None):
        domain = [("channel_id", "=", self.bc.id)] + ([("event_type", "=", event_type)] if event_type else [])
        return self.env["integration.event"].search(domain)

    def bc_exceptions(self, exception_type):
        return self.env["integration.sync.exception"].search(
            [("channel_id", "=", self.bc.id), ("exception_type", "=", exception_type), ("state", "=", "open")]
        )

    def poll(self, stream="orders"):
        return self.bc._poll_stream(stream, self.bc._poll_cursor(stream))

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()
