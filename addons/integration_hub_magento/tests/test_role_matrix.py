"""Magento's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import MagentoMixin

MAGENTO_MATRIX = [
    Row("Magento channels: open the channel", READERS, lambda t, env: t.open_form(env, t.magento)),
    Row(
        "Magento: Test connection",
        ADMINS,
        lambda t, env: t.magento.with_env(env).action_test_connection(),
        lambda t: bool(t.shop.calls),
    ),
    Row(
        "Magento: Import listings",
        ADMINS,
        lambda t, env: t.magento.with_env(env).action_import_listings(),
        lambda t: bool(
            t.env["integration.external.id"].search([("channel_id", "=", t.magento.id), ("sku", "=", "MUG-001")])
        ),
    ),
    Row(
        "Magento: set the consumer secret",
        ADMINS,
        lambda t, env: t.magento.with_env(env).write({"magento_consumer_secret": "cs_new"}),
        lambda t: t.magento._get_secret("magento_consumer_secret") == "cs_new",
    ),
    Row(
        "Magento: clear the access token secret",
        ADMINS,
        lambda t, env: (
            t.magento.with_env(env).with_context(secret_name="magento_access_token_secret").action_clear_secret()
        ),
        lambda t: not t.magento._get_secret("magento_access_token_secret"),
    ),
    Row(
        "Magento: choose the bearer token",
        ADMINS,
        lambda t, env: t.magento.with_env(env).write({"magento_auth": "bearer"}),
        lambda t: t.magento.magento_auth == "bearer",
    ),
]


@tagged("post_install", "-at_install")
class TestMagentoRoleMatrix(RoleMatrixMixin, MagentoMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_magento()
        cls.setup_roles()

    def test_magento_role_matrix(self):
        self.shop = self.fake_magento()
        self.shop.add_product("MUG-001", 11)
        self.check_matrix(MAGENTO_MATRIX)
