"""The client's Odoo rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import OdooErpMixin

ODOO_ERP_MATRIX = [
    Row("Client's Odoo channels: open the channel", READERS, lambda t, env: t.open_form(env, t.clo)),
    Row(
        "Client's Odoo: Test connection",
        ADMINS,
        lambda t, env: t.clo.with_env(env).action_test_connection(),
        lambda t: ("res.users", "context_get") in t.odoo.calls,
    ),
    Row(
        "Client's Odoo: set the bot user's API key",
        ADMINS,
        lambda t, env: t.clo.with_env(env).write({"odoo_erp_api_key": "new-key"}),
        lambda t: t.clo._get_secret("odoo_erp_api_key") == "new-key",
    ),
    Row(
        "Client's Odoo: clear the API key",
        ADMINS,
        lambda t, env: t.clo.with_env(env).with_context(secret_name="odoo_erp_api_key").action_clear_secret(),
        lambda t: not t.clo._get_secret("odoo_erp_api_key"),
    ),
    Row(
        "Client's Odoo: the backorder policy, the API and the client's warehouse",
        ADMINS,
        lambda t, env: t.clo.with_env(env).write(
            {"odoo_erp_backorders": "cancel", "odoo_erp_protocol": "jsonrpc", "odoo_erp_warehouse_id": 2}
        ),
        lambda t: (t.clo.odoo_erp_backorders, t.clo.odoo_erp_protocol) == ("cancel", "jsonrpc"),
    ),
    Row(
        "Client's Odoo: the API key's expiry",
        ADMINS,
        lambda t, env: t.clo.with_env(env).write({"odoo_erp_api_key_expires_on": "2027-02-01"}),
        lambda t: str(t.clo.odoo_erp_api_key_expires_on) == "2027-02-01",
    ),
]


@tagged("post_install", "-at_install")
class TestOdooErpRoleMatrix(RoleMatrixMixin, OdooErpMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_odoo_erp()
        cls.setup_roles()

    def test_odoo_erp_role_matrix(self):
        self.odoo = self.fake_odoo()
        self.check_matrix(ODOO_ERP_MATRIX)
