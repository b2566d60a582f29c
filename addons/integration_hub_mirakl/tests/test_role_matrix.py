"""Mirakl's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import MiraklMixin

MIRAKL_MATRIX = [
    Row("Mirakl channels: open the channel", READERS, lambda t, env: t.open_form(env, t.mkl)),
    Row(
        "Mirakl: Test connection",
        ADMINS,
        lambda t, env: t.mkl.with_env(env).action_test_connection(),
        lambda t: ("GET", "/api/account") in t.shop.calls,
    ),
    Row(
        "Mirakl: Import listings",
        ADMINS,
        lambda t, env: t.mkl.with_env(env).action_import_listings(),
        lambda t: bool(
            t.env["integration.external.id"].search(
                [("channel_id", "=", t.mkl.id), ("sku", "=", "MUG-001"), ("external_id", "=", "2002")]
            )
        ),
    ),
    Row(
        "Mirakl: set the shop API key",
        ADMINS,
        lambda t, env: t.mkl.with_env(env).write({"mirakl_api_key": "new-key"}),
        lambda t: t.mkl._get_secret("mirakl_api_key") == "new-key",
    ),
    Row(
        "Mirakl: clear the shop API key",
        ADMINS,
        lambda t, env: t.mkl.with_env(env).with_context(secret_name="mirakl_api_key").action_clear_secret(),
        lambda t: not t.mkl._get_secret("mirakl_api_key"),
    ),
    Row(
        "Mirakl: the operator's acceptance delay and partial refusals",
        ADMINS,
        lambda t, env: t.mkl.with_env(env).write({"mirakl_acceptance_delay_hours": 120, "partial_refusal": False}),
        lambda t: (t.mkl.mirakl_acceptance_delay_hours, t.mkl.partial_refusal) == (120, False),
    ),
]


@tagged("post_install", "-at_install")
class TestMiraklRoleMatrix(RoleMatrixMixin, MiraklMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_mirakl()
        cls.setup_roles()

    def test_mirakl_role_matrix(self):
        self.shop = self.fake_mirakl()
        self.shop.add_offer(2002, "MUG-001")
        self.check_matrix(MIRAKL_MATRIX)
