"""PrestaShop's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row

from .common import PrestaShopMixin


def _state(case, state_id="2"):
    return case.ps.prestashop_order_state_ids.filtered(lambda s: s.state_id == state_id)


PRESTASHOP_MATRIX = [
    Row("PrestaShop channels: open the channel", READERS, lambda t, env: t.open_form(env, t.ps)),
    Row(
        "PrestaShop: Test connection (reads the order states)",
        ADMINS,
        lambda t, env: t.ps.with_env(env).action_test_connection(),
        lambda t: len(t.ps.prestashop_order_state_ids) == 13 and t.ps.prestashop_output == "json",
    ),
    Row(
        "PrestaShop: Import listings",
        ADMINS,
        lambda t, env: t.ps.with_env(env).action_import_listings(),
        lambda t: bool(
            t.env["integration.external.id"].search([("channel_id", "=", t.ps.id), ("external_id", "=", "50-0")])
        ),
    ),
    Row(
        "PrestaShop: choose what an order state means",
        ADMINS,
        lambda t, env: _state(t).with_env(env).write({"meaning": "waiting"}),
        lambda t: _state(t).meaning == "waiting",
    ),
    Row(
        "PrestaShop: read the order states",
        READERS,
        lambda t, env: _state(t).with_env(env).read(["state_id", "meaning"]),
    ),
    Row(
        "PrestaShop: set the webservice key",
        ADMINS,
        lambda t, env: t.ps.with_env(env).write({"prestashop_webservice_key": "NEWKEYNEWKEYNEWKEYNEWKEYNEWKEY12"}),
        lambda t: t.ps._get_secret("prestashop_webservice_key") == "NEWKEYNEWKEYNEWKEYNEWKEYNEWKEY12",
    ),
    Row(
        "PrestaShop: clear the webservice key",
        ADMINS,
        lambda t, env: t.ps.with_env(env).with_context(secret_name="prestashop_webservice_key").action_clear_secret(),
        lambda t: not t.ps._get_secret("prestashop_webservice_key"),
    ),
]


@tagged("post_install", "-at_install")
class TestPrestaShopRoleMatrix(RoleMatrixMixin, PrestaShopMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_prestashop(prestashop_output=False)
        cls.setup_roles()

    def test_prestashop_role_matrix(self):
        self.shop = self.fake_prestashop()
        self.shop.add("products", {"id": "50", "reference": "MUG-001", "name": "Mug"})
        self.check_matrix(PRESTASHOP_MATRIX)
