import copy
import json
import uuid
from pathlib import Path

import responses

from odoo.addons.integration_hub.tests.common import CatalogMixin, HubFactoryMixin
from odoo.addons.integration_hub_shopify.lib import shopify_mapping as M

from .shopify_fake import FakeShopify

ROUTE = "/integration_hub/v1/webhooks/"
SHOP = "hub-test.myshopify.com"
CLIENT_SECRET = "shpss_test_client_secret_for_the_hub"
ACCESS_TOKEN = "shpat_test_token"
LOCATION = "gid://shopify/Location/655441491"
ORDER_FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "orders_create.json").read_text())


class ShopifyMixin(HubFactoryMixin, CatalogMixin):
    """A live Shopify channel on the test warehouse, with its secrets and one mapped location."""

    @classmethod
    def setup_shopify(cls):
        cls.setup_hub()
        cls.setup_catalog()
        cls.shop_channel = cls.make_channel(
            "Shopify test shop",
            "SHOPIFY",
            platform="shopify",
            shopify_shop_domain=SHOP,
            shopify_api_version="2025-10",
            shopify_location_ids=[
                (
                    0,
                    0,
                    {"kind": "location", "name": "Valencia", "external_id": LOCATION, "warehouse_id": cls.warehouse.id},
                )
            ],
        )
        cls.shop_channel.shopify_client_secret = CLIENT_SECRET
        cls.shop_channel.shopify_access_token = ACCESS_TOKEN

    def fake_shopify(self, version=None):
        """Shopify's API stubbed for this test (responses refuses any other URL); one per test."""
        current = getattr(self, "_shop", None)
        if current is not None and current.version == (version or self.shop_channel.shopify_api_version):
            return current
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add_passthru("http://127.0.0.1")  # the test's own Odoo server (url_open)
        mock.start()
        self.addCleanup(mock.stop)
        self.addCleanup(mock.reset)
        shop = FakeShopify(
            SHOP, version or self.shop_channel.shopify_api_version, ACCESS_TOKEN, location=(LOCATION, "Valencia")
        ).install(mock)
        # the client never really sleeps in tests: time passes in the fake
        patcher = __import__("unittest.mock", fromlist=["patch"]).patch(
            "odoo.addons.integration_hub.lib.http_client.time.sleep", shop.advance
        )
        patcher.start()
        self.addCleanup(patcher.stop)
        self._shop = shop
        self.addCleanup(setattr, self, "_shop", None)
        return shop

    def know_order(self, payload):
        """Shopify knows the orders it sends: the hub reads their fulfillment orders at intake."""
        if isinstance(payload, dict) and "line_items" in payload and payload.get("id"):
            self.fake_shopify().add_rest_order(payload)

    @staticmethod
    def shopify_order(order_id=9999, **changes):
        order = copy.deepcopy(ORDER_FIXTURE)
        order["id"] = order_id
        order["admin_graphql_api_id"] = f"gid://shopify/Order/{order_id}"
        order["name"] = f"#{order_id}"
        order.update(changes)
        return order

    @staticmethod
    def shopify_headers(
        body, topic, event_id=None, secret=CLIENT_SECRET, shop=SHOP, triggered_at=None, webhook_id=None
    ):
        return {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": M.sign(secret, body),
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-API-Version": "2025-10",
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": triggered_at or "2026-11-20T09:00:01.000000Z",
        }

    def post_webhook(self, topic, payload, **header_options):
        self.know_order(payload)
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = self.shopify_headers(body, topic, **header_options)
        return self.url_open(ROUTE + self.shop_channel.webhook_token, data=body, headers=headers)

    def shop_events(self):
        return self.env["integration.event"].search([("channel_id", "=", self.shop_channel.id)])

    def shop_order(self, external_id):
        return self.env["integration.channel.order"].search(
            [("channel_id", "=", self.shop_channel.id), ("external_id", "=", str(external_id))]
        )

    def stock_catalog(self):
        for product, quantity in ((self.mug, 50), (self.tshirt_s, 20), (self.tshirt_m, 20)):
            self.stock(product, quantity)
