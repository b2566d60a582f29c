"""Privacy actions in the role table (README "Personal data"): warehouse managers carry out a privacy request
that waits for open orders (*Carry out now*) and link old order contacts (*Operations > Link old order
contacts*), each through the entry point a person uses; every other role is refused, and another company's
administrator touches nothing of this company."""

import uuid

from odoo.tests import tagged

from .order_common import OrderCase
from .role_matrix import MANAGERS, RoleMatrixMixin, Row


def run_menu_action(env, xmlid, model):
    """Run a menu's server action as the web client does (/web/action/run: the action's groups, then its code)."""
    action = env["ir.actions.server"].browse(env.ref(xmlid).id)
    return action.with_context(active_model=model).run()


PRIVACY_MATRIX = [
    Row("Privacy requests: open a request", MANAGERS, lambda t, env: t.open_form(env, t.request)),
    Row(
        "Privacy requests: Carry out now (its orders are delivered)",
        MANAGERS,
        lambda t, env: t.request.with_env(env).action_carry_out(),
        lambda t: t.request.state == "done" and bool(t.order.personal_data_erased_at),
    ),
    Row(
        "Personal data: Link old order contacts (menu action)",
        MANAGERS,
        lambda t, env: run_menu_action(env, "integration_hub.action_server_link_old_order_contacts", "res.partner"),
        lambda t: t.old_contacts and all(c.integration_order_id == t.old_order for c in t.old_contacts),
    ),
]


@tagged("post_install", "-at_install")
class TestPrivacyRoleMatrix(RoleMatrixMixin, OrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_roles()

    def setUp(self):
        super().setUp()
        address = f"rm.{uuid.uuid4().hex[:8]}@example.net"  # this test's customer only
        _event, self.order = self.ingest(self.order_data("PRIV-RM-1", customer={"email": address}))
        self.order.with_user(self.user_manager)._transition("delivered", "delivered for the test", forced=True)
        self.request = (
            self.env["integration.privacy.request"]
            .sudo()
            .create({"name": "Privacy request RM", "requester_email": address, "state": "waiting"})
        )
        # contacts an older version left without their order
        _event, self.old_order = self.ingest(self.order_data("PRIV-RM-2"))
        self.old_contacts = self.old_order._order_contacts()
        self.old_contacts.write({"integration_order_id": False})

    def test_privacy_role_matrix(self):
        self.assertTrue(self.old_contacts)
        self.assertEqual((self.order.state, self.request.state), ("delivered", "waiting"))
        self.check_matrix(PRIVACY_MATRIX)
