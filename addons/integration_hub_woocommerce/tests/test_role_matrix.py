"""WooCommerce's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import WooCommerceMixin

WOOCOMMERCE_MATRIX = [
    Row("WooCommerce channels: open the channel", READERS, lambda t, env: t.open_form(env, t.woo)),
    Row(
        "WooCommerce: Test connection",
        ADMINS,
        lambda t, env: t.woo.with_env(env).action_test_connection(),
        lambda t: bool(t.shop.calls),
    ),
    Row(
        "WooCommerce: Register webhooks",
        ADMINS,
        lambda t, env: t.woo.with_env(env).action_register_webhooks(),
        lambda t: len(t.shop.webhooks) == 4,
    ),
    Row(
        "WooCommerce: Import listings",
        ADMINS,
        lambda t, env: t.woo.with_env(env).action_import_listings(),
        lambda t: bool(
            t.env["integration.external.id"].search([("channel_id", "=", t.woo.id), ("sku", "=", "MUG-001")])
        ),
    ),
    Row(
        "WooCommerce: set the consumer secret",
        ADMINS,
        lambda t, env: t.woo.with_env(env).write({"woocommerce_consumer_secret": "cs_new"}),
        lambda t: t.woo._get_secret("woocommerce_consumer_secret") == "cs_new",
    ),
    Row(
        "WooCommerce: clear the consumer key",
        ADMINS,
        lambda t, env: t.woo.with_env(env).with_context(secret_name="woocommerce_consumer_key").action_clear_secret(),
        lambda t: not t.woo._get_secret("woocommerce_consumer_key"),
    ),
]


@tagged("post_install", "-at_install")
class TestWooCommerceRoleMatrix(RoleMatrixMixin, WooCommerceMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_woocommerce()
        cls.setup_roles()

    def test_woocommerce_role_matrix(self):
        self.shop = self.fake_woocommerce()
        self.shop.add_product(50, "MUG-001")
        self.check_matrix(WOOCOMMERCE_MATRIX)
