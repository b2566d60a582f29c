"""Service selection: the rules table chooses carrier + service; no match is an exception, not a guess."""

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import CarrierCase


@tagged("post_install", "-at_install")
class TestServiceRules(CarrierCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        spain = cls.env.ref("base.es")
        Rule = cls.env["integration.carrier.rule"]
        Rule.create({"sequence": 10, "service_level_id": cls.level("next_day"), "country_ids": [(6, 0, spain.ids)],
                     "weight_max": 30, "carrier_id": cls.dhl.id, "service_code": "V01PAK"})  # fmt: skip
        Rule.create({"sequence": 5, "service_level_id": cls.level("next_day"), "country_ids": [(6, 0, spain.ids)],
                     "zip_prefixes": "07,35,38", "carrier_id": cls.correos.id, "service_code": "S0132"})  # fmt: skip
        Rule.create({"sequence": 10, "service_level_id": cls.level("economy"), "carrier_id": cls.correos.id,
                     "service_code": "S0133"})  # fmt: skip
        Rule.create({"sequence": 10, "service_level_id": cls.level("ground"), "weight_min": 0, "weight_max": 31.5,
                     "carrier_id": cls.dpd.id, "service_code": "CL", "channel_id": cls.channel.id})  # fmt: skip

    @classmethod
    def level(cls, code):
        return cls.env.ref(f"integration_hub.service_level_{code}").id

    def select(self, level, country="ES", zip_code="46004", weight=1.0, channel=None):
        return self.env["integration.carrier.rule"]._select(
            channel or self.channel,
            self.env["integration.service.level"].browse(self.level(level)),
            self.env.ref(f"base.{country.lower()}"),
            zip_code,
            weight,
        )

    def test_rules_table(self):
        self.assertEqual(self.select("next_day").carrier_id, self.dhl)
        self.assertEqual(self.select("next_day", zip_code="07001").carrier_id, self.correos, "islands zone first")
        self.assertEqual(self.select("economy", country="FR").service_code, "S0133")
        self.assertEqual(self.select("ground").carrier_id, self.dpd)
        self.assertFalse(self.select("next_day", weight=45), "over every weight range")
        self.assertFalse(self.select("next_day", country="FR"))
        other = self.make_channel("Other shop", "OTHER")
        self.assertFalse(self.select("ground", channel=other), "the ground rule belongs to one channel")

    def test_accepted_order_gets_its_carrier_and_service(self):
        _event, order = self.ingest(self.order_data("R-1", service_level="next_day"))
        picking = order._chain()["out"]
        self.assertEqual(picking.carrier_id, self.dhl)
        self.assertEqual(picking.hub_service_code, "V01PAK")
        self.assertFalse(self.exceptions_of(picking, "carrier_rule_missing"))

    def test_no_matching_rule_is_an_exception_not_a_guess(self):
        self.env["integration.service.level"].create({"name": "Same day", "code": "same_day"})  # sold, no rule yet
        _event, order = self.ingest(self.order_data("R-2", service_level="same_day"))
        picking = order._chain()["out"]
        self.assertFalse(picking.carrier_id)
        exception = self.exceptions_of(picking, "carrier_rule_missing")
        self.assertEqual(len(exception), 1)
        self.assertIn("Same day", exception.description)
        # the order shows its transfer's exception; the administrator adds the rule from the exception itself
        order.invalidate_recordset(["exception_ids"])  # computed when read: as the order's form reads it
        self.assertIn(exception, order.exception_ids)
        with self.assertRaises(AccessError):
            exception.with_user(self.user_manager).action_add_carrier_rule()
        action = exception.with_user(self.user_admin).action_add_carrier_rule()
        form = Form(self.env[action["res_model"]].with_user(self.user_admin).with_context(**action["context"]))
        self.assertEqual(form.service_level_id.code, "same_day")
        self.assertEqual(form.country_ids[:], self.env.ref("base.es"))
        form.carrier_id = self.dpd
        form.service_code = "SD"
        form.save()
        self.assertEqual((picking.carrier_id, picking.hub_service_code), (self.dpd, "SD"))
        self.assertEqual(exception.state, "resolved")
        self.assertIn("added by Ana Admin", exception.decision)

    def test_two_step_route_gets_its_carrier_once_the_delivery_exists(self):
        self.warehouse.delivery_steps = "pick_ship"
        _event, order = self.ingest(self.order_data("R-3", service_level="next_day"))
        self.assertFalse(order._chain()["out"], "Odoo creates the delivery after the pick")
        self.validate_picking(order._chain()["pick"])
        self.assertEqual(order.state, "picked")
        self.assertEqual(order._chain()["out"].carrier_id, self.dhl)

    def test_manual_pickup_on_the_order_goes_through_the_shipment(self):
        _event, order = self.ingest(self.order_data("R-4", service_level="next_day"))
        action = order.with_user(self.user_manager).action_open_carrier_pickup()
        self.assertEqual(action["res_model"], "integration.shipment.handover")
        self.assertEqual(action["context"]["default_picking_id"], order._chain()["out"].id)
