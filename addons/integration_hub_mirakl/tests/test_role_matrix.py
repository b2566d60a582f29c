"""Mirakl's rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.role_matrix import ADMINS, READERS, RoleMatrixMixin, Row, hub_field_rows

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
    # the warehouse's decision on an order is the hub's record (seam: orders to accept before a deadline)
    *hub_field_rows(
        "Orders to decide", lambda t: t.order, {"decision": "refused", "decided_at": "2026-11-20 10:00:00"}
    ),
]


@tagged("post_install", "-at_install")
class TestMiraklRoleMatrix(RoleMatrixMixin, MiraklMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_mirakl()
        cls.setup_roles()
        cls.order = cls.env["integration.channel.order"].create(
            {"channel_id": cls.mkl.id, "external_id": "M-1", "name": "M-1", "decision_deadline": "2026-11-23 09:00:00"}
        )

    def test_mirakl_role_matrix(self):
        self.shop = self.fake_mirakl()
        self.shop.add_offer(2002, "MUG-001")
        self.check_matrix(MIRAKL_MATRIX)
