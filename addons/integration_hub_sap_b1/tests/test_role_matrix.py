"""SAP Business One's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import SapB1Mixin

SAP_B1_MATRIX = [
    Row("SAP Business One channels: open the channel", READERS, lambda t, env: t.open_form(env, t.sap)),
    Row(
        "SAP Business One: Test connection",
        ADMINS,
        lambda t, env: t.sap.with_env(env).action_test_connection(),
        lambda t: ("GET", "Warehouses('3PL')") in t.b1.calls,
    ),
    Row(
        "SAP Business One: set the password",
        ADMINS,
        lambda t, env: t.sap.with_env(env).write({"sap_b1_password": "new-password"}),
        lambda t: t.sap._get_secret("sap_b1_password") == "new-password",
    ),
    Row(
        "SAP Business One: clear the password",
        ADMINS,
        lambda t, env: t.sap.with_env(env).with_context(secret_name="sap_b1_password").action_clear_secret(),
        lambda t: not t.sap._get_secret("sap_b1_password"),
    ),
    Row(
        "SAP Business One: the warehouse code, the released-orders filter and how counts are posted",
        ADMINS,
        lambda t, env: t.sap.with_env(env).write(
            {
                "sap_b1_warehouse_code": "3PL-B",
                "sap_b1_order_filter": "U_Released eq 'Y'",
                "sap_b1_inventory_document": "posting",
            }
        ),
        lambda t: (t.sap.sap_b1_warehouse_code, t.sap.sap_b1_inventory_document) == ("3PL-B", "posting"),
    ),
]


@tagged("post_install", "-at_install")
class TestSapB1RoleMatrix(RoleMatrixMixin, SapB1Mixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_sap_b1()
        cls.setup_roles()

    def test_sap_b1_role_matrix(self):
        self.b1 = self.fake_sap()
        self.check_matrix(SAP_B1_MATRIX)
