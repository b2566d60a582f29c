"""Shopify's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, NOBODY, READERS, RoleMatrixMixin, Row

from .common import ShopifyMixin

SHOPIFY_MATRIX = [
    Row("Shopify channels: open the channel", READERS, lambda t, env: t.open_form(env, t.shop_channel)),
    Row(
        "Shopify: Test connection",
        ADMINS,
        lambda t, env: t.shop_channel.with_env(env).action_test_connection(),
        lambda t: bool(t.shop.calls),
    ),
    Row(
        "Shopify: Register webhooks",
        ADMINS,
        lambda t, env: t.shop_channel.with_env(env).action_register_webhooks(),
        lambda t: bool(t.shop_channel.webhook_status),
    ),
    Row(
        "Shopify: Resume outbound",
        ADMINS,
        lambda t, env: t.shop_channel.with_env(env).action_resume_outbound(),
        lambda t: not t.shop_channel.outbound_paused,
    ),
    Row(
        "Shopify: Import listings",
        ADMINS,
        lambda t, env: t.shop_channel.with_env(env).action_import_listings(),
        lambda t: bool(t.env["integration.external.id"].search([("sku", "=", "TSHIRT-S"), ("listed", "=", True)])),
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
    Row("Shopify locations: read", READERS, lambda t, env: t.location.with_env(env).read(["external_id"])),
    Row("Shopify listings (inventory items): read", READERS, lambda t, env: t.item.with_env(env).read(["sku"])),
    Row(
        "Shopify listings (inventory items): correct a mapping",
        ADMINS,
        lambda t, env: t.item.with_env(env).write({"external_ref": "gid://shopify/InventoryItem/2"}),
        lambda t: t.item.external_ref.endswith("/2"),
    ),
    Row("Shopify fulfillments: read", READERS, lambda t, env: t.fulfillment.with_env(env).read(["hub_reference"])),
    Row(
        "Shopify fulfillments: forge one",
        NOBODY,
        lambda t, env: env["integration.external.id"].create(
            {
                "channel_id": t.shop_channel.id,
                "kind": "fulfillment",
                "order_id": t.fulfillment.order_id.id,
                "hub_reference": "forged",
                "external_id": "gid://shopify/Fulfillment/1",
            }
        ),
    ),
    Row(
        "Shopify fulfillments: delete one by hand",
        NOBODY,
        lambda t, env: t.fulfillment.with_env(env).unlink(),
    ),
]


@tagged("post_install", "-at_install")
class TestShopifyRoleMatrix(RoleMatrixMixin, ShopifyMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_shopify()
        cls.setup_roles()
        cls.shop_channel._hub_write({"outbound_paused": True})
        cls.location = cls.shop_channel.shopify_location_ids
        cls.item = cls.env["integration.external.id"].create(
            {
                "channel_id": cls.shop_channel.id,
                "sku": "MUG-001",
                "external_id": "808950810",
                "external_ref": "gid://shopify/InventoryItem/1",
                "product_id": cls.mug.id,
            }
        )
        order = cls.env["integration.channel.order"]._hub_create(
            {"channel_id": cls.shop_channel.id, "external_id": "9999", "name": "#9999"}
        )
        cls.fulfillment = cls.env["integration.external.id"]._hub_create(
            [
                {
                    "channel_id": cls.shop_channel.id,
                    "kind": "fulfillment",
                    "order_id": order.id,
                    "hub_reference": "9999:first",
                    "external_id": "gid://shopify/Fulfillment/9",
                }
            ]
        )

    def test_shopify_role_matrix(self):
        self.shop = self.fake_shopify()
        self.shop.variants = {"TSHIRT-S": "gid://shopify/InventoryItem/7"}
        self.check_matrix(SHOPIFY_MATRIX)
