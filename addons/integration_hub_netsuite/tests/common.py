import responses

from odoo import fields

from odoo.addons.integration_hub.tests.inbound_common import InboundMixin
from odoo.addons.integration_hub.tests.order_common import OrderCase

from .netsuite_fake import FakeNetSuite

ACCOUNT = "1234567_SB1"
CREDENTIALS = ("ns_consumer_key", "ns_consumer_secret", "ns_token_id", "ns_token_secret")
TIMEZONE = "America/Los_Angeles"


class NetSuiteMixin(InboundMixin):
    """A live NetSuite channel (a client's ERP) on the test warehouse, location 6 in a sandbox account."""

    @classmethod
    def setup_netsuite(cls):
        cls.setup_hub()
        cls.setup_catalog()
        cls.netsuite = cls.make_channel(
            "Client NetSuite",
            "NETSUITE",
            platform="netsuite",
            netsuite_account_id=ACCOUNT,
            netsuite_location_id="6",
            netsuite_adjustment_account_id="140",
            netsuite_subsidiary_id="1",
            netsuite_timezone=TIMEZONE,
            send_receipt_confirmations=True,
            send_inventory_positions=True,
        )
        names = ("netsuite_consumer_key", "netsuite_consumer_secret", "netsuite_token_id", "netsuite_token_secret")
        cls.netsuite.write(dict(zip(names, CREDENTIALS, strict=True)))

    def fake_netsuite(self):
        """The account's REST web services stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        return FakeNetSuite(ACCOUNT, CREDENTIALS, TIMEZONE).install(mock)

    def stamp(self, minutes=0):
        """NetSuite's lastModifiedDate (UTC, ISO 8601) ``minutes`` from now."""
        moment = fields.Datetime.add(fields.Datetime.now(), minutes=minutes)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def poll_now(self):
        """Poll the orders stream at once (the cron waits for the channel's interval) and process the inbox."""
        self.netsuite._poll_stream("orders", self.netsuite._poll_cursor("orders"))
        self.env["integration.event"]._cron_process_inbox()

    def ns_order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.netsuite.id), ("external_id", "=", str(external_id))]
        )

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()

    def jobs(self, job_type):
        return self.env["integration.job"].search([("channel_id", "=", self.netsuite.id), ("job_type", "=", job_type)])

    def retry_now(self, jobs):
        """The retry is due (the outbox's backoff elapsed)."""
        jobs.sudo().write({"next_attempt_at": fields.Datetime.now()})
        self.run_jobs()

    def ship(self, order, tracking, pickings=None, quantities=None):
        """Operations pick (some of) the delivery and validate it in Inventory, then the carrier's proof of pickup."""
        picking = (pickings or order._first_step_pickings()).with_user(self.user_operations)
        picking.action_assign()
        OrderCase.validate_picking(self, picking, quantities)
        if pickings:
            order._record_later_shipment(pickings, f"PICKUP-{tracking}", tracking, fields.Datetime.now())
        else:
            order._record_carrier_pickup(f"PICKUP-{tracking}", tracking, fields.Datetime.now(), "carrier scan")
        self.run_jobs()
