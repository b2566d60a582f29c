"""Tracking numbers by hand while a carrier's API is down: flagged, audited, one review exception per batch."""

import base64

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from odoo.addons.integration_hub.tests.order_common import OrderCase


@tagged("post_install", "-at_install")
class TestManualTracking(OrderCase):
    def entry(self, user, **values):
        form = Form(self.env["integration.tracking.entry"].with_user(user))
        for name, value in values.items():
            setattr(form, name, value)
        wizard = form.save()
        wizard.action_apply()
        return wizard

    def review_exceptions(self):
        return self.env["integration.sync.exception"].search(
            [("exception_type", "=", "manual_entry"), ("name", "ilike", "entered by hand")]
        )

    def test_one_number_typed_in(self):
        _event, order = self.ingest(self.order_data("1001"))
        self.entry(
            self.user_manager,
            reference="1001",
            carrier="DHL",
            tracking_number="JJD01",
            reason="DHL API down since 9:00",
        )
        self.assertEqual((order.tracking_number, order.tracking_manual), ("JJD01", True))
        audit = self.env["integration.audit.log"].search([("res_model", "=", order._name), ("res_id", "=", order.id)])
        self.assertIn("Tracking number entered by hand: DHL API down since 9:00", audit.mapped("reason"))
        self.assertEqual(len(self.review_exceptions()), 1)

    def test_a_csv_batch_opens_one_review_exception(self):
        for external_id in ("1001", "1002"):
            self.ingest(self.order_data(external_id))
        raw = (
            b"reference;carrier;tracking-number;time\r\n"
            b"1001;DHL;JJD01;2026-12-01 10:00\r\n"
            b"1002;UPS;1Z999;01/12/2026 11:30\r\n"
            b"9999;UPS;1Z000;2026-12-01 10:00\r\n"
            b"1002;UPS;1Z998;yesterday\r\n"
        )
        wizard = self.entry(self.user_manager, file=base64.b64encode(raw), reason="carrier APIs down")
        self.assertIn("2 tracking number(s) entered, 2 row(s) refused.", wizard.result)
        self.assertIn("line 4: 9999 is no channel order or transfer of yours", wizard.result)
        self.assertIn("line 5: time 'yesterday' is not a date and time", wizard.result)
        orders = self.env["integration.channel.order"].search([("external_id", "in", ("1001", "1002"))])
        self.assertEqual(sorted(orders.mapped("tracking_number")), ["1Z999", "JJD01"])
        self.assertTrue(all(orders.mapped("tracking_manual")))
        (exception,) = self.review_exceptions()
        self.assertIn("JJD01", exception.description)
        self.assertIn("1Z999", exception.description)

    def test_managers_only(self):
        self.ingest(self.order_data("1001"))
        with self.assertRaises(AccessError):
            self.entry(self.user_operations, reference="1001", tracking_number="X1", reason="down")
        self.assertFalse(self.review_exceptions())
