"""NetSuite's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import NetSuiteMixin

NETSUITE_MATRIX = [
    Row("NetSuite channels: open the channel", READERS, lambda t, env: t.open_form(env, t.netsuite)),
    Row(
        "NetSuite: Test connection",
        ADMINS,
        lambda t, env: t.netsuite.with_env(env).action_test_connection(),
        lambda t: bool(t.account.calls),
    ),
    Row(
        "NetSuite: set the consumer secret",
        ADMINS,
        lambda t, env: t.netsuite.with_env(env).write({"netsuite_consumer_secret": "cs_new"}),
        lambda t: t.netsuite._get_secret("netsuite_consumer_secret") == "cs_new",
    ),
    Row(
        "NetSuite: clear the token secret",
        ADMINS,
        lambda t, env: t.netsuite.with_env(env).with_context(secret_name="netsuite_token_secret").action_clear_secret(),
        lambda t: not t.netsuite._get_secret("netsuite_token_secret"),
    ),
    Row(
        "NetSuite: change the warehouse location",
        ADMINS,
        lambda t, env: t.netsuite.with_env(env).write({"netsuite_location_id": "7"}),
        lambda t: t.netsuite.netsuite_location_id == "7",
    ),
]


@tagged("post_install", "-at_install")
class TestNetSuiteRoleMatrix(RoleMatrixMixin, NetSuiteMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_netsuite()
        cls.setup_roles()

    def test_netsuite_role_matrix(self):
        self.account = self.fake_netsuite()
        self.check_matrix(NETSUITE_MATRIX)
