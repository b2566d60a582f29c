import responses

from odoo import fields
from odoo.tests import Form

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin

from .magento_fake import FakeMagento

STORE = "https://magento.example.com"
CREDENTIALS = ("mg_consumer_key", "mg_consumer_secret", "mg_access_token", "mg_token_secret")
SOURCE = "valencia-3pl"


class MagentoMixin(HubFactoryMixin, CatalogMixin):
    """A live Magento channel on the test warehouse, signed as an integration, with its MSI source."""

    @classmethod
    def setup_magento(cls):
        cls.setup_hub()
        cls.setup_catalog()
        cls.magento = cls.make_channel(
            "Magento test store",
            "MAGENTO",
            platform="magento",
            magento_base_url=STORE,
            magento_source_code=SOURCE,
        )
        names = (
            "magento_consumer_key",
            "magento_consumer_secret",
            "magento_access_token",
            "magento_access_token_secret",
        )
        cls.magento.write(dict(zip(names, CREDENTIALS, strict=True)))

    def fake_magento(self):
        """The shop's REST API stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        return FakeMagento(STORE, "all", CREDENTIALS).install(mock)

    def now(self, minutes=0):
        return fields.Datetime.to_string(fields.Datetime.add(fields.Datetime.now(), minutes=minutes))

    def poll(self):
        self.env["integration.channel"]._cron_poll_channels()
        self.env["integration.event"]._cron_process_inbox()

    def poll_now(self, stream="orders"):
        """Poll one stream at once (the cron waits for the channel's interval)."""
        self.magento._poll_stream(stream, self.magento._poll_cursor(stream))
        self.env["integration.event"]._cron_process_inbox()

    def mg_order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.magento.id), ("external_id", "=", str(external_id))]
        )

    def mg_events(self):
        return self.env["integration.event"].search([("channel_id", "=", self.magento.id)])

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()

    def jobs(self, job_type):
        return self.env["integration.job"].search([("channel_id", "=", self.magento.id), ("job_type", "=", job_type)])

    def exceptions(self, exception_type=None):
        domain = [("channel_id", "=", self.magento.id)]
        if exception_type:
            domain.append(("exception_type", "=", exception_type))
        return self.env["integration.sync.exception"].search(domain)

    def ship(self, order, tracking, pickings=None):
        """Pick and pack the order's delivery, then the carrier's proof of pickup."""
        picking = order._first_step_pickings()
        picking.move_ids.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            # "Create backorder": the warehouse ships what it has, the rest follows
            Form(self.env["stock.backorder.confirmation"].with_context(result["context"])).save().process()
        order._record_carrier_pickup(f"PICKUP-{tracking}", tracking, fields.Datetime.now(), "carrier scan")
        self.run_jobs()
