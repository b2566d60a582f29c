"""Personal data kept only as long as needed, erased on request, in contacts made per order (README "Personal data")."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .order_common import OrderCase


@tagged("post_install", "-at_install")
class TestPersonalDataLifecycle(OrderCase):
    def setUp(self):
        super().setUp()
        self.channel.personal_data_retention_days = 30

    def close(self, order, state="delivered"):
        order.with_user(self.user_manager)._transition(state, "closed for the test", forced=True)
        return order

    def events_of(self, order):
        return self.env["integration.event"].search([("res_model", "=", order._name), ("res_id", "=", order.id)])

    def run_retention(self):
        self.env["integration.channel"]._cron_personal_data_retention()
        return self.env["integration.audit.log"].search([("action", "=", "pii_retention")], limit=1)

    def erase(self, user=None, **values):
        # this test's channel only: another test class may leave committed orders of the same customer
        values.setdefault("channel_id", self.channel)
        wizard = Form(self.env["integration.personal.data.erasure"].with_user(user or self.user_manager))
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save().action_confirm()

    # --- Odoo's own records ------------------------------------------------------------
    def test_each_order_gets_its_own_contacts_never_a_customer_master(self):
        _event, first = self.ingest(self.order_data("C-1"))
        _event, second = self.ingest(self.order_data("C-2"))  # same customer, same e-mail and address
        customers = first.sale_order_id.partner_id | second.sale_order_id.partner_id
        self.assertEqual(len(customers), 2, "never merged by e-mail")
        for order in first | second:
            shipping = order.sale_order_id.partner_shipping_id
            self.assertEqual((shipping.type, shipping.parent_id), ("delivery", order.sale_order_id.partner_id))
            self.assertEqual(order._order_contacts(), shipping | order.sale_order_id.partner_id)

    # --- retention ----------------------------------------------------------------------
    def test_the_daily_cron_anonymises_closed_orders_after_the_period_and_keeps_the_facts(self):
        with freeze_time("2026-11-01 10:00:00"):
            gift = "Gift message: para Lucía, grabado LUCÍA"  # special handling is personal data too
            _event, delivered = self.ingest(self.order_data("R-1", special_handling=gift))
            _event, cancelled = self.ingest(self.order_data("R-2"))
            _event, still_open = self.ingest(self.order_data("R-3", special_handling=gift))
            self.assertIn("grabado", str(delivered.sale_order_id.picking_ids.note), "the picker reads it")
            self.close(delivered)
            self.close(cancelled, "cancelled")
            contacts = delivered._order_contacts()
            shipping = delivered.sale_order_id.partner_shipping_id
        with freeze_time("2026-11-30 09:00:00"):  # 29 days: still kept
            entry = self.run_retention()
            self.assertIn('"orders": 0', entry.after)
            self.assertEqual(delivered.ship_street, "Calle de Colón 12")
        with freeze_time("2026-12-01 11:00:00"):  # 30 days and an hour
            entry = self.run_retention()
        self.assertIn('"orders": 2', entry.after)
        for order in delivered | cancelled:
            self.assertTrue(order.personal_data_erased_at)
            for name in order._sealed_field_names():
                self.assertFalse(order[name], name)
            self.assertFalse(self.events_of(order).payload, "the raw message too")
            self.assertTrue(self.events_of(order).payload_sha256, "the queue's facts stay")
        # operational facts stay: number, state, lines, dates, city
        self.assertEqual((delivered.name, delivered.state, delivered.ship_city), ("#R-1", "delivered", "Valencia"))
        self.assertEqual(delivered.line_ids.mapped("sku"), ["MUG-001"])
        self.assertTrue(delivered.placed_at)
        # Odoo's contacts made for it
        self.assertEqual(len(contacts), 2)
        self.assertEqual(set(contacts.mapped("name")), {"Anonymised customer"})
        self.assertFalse(shipping.street or shipping.phone or shipping.zip or contacts.mapped("email")[0])
        self.assertEqual(shipping.city, "Valencia")
        # its copies in the sale order's and the transfer's notes go with it
        self.assertFalse(delivered.special_handling)
        self.assertFalse(delivered.sale_order_id.note)
        self.assertFalse(any(delivered.sale_order_id.picking_ids.mapped("note")))
        # the open order keeps everything
        self.assertEqual(still_open.special_handling, gift)
        self.assertIn("grabado", str(still_open.sale_order_id.picking_ids.note), "the picker still reads it")
        self.assertEqual(still_open.customer_email, "lucia@example.com")
        self.assertTrue(self.events_of(still_open).payload)
        self.assertFalse(still_open.personal_data_erased_at)

    def test_a_platform_rule_stricter_than_the_channel_wins(self):
        adapter_class = type(self.channel._adapter())
        with patch.object(adapter_class, "_personal_data_retention_days", 7, create=True):
            self.assertEqual(self.channel.personal_data_retention_effective, 7)
            with freeze_time("2026-11-01 10:00:00"):
                _event, order = self.ingest(self.order_data("R-4"))
                self.close(order)
            with freeze_time("2026-11-08 11:00:00"):
                self.run_retention()
            self.assertFalse(order.ship_street)
            self.channel.personal_data_retention_days = 3  # the channel stricter still: it wins
            self.assertEqual(self.channel.personal_data_retention_effective, 3)

    def test_zero_days_keeps_personal_data(self):
        self.channel.personal_data_retention_days = 0
        with freeze_time("2026-01-01 10:00:00"):
            _event, order = self.ingest(self.order_data("R-5"))
            self.close(order)
        with freeze_time("2026-12-01 10:00:00"):
            self.run_retention()
        self.assertEqual(order.ship_zip, "46004")

    # --- erasure on request ---------------------------------------------------------------
    def test_an_open_order_prevents_erasure_with_an_exception(self):
        _event, order = self.ingest(self.order_data("E-1"))
        result = self.erase(email="Lucia@Example.com", reason="GDPR request by e-mail of 2026-11-28")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(order.customer_email, "lucia@example.com", "nothing erased")
        exception = self.env["integration.sync.exception"].search([("exception_type", "=", "personal_data_erasure")])
        self.assertEqual(len(exception), 1)
        self.assertIn(order.name, exception.description)
        self.assertNotIn("lucia", exception.description.lower(), "the request's identifiers are not kept")
        self.assertFalse(self.env["integration.audit.log"].search([("action", "=", "pii_erasure")]))

    def test_a_manager_erases_one_customer_by_email_or_phone_audited(self):
        _event, mine = self.ingest(self.order_data("E-2"))
        _event, other = self.ingest(
            self.order_data(
                "E-3",
                customer={"email": "otro@example.com", "phone": "+34 699 000 111"},
                shipping_address={"phone": "+34 699 000 111"},
            )
        )
        self.close(mine)
        self.close(other)
        with self.assertRaises(AccessError):
            self.erase(user=self.user_operations, email="lucia@example.com", reason="GDPR")
        self.erase(phone="0034 612345678", reason="GDPR request by e-mail of 2026-11-28")
        self.assertFalse(mine.customer_email or mine.ship_street or mine.phone_e164)
        self.assertFalse(self.events_of(mine).payload)
        self.assertEqual(other.customer_email, "otro@example.com", "only that customer")
        entry = self.env["integration.audit.log"].search([("action", "=", "pii_erasure")])
        self.assertEqual(entry.user_id, self.user_manager)
        self.assertIn("GDPR request by e-mail of 2026-11-28", entry.reason)
        self.assertNotIn("612", (entry.reason or "") + (entry.after or ""))
        with self.assertRaisesRegex(UserError, "No order or message"):  # already erased
            self.erase(email="lucia@example.com", reason="again")

    def test_a_platform_deletion_notice_erases_by_buyer_id(self):
        """What an adapter calls on a marketplace's account deletion notice (e.g. eBay's)."""
        _event, order = self.ingest(self.order_data("E-4", buyer_id="ebay-user-77"))
        self.close(order)
        Erasure = self.env["integration.personal.data"]
        with self.assertRaisesRegex(UserError, "reason"):
            Erasure._erase_customer_data("", buyer_id="ebay-user-77")
        result = Erasure._erase_customer_data(
            "Marketplace account deletion notice",
            buyer_id="ebay-user-77",
            channel=self.channel,
            source="eBay account deletion",
        )
        self.assertTrue(result["erased"])
        self.assertEqual(result["orders"], 1)
        self.assertFalse(order.customer_name)
