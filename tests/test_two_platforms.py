"""Shopify and WooCommerce installed together on the one seam: their secrets live side by side in the
one store (set, listed as stored, rotated), both are polled by the one cron, and each channel is
published its own listings only."""

import json
from unittest.mock import patch

import responses
from cryptography.fernet import Fernet

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin
from odoo.addons.integration_hub_shopify.tests.shopify_fake import FakeShopify
from odoo.addons.integration_hub_woocommerce.tests.woocommerce_fake import FakeWooCommerce

SHOP, LOCATION = "both-shop.myshopify.com", "gid://shopify/Location/1"
STORE = "https://both.example.com"
KEY = "integration_hub_encryption_key"


@tagged("post_install", "-at_install")
class TestTwoPlatforms(HubFactoryMixin, CatalogMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hub()
        cls.setup_catalog()
        for product, quantity in ((cls.mug, 40), (cls.tshirt_s, 9), (cls.tshirt_m, 7)):
            cls.stock(product, quantity)
        location = {"kind": "location", "name": "Valencia", "external_id": LOCATION, "warehouse_id": cls.warehouse.id}
        cls.shopify = cls.make_channel(
            "Both: Shopify",
            "BOTH-SHOPIFY",
            platform="shopify",
            shopify_shop_domain=SHOP,
            shopify_location_ids=[(0, 0, location)],
        )
        cls.woo = cls.make_channel("Both: WooCommerce", "BOTH-WOO", platform="woocommerce", woocommerce_store_url=STORE)
        cls.list_products(cls.shopify, cls.mug | cls.tshirt_s)
        cls.list_products(cls.woo, cls.mug | cls.tshirt_m)

    def set_secrets(self, user):
        self.shopify.with_user(user).write(
            {"shopify_access_token": "shpat_both", "shopify_client_secret": "shpss_both"}
        )
        self.woo.with_user(user).write(
            {"woocommerce_consumer_key": "ck_both", "woocommerce_consumer_secret": "cs_both"}
        )

    def fakes(self):
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        shop = FakeShopify(SHOP, "2025-10", "shpat_both", location=(LOCATION, "Valencia")).install(mock)
        store = FakeWooCommerce(STORE, "ck_both", "cs_both").install(mock)
        return shop, store

    def test_secrets_of_both_platforms_are_set_listed_as_stored_and_rotated(self):
        fields_of = self.env["integration.channel"]._hub_secret_fields()
        for name in (
            "webhook_secret",
            "shopify_access_token",
            "shopify_client_secret",
            "woocommerce_consumer_key",
            "woocommerce_consumer_secret",
        ):
            self.assertIn(name, fields_of, "every addon's secret fields, none dropped by another")
        admin = self.user_admin
        self.set_secrets(admin)
        shopify, woo = self.shopify.with_user(admin), self.woo.with_user(admin)
        self.assertFalse(shopify.read(["shopify_access_token"])[0]["shopify_access_token"], "write-only")
        self.assertFalse(woo.read(["woocommerce_consumer_secret"])[0]["woocommerce_consumer_secret"])
        self.assertEqual(
            shopify.secrets_set, "Shopify Admin API access token, Shopify app client secret (signs webhooks)"
        )
        self.assertEqual(woo.secrets_set, "WooCommerce consumer key (ck_…), WooCommerce consumer secret (cs_…)")
        logged = self.env["integration.audit.log"].search([("action", "=", "credential_change")])
        self.assertEqual(len(logged.filtered(lambda entry: entry.user_id == admin)), 4, "each one audited")
        self.assertNotIn("cs_both", "".join(logged.mapped("reason")) + "".join(filter(None, logged.mapped("after"))))
        old_key, new_key = config.get(KEY), Fernet.generate_key().decode()
        with patch.dict(config.options, {KEY: f"{new_key},{old_key}"}):
            self.env["integration.secret"]._rotate_all()
        with patch.dict(config.options, {KEY: new_key}):  # only the new key from now on
            self.assertEqual(self.shopify._get_secret("shopify_access_token"), "shpat_both")
            self.assertEqual(self.woo._get_secret("woocommerce_consumer_secret"), "cs_both")
        for user in (self.user_manager, self.user_operations):  # not even which are set: administrators only
            with self.assertRaises(AccessError):
                self.woo.with_user(user).read(["woocommerce_consumer_key"])

    def test_one_cron_polls_both_and_each_channel_gets_its_own_listings(self):
        self.set_secrets(self.user_admin)
        shop, store = self.fakes()
        now = fields.Datetime.now()
        shop.add_order("5001", now.strftime("%Y-%m-%dT%H:%M:%SZ"))
        store.add_order(901, now.strftime("%Y-%m-%dT%H:%M:%S"))
        self.env["integration.channel"]._cron_poll_channels()
        events = self.env["integration.event"].search([("channel_id", "in", (self.shopify | self.woo).ids)])
        self.assertEqual(
            sorted(events.mapped(lambda e: (e.channel_id.code, e.idempotency_key.split(":")[1]))),
            [("BOTH-SHOPIFY", "5001"), ("BOTH-WOO", "901")],
        )
        shop.variants = {"MUG-001": "gid://shopify/InventoryItem/11", "TSHIRT-S": "gid://shopify/InventoryItem/12"}
        store.add_product(70, "MUG-001")
        store.add_product(80, "TSHIRT-M")
        self.env["integration.channel"]._cron_publish_inventory()
        self.env["integration.job"]._cron_run_outbox()
        jobs = self.env["integration.job"].search([("channel_id", "in", (self.shopify | self.woo).ids)])
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("last_error"))
        self.assertEqual(
            {item: quantity for (item, _location), quantity in shop.levels.items()},
            {"gid://shopify/InventoryItem/11": 40, "gid://shopify/InventoryItem/12": 9},
        )
        self.assertEqual((store.stock(70), store.stock(80)), (40, 7))
        sent = {
            channel.code: sorted(json.loads(job.payload))
            for job in jobs.filtered(lambda j: j.job_type == "inventory")
            for channel in job.channel_id
        }
        self.assertEqual(sent, {"BOTH-SHOPIFY": ["MUG-001", "TSHIRT-S"], "BOTH-WOO": ["MUG-001", "TSHIRT-M"]})
