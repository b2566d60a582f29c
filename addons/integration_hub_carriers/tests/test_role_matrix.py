"""The carriers' rows of the role x action matrix (see integration_hub/tests/role_matrix.py)."""

from odoo.tests import Form, tagged

from odoo.addons.integration_hub.tests.role_matrix import (
    ADMINS,
    MANAGERS,
    NOBODY,
    READERS,
    SNEAKY_CONTEXT,
    RoleMatrixMixin,
    Row,
)

from .common import CarrierCase


def hand_over(case, env, action):
    form = Form(env[action["res_model"]].with_context(**action["context"]))
    form.carrier_receipt_ref = "DRIVER-SIGNED-1"
    form.tracking_number = "340434310428091700"
    form.reason = "The carrier's scanner was down; the driver signed our sheet"
    form.save().action_confirm()


def handed_over(case):
    return case.picking.hub_shipment_state == "handed_to_carrier"


def add_rule_from_exception(case, env):
    action = case.rule_missing.with_env(env).action_add_carrier_rule()
    form = Form(env[action["res_model"]].with_context(**action["context"]))
    form.carrier_id = case.dpd.with_env(env)
    form.service_code = "SD"
    form.save()


CARRIER_MATRIX = [
    Row(
        "Exception: Add carrier rule (no carrier service rule)",
        ADMINS,
        add_rule_from_exception,
        lambda t: t.rule_missing.state == "resolved",
    ),
    Row("Carrier rules: open a rule", READERS, lambda t, env: t.open_form(env, t.rule)),
    Row(
        "Carrier rules: create one",
        ADMINS,
        lambda t, env: env["integration.carrier.rule"].create(
            {
                "company_id": t.company.id,
                "service_level_id": t.env.ref("integration_hub.service_level_economy").id,
                "carrier_id": t.dpd.id,
                "service_code": "CL",
            }
        ),
        lambda t: bool(t.env["integration.carrier.rule"].search([("service_level_id.code", "=", "economy")])),
    ),
    Row(
        "Delivery methods: set carrier credentials",
        ADMINS,
        lambda t, env: t.dhl.with_env(env).write({"hub_password": "new-Pa55word"}),
        lambda t: t.dhl._get_secret("hub_password") == "new-Pa55word",
    ),
    Row(
        "Carrier credentials: list which are set",
        ADMINS,
        lambda t, env: t.carrier_secret.with_env(env).read(["name"]),
    ),
    Row("Carrier credentials: delete one by hand", NOBODY, lambda t, env: t.carrier_secret.with_env(env).unlink()),
    Row(
        "Carrier credentials: write one by hand",
        NOBODY,
        lambda t, env: t.carrier_secret.with_env(env).write({"ciphertext": "gAAAA-forged"}),
    ),
    Row(
        "Shipments: Handover to carrier (manual) on the transfer",
        MANAGERS,
        lambda t, env: hand_over(t, env, t.picking.with_env(env).action_hub_open_handover()),
        handed_over,
    ),
    Row(
        "Channel orders: Carrier pickup (manual) opens the transfer's handover",
        MANAGERS,
        lambda t, env: hand_over(t, env, t.order.with_env(env).action_open_carrier_pickup()),
        handed_over,
    ),
    *(
        Row(
            f"Shipments: write '{name}' by hand (with context keys)",
            NOBODY,
            lambda t, env, name=name, value=value: (
                t.picking.with_env(env).with_context(**SNEAKY_CONTEXT).write({name: value})
            ),
        )
        for name, value in (
            ("hub_shipment_state", "delivered"),
            ("hub_carrier_receipt_ref", "FORGED"),
            ("hub_handed_at", "2026-11-20 10:00:00"),
        )
    ),
]


@tagged("post_install", "-at_install")
class TestCarrierRoleMatrix(RoleMatrixMixin, CarrierCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_roles()
        (cls.dhl | cls.dpd).company_id = cls.company
        cls.rule = cls.env["integration.carrier.rule"].create(
            {
                "service_level_id": cls.env.ref("integration_hub.service_level_next_day").id,
                "carrier_id": cls.dhl.id,
                "service_code": "V01PAK",
            }
        )
        cls.carrier_secret = cls.env["integration.secret"].search(
            [("res_model", "=", "delivery.carrier"), ("res_id", "=", cls.dhl.id)], limit=1
        )

    def test_carrier_role_matrix(self):
        self.order, self.picking = self.packed_order("C-MATRIX", carrier=self.dhl)
        self.env["integration.service.level"].create({"name": "Same day", "code": "same_day"})  # sold, no rule
        _event, order = self.ingest(self.order_data("C-NORULE", service_level="same_day"))
        self.rule_missing = self.exceptions_of(order._chain()["out"], "carrier_rule_missing")
        self.assertEqual(len(self.rule_missing), 1)
        self.check_matrix(CARRIER_MATRIX)
