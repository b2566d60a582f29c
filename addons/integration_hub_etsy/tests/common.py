from datetime import timedelta

import responses

from odoo import fields

from odoo.addons.integration_hub.tests.common import TEST_SECRET, CatalogMixin, HubFactoryMixin

from .etsy_fake import SHOP_ID, USER_ID, FakeEtsy

KEYSTRING, SHARED_SECRET, REFRESH = "etsykeystring1234", "etsy-shared-secret", f"{USER_ID}.rt-initial"
SHOP_PHONE = "+34 960 123 456"


class EtsyMixin(HubFactoryMixin, CatalogMixin):
    """A live Etsy channel on the test warehouse, authorised, using the shop's number for orders without phone."""

    @classmethod
    def setup_etsy(cls):
        cls.setup_hub()
        cls.setup_catalog()
        cls.etsy = cls.make_channel(
            "Etsy shop",
            "ETSY",
            platform="etsy",
            etsy_keystring=KEYSTRING,
            etsy_shop_id=SHOP_ID,
            etsy_missing_phone="shop_phone",
            etsy_shop_phone=SHOP_PHONE,
        )
        cls.etsy.write(
            {"etsy_shared_secret": SHARED_SECRET, "etsy_refresh_token": REFRESH, "webhook_secret": TEST_SECRET}
        )

    def fake_etsy(self, valid_token=None):
        """Etsy stubbed for this test (responses refuses any other URL). ``valid_token``: an access token the
        channel already holds and Etsy accepts (no refresh needed)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")  # the test's own Odoo server (url_open)
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        fake = FakeEtsy(KEYSTRING, SHARED_SECRET, REFRESH).install(mock)
        if valid_token:
            fake.tokens[valid_token] = fields.Datetime.now().timestamp() + 7200
            self.etsy.sudo()._set_secret(
                "access_token", valid_token, expires_at=fields.Datetime.now() + timedelta(hours=1)
            )
        return fake

    def etsy_order(self, receipt_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.etsy.id), ("external_id", "=", str(receipt_id))]
        )

    def etsy_events(self):
        return self.env["integration.event"].search([("channel_id", "=", self.etsy.id)])

    def etsy_exceptions(self, exception_type=None):
        domain = [("channel_id", "=", self.etsy.id)] + (
            [("exception_type", "=", exception_type)] if exception_type else []
        )
        return self.env["integration.sync.exception"].search(domain)

    def poll(self):
        return self.etsy._poll_stream("orders", self.etsy._poll_cursor("orders"))

    def process(self):
        self.env["integration.event"]._cron_process_inbox()

    def run_jobs(self):
        self.env["integration.job"]._cron_run_outbox()
