from odoo.exceptions import AccessError
from odoo.tests import tagged

from .order_common import OrderCase


@tagged("post_install", "-at_install")
class TestOrderMandatoryFields(OrderCase):
    def assert_held_for(self, order, *fragments):
        self.assertEqual(order.state, "on_hold")
        exception = self.open_exceptions(order, "invalid_order")
        self.assertEqual(len(exception), 1)
        for fragment in fragments:
            self.assertIn(fragment, exception.description)
            self.assertIn(fragment, order.validation_problems)
        self.assertFalse(order.sale_order_id, "nothing is allocated for a held order")

    def test_complete_order_is_validated_and_accepted(self):
        _event, order = self.ingest(self.order_data())
        self.assertEqual(order.state, "accepted")
        self.assertEqual(order.phone_e164, "+34612345678")
        self.assertFalse(self.open_exceptions(order))

    def test_every_problem_is_named_in_one_exception(self):
        data = self.order_data(
            shipping_address={"street": "", "zip": "", "city": "", "phone": ""},
            customer={"phone": ""},
            lines=[{"id": "1", "sku": "NOPE-1", "quantity": 1}, {"id": "2", "sku": "MUG-001", "quantity": 0}],
        )
        del data["special_handling"]
        _event, order = self.ingest(data)
        self.assert_held_for(
            order,
            "no street",
            "no ZIP",
            "no city",
            "NOPE-1",
            "MUG-001: quantity 0",
            "no contact phone",
            "special handling is not stated",
        )

    def test_missing_country_holds(self):
        _event, order = self.ingest(self.order_data(shipping_address={"country_code": ""}))
        self.assert_held_for(order, "no country")

    def test_zip_formats_per_country(self):
        cases = [
            ("ES", "4600", "+34612345678"),
            ("ES", "99001", "+34612345678"),
            ("PT", "1000", "+351912345678"),
            ("FR", "7500", "+33612345678"),
            ("DE", "1011", "+4915112345678"),
            ("IT", "0010", "+393123456789"),
            ("GB", "ZZ1 1ZZZ", "+447911123456"),
            ("US", "9021", "+12025550123"),
        ]
        for n, (country, zip_code, phone) in enumerate(cases):
            with self.subTest(country=country, zip=zip_code):
                _event, order = self.ingest(
                    self.order_data(
                        f"Z{n}", shipping_address={"country_code": country, "zip": zip_code, "phone": phone}
                    )
                )
                self.assert_held_for(
                    order, f"the ZIP / postal code of the delivery address is not a valid postal code for {country}"
                )
                self.assertNotIn(zip_code, order.validation_problems, "the ZIP itself is never repeated")

    def test_valid_foreign_addresses_pass(self):
        cases = [
            ("PT", "1000-001", "+351912345678"),
            ("FR", "75001", "+33612345678"),
            ("DE", "10115", "+4915112345678"),
            ("IT", "00184", "+390612345678"),
            ("GB", "SW1A 1AA", "+447911123456"),
            ("US", "20500-0003", "+12025550123"),
        ]
        for n, (country, zip_code, phone) in enumerate(cases):
            with self.subTest(country=country):
                _event, order = self.ingest(
                    self.order_data(
                        f"OK{n}", shipping_address={"country_code": country, "zip": zip_code, "phone": phone}
                    )
                )
                self.assertEqual(order.state, "accepted", order.validation_problems)

    def test_phone_must_be_valid_for_the_destination(self):
        _event, order = self.ingest(self.order_data(shipping_address={"phone": "12345"}, customer={"phone": ""}))
        self.assert_held_for(order, "not a valid number for ES")

    def test_national_phone_is_stored_in_e164(self):
        _event, order = self.ingest(self.order_data(shipping_address={"phone": "612 34 56 78"}))
        self.assertEqual(order.phone_e164, "+34612345678")

    def test_quantity_must_be_a_positive_whole_number(self):
        for n, quantity in enumerate((-1, 1.5, "two", None)):
            with self.subTest(quantity=quantity):
                _event, order = self.ingest(
                    self.order_data(f"Q{n}", lines=[{"id": "1", "sku": "MUG-001", "quantity": quantity}])
                )
                self.assertEqual(order.state, "on_hold")
                self.assertIn("MUG-001", order.validation_problems)

    def test_unknown_sku_holds(self):
        _event, order = self.ingest(self.order_data(lines=[{"id": "1", "sku": "GHOST-9", "quantity": 1}]))
        self.assert_held_for(order, "GHOST-9 does not match any catalog product")

    def test_barcode_resolves_to_the_product(self):
        _event, order = self.ingest(self.order_data(lines=[{"id": "1", "sku": "8400000000017", "quantity": 2}]))
        self.assertEqual(order.line_ids.product_id, self.mug)
        self.assertEqual(order.line_ids.resolution, "barcode")
        self.assertEqual(order.state, "accepted")

    def test_special_handling_is_captured(self):
        _event, order = self.ingest(self.order_data(special_handling="Fragile; deliver 9-14h"))
        self.assertEqual(order.special_handling, "Fragile; deliver 9-14h")
        self.assertIn("Fragile", order.sale_order_id.note)

    def test_vat_mandatory_for_listed_countries(self):
        self.channel.vat_required_country_ids = self.env.ref("base.pt")
        portugal = {"country_code": "PT", "zip": "1000-001", "phone": "+351912345678"}
        _event, order = self.ingest(self.order_data("V1", shipping_address=portugal))
        self.assert_held_for(order, "VAT id is mandatory for deliveries to PT")
        _event, order = self.ingest(self.order_data("V2", shipping_address=portugal, vat="PT123456780"))
        self.assert_held_for(order, "VAT id 'PT123456780' is not valid")
        _event, order = self.ingest(self.order_data("V3", shipping_address=portugal, vat="PT501964843"))
        self.assertEqual(order.state, "accepted", order.validation_problems)
        _event, order = self.ingest(self.order_data("V4"))  # Spain is not listed
        self.assertEqual(order.state, "accepted")

    def test_order_without_id_fails_in_the_inbox_and_is_kept(self):
        data = self.order_data()
        del data["id"]
        event, order = self.ingest(data)
        self.assertFalse(order)
        self.assertEqual(event.state, "failed")
        self.assertIn("no 'id'", event.error)
        self.assertTrue(self.env["integration.sync.exception"].search([("event_id", "=", event.id)]))

    def test_release_is_refused_while_invalid_and_names_what_is_wrong(self):
        _event, order = self.ingest(self.order_data(shipping_address={"zip": ""}))
        with self.assertRaisesRegex(Exception, "no ZIP"):
            order.with_user(self.user_manager).action_release()
        self.assertEqual(order.state, "on_hold")

    def test_missing_data_arriving_later_does_not_release_by_itself(self):
        _event, order = self.ingest(self.order_data(shipping_address={"zip": ""}))
        exception = self.open_exceptions(order, "invalid_order")
        fixed = self.order_data(updated_at="2026-11-20T11:00:00+01:00")
        self.ingest(fixed, kind="updated")
        self.assertEqual(order.state, "on_hold")
        self.assertTrue(order.ready_to_release)
        self.assertEqual(order.ship_zip, "46004")
        self.assertIn("ready to release", exception.name)
        self.assertIn("ready to release", " ".join(exception.message_ids.mapped("body")))
        order.with_user(self.user_manager).action_release()
        self.assertEqual(order.state, "accepted")
        self.assertEqual(exception.state, "resolved")

    def test_operations_cannot_release(self):
        _event, order = self.ingest(self.order_data(shipping_address={"zip": ""}))
        with self.assertRaises(AccessError):
            order.with_user(self.user_operations).action_release()
        self.assertEqual(order.state, "on_hold")

    def test_opening_an_order_logs_personal_data_access_once_a_day(self):
        _event, order = self.ingest(self.order_data("PII1"))
        for _ in range(3):
            order.with_user(self.user_operations).web_read({"ship_street": {}, "name": {}})
        order.with_user(self.user_operations).web_read({"name": {}})  # nothing personal: nothing logged
        logs = self.env["integration.audit.log"].search([("action", "=", "pii_access"), ("res_id", "=", order.id)])
        self.assertEqual(len(logs), 1)
        self.assertEqual(logs.user_id, self.user_operations)
