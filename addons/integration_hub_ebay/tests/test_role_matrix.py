"""eBay's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import EbayMixin

EBAY_MATRIX = [
    Row("eBay channels: open the channel", READERS, lambda t, env: t.open_form(env, t.ebay)),
    Row(
        "eBay: Test connection",
        ADMINS,
        lambda t, env: t.ebay.with_env(env).action_test_connection(),
        lambda t: any(c[1] == "/sell/fulfillment/v1/order" for c in t.fake.calls),
    ),
    Row(
        "eBay: Import listings",
        ADMINS,
        lambda t, env: t.ebay.with_env(env).action_import_listings(),
        lambda t: bool(
            t.env["integration.external.id"].search(
                [("channel_id", "=", t.ebay.id), ("sku", "=", "MUG-001"), ("external_id", "=", "MUG-001")]
            )
        ),
    ),
    Row(
        "eBay: set the refresh token",
        ADMINS,
        lambda t, env: t.ebay.with_env(env).write({"ebay_refresh_token": "v^1.1#new"}),
        lambda t: t.ebay._get_secret("ebay_refresh_token") == "v^1.1#new",
    ),
    Row(
        "eBay: set the deletion verification token",
        ADMINS,
        lambda t, env: t.ebay.with_env(env).write({"ebay_verification_token": "y" * 40}),
        lambda t: t.ebay._get_secret("ebay_verification_token") == "y" * 40,
    ),
    Row(
        "eBay: clear the Cert ID",
        ADMINS,
        lambda t, env: t.ebay.with_env(env).with_context(secret_name="ebay_client_secret").action_clear_secret(),
        lambda t: not t.ebay._get_secret("ebay_client_secret"),
    ),
    Row(
        "eBay: choose how stock is sent",
        ADMINS,
        lambda t, env: t.ebay.with_env(env).write({"ebay_inventory_method": "trading"}),
        lambda t: t.ebay.ebay_inventory_method == "trading",
    ),
]


@tagged("post_install", "-at_install")
class TestEbayRoleMatrix(RoleMatrixMixin, EbayMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ebay()
        cls.setup_roles()

    def test_ebay_role_matrix(self):
        self.fake = self.fake_ebay()
        self.check_matrix(EBAY_MATRIX)
