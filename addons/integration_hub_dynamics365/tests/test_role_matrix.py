"""Business Central's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import Dynamics365Mixin

DYNAMICS365_MATRIX = [
    Row("Business Central channels: open the channel", READERS, lambda t, env: t.open_form(env, t.bc)),
    Row(
        "Business Central: Test connection",
        ADMINS,
        lambda t, env: t.bc.with_env(env).action_test_connection(),
        lambda t: any(call[1].endswith(f"companies({t.bc.dynamics365_company_id})") for call in t.fake.calls),
    ),
    Row(
        "Business Central: Register webhooks",
        ADMINS,
        lambda t, env: t.bc.with_env(env).action_register_webhooks(),
        lambda t: any(call[0] == "POST" and call[1].endswith("/api/v2.0/subscriptions") for call in t.fake.calls),
    ),
    Row(
        "Business Central: set the Entra client secret",
        ADMINS,
        lambda t, env: t.bc.with_env(env).write({"dynamics365_client_secret": "new-secret"}),
        lambda t: t.bc._get_secret("dynamics365_client_secret") == "new-secret",
    ),
    Row(
        "Business Central: choose ship-and-invoice",
        ADMINS,
        lambda t, env: t.bc.with_env(env).write({"dynamics365_shipment_mode": "ship_and_invoice"}),
        lambda t: t.bc.dynamics365_shipment_mode == "ship_and_invoice",
    ),
    Row(
        "Business Central: set the inventory positions API",
        ADMINS,
        lambda t, env: t.bc.with_env(env).write({"dynamics365_inventory_endpoint": "api/p/g/v1.0/x"}),
        lambda t: t.bc.dynamics365_inventory_endpoint == "api/p/g/v1.0/x",
    ),
]


@tagged("post_install", "-at_install")
class TestDynamics365RoleMatrix(RoleMatrixMixin, Dynamics365Mixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_dynamics365()
        cls.setup_roles()

    def test_dynamics365_role_matrix(self):
        self.fake = self.fake_bc()
        self.check_matrix(DYNAMICS365_MATRIX)
