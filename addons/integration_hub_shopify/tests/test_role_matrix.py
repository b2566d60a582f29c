"""Shopify's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, NOBODY, READERS, RoleMatrixMixin, Row

from .common import ShopifyMixin

SHOPIFY_MATRIX = [
    Row("Shopify channels: open the channel", READERS, lambda t, env: t.open_form(env, t.shop_channel)),
    Row(
        "Shopify: Test connection",
        ADMINS,
        lambda t, env: t.shop_channel.with_env(env).action_shopify_test_connection(),
        lambda t: bool(t.shop.calls),
    ),
    Row(
        "Shopify: Register webhooks",
        ADMINS,
        lambda t, env: t.shop_channel.with_env(env).action_shopify_register_webhooks(),
        lambda t: bool(t.shop_channel.shopify_webhook_status),
    ),
    Row(
        "Shopify: Resume outbound",
        ADMINS,
        lambda t, env: t.shop_channel.with_env(env).action_shopify_resume_outbound(),
        lambda t: not t.shop_channel.shopify_outbound_paused,
    ),
    Row(
        "Shopify: set the access token",
        ADMINS,
        lambda t, env: t.shop_channel.with_env(env).write({"shopify_access_token": "shpat_new"}),
        lambda t: t.shop_channel._get_secret("shopify_access_token") == "shpat_new",
    ),
    Row(
        "Shopify locations: map a location",
        ADMINS,
        lambda t, env: t.location.with_env(env).write({"name": "Valencia dock"}),
        lambda t: t.location.name == "Valencia dock",
    ),
    Row("Shopify locations: read", READERS, lambda t, env: t.location.with_env(env).read(["location_gid"])),
    Row("Shopify inventory items: read", READERS, lambda t, env: t.item.with_env(env).read(["sku"])),
    Row(
        "Shopify inventory items: correct a mapping",
        ADMINS,
        lambda t, env: t.item.with_env(env).write({"inventory_item_gid": "gid://shopify/InventoryItem/2"}),
        lambda t: t.item.inventory_item_gid.endswith("/2"),
    ),
    Row("Shopify fulfillments: read", READERS, lambda t, env: t.fulfillment.with_env(env).read(["tracking_number"])),
    Row(
        "Shopify fulfillments: forge one",
        NOBODY,
        lambda t, env: env["integration.shopify.fulfillment"].create(
            {
                "channel_id": t.shop_channel.id,
                "order_id": t.fulfillment.order_id.id,
                "shipment_key": "forged",
                "fulfillment_gid": "gid://shopify/Fulfillment/1",
            }
        ),
    ),
]


@tagged("post_install", "-at_install")
class TestShopifyRoleMatrix(RoleMatrixMixin, ShopifyMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_shopify()
        cls.setup_roles()
        cls.shop_channel.sudo().shopify_outbound_paused = True
        cls.location = cls.shop_channel.shopify_location_ids
        cls.item = cls.env["integration.shopify.inventory.item"].create(
            {
                "channel_id": cls.shop_channel.id,
                "sku": "MUG-001",
                "inventory_item_gid": "gid://shopify/InventoryItem/1",
                "location_gid": cls.location.location_gid,
            }
        )
        order = cls.env["integration.channel.order"]._hub_create(
            {"channel_id": cls.shop_channel.id, "external_id": "9999", "name": "#9999"}
        )
        cls.fulfillment = cls.env["integration.shopify.fulfillment"].create(
            {
                "channel_id": cls.shop_channel.id,
                "order_id": order.id,
                "shipment_key": "9999:first",
                "fulfillment_gid": "gid://shopify/Fulfillment/9",
                "tracking_number": "1Z999",
            }
        )

    def test_shopify_role_matrix(self):
        self.shop = self.fake_shopify()
        self.check_matrix(SHOPIFY_MATRIX)
