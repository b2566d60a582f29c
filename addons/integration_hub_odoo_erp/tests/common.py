import responses

from odoo import fields
from odoo.tests import Form

from odoo.addons.integration_hub.tests.inbound_common import InboundMixin

from .odoo_erp_fake import API_KEY, DATABASE, LOGIN, FakeOdoo

CLIENT_URL = "https://client.example.odoo.com"


class OdooErpMixin(InboundMixin):
    """A live channel that is a client's own Odoo (warehouse #1 there), with the bot user's API key."""

    @classmethod
    def setup_odoo_erp(cls, **values):
        cls.setup_hub()
        cls.setup_catalog()
        cls.clo = cls.make_channel(
            "Client's Odoo",
            "CLO",
            platform="odoo_erp",
            odoo_erp_url=CLIENT_URL,
            odoo_erp_database=DATABASE,
            odoo_erp_login=LOGIN,
            odoo_erp_warehouse_id=1,
            send_receipt_confirmations=True,
            **values,
        )
        cls.clo.odoo_erp_api_key = API_KEY
        service = cls.env["product.product"].create({"name": "Shipping", "type": "service"})
        cls.seur = cls.env["delivery.carrier"].create(
            {"name": "SEUR", "product_id": service.id, "delivery_type": "fixed"}
        )

    def fake_odoo(self, version=19):
        """The client's Odoo stubbed for this test (responses refuses any other URL)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        fake = FakeOdoo(CLIENT_URL, version).install(mock)
        for sku, barcode in (("MUG-001", "8400000000017"), ("TSHIRT-S", False), ("TSHIRT-M", False)):
            fake.product(sku, barcode)
        return fake

    def poll(self, stream="orders"):
        """One polling run of ``stream`` (the cron's own path), then the inbox processed."""
        row = self.clo._poll_cursor(stream)
        row.polled_at = False
        new = self.clo._poll_stream(stream, row)
        self.env["integration.event"]._cron_process_inbox()
        return new

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()

    def jobs(self, job_type):
        return self.env["integration.job"].search([("channel_id", "=", self.clo.id), ("job_type", "=", job_type)])

    def clo_order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.clo.id), ("external_id", "=", str(external_id))]
        )

    def ship(self, order, tracking, quantities=None):
        """Pick and validate the order's transfer (optionally some products only), then the carrier's pickup."""
        picking = order._first_step_pickings()
        picking.carrier_id = self.seur
        self.validate(picking, quantities)
        order._record_carrier_pickup(f"PICKUP-{tracking}", tracking, fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        return picking

    def validate(self, picking, quantities=None):
        for move in picking.move_ids:
            move.picked = quantities is None or move.product_id in quantities
            if quantities is not None:
                move.quantity = quantities.get(move.product_id, 0)
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            Form(self.env["stock.backorder.confirmation"].with_context(result["context"])).save().process()
