"""The seam's ship-by deadline and withheld delivery data, through the generic order document (any platform)."""

from freezegun import freeze_time

from odoo import fields

from .order_common import OrderCase


class TestOrderShipBy(OrderCase):
    def test_ship_by_is_kept_and_the_control_point_warns_then_escalates_once_each(self):
        with freeze_time("2026-11-20 08:00:00"):
            _event, order = self.ingest(self.order_data("SB-1", ship_by="2026-11-20T18:00:00+01:00"))
            self.assertEqual(order.state, "accepted", order.validation_problems)
            self.assertEqual(order.ship_by, fields.Datetime.to_datetime("2026-11-20 17:00:00"), "stored in UTC")
            Order = self.env["integration.channel.order"]
            Order._cron_check_ship_by()
            self.assertFalse(self.open_exceptions(order, "ship_by_deadline"))
        self.channel.ship_by_warning_hours = 2
        with freeze_time("2026-11-20 15:30:00"):
            Order._cron_check_ship_by()
            Order._cron_check_ship_by()
            (near,) = self.open_exceptions(order, "ship_by_deadline")
            self.assertEqual(near.severity, "warning")
        with freeze_time("2026-11-20 17:01:00"):
            Order._cron_check_ship_by()
            self.assertEqual(len(self.open_exceptions(order, "ship_by_deadline")), 2)
        _event, other = self.ingest(self.order_data("SB-2"))
        self.assertFalse(other.ship_by, "optional: a channel without deadlines has none")

    def test_withheld_delivery_data_holds_the_order_naming_it(self):
        data = self.order_data("WH-1", withheld="recipient name, street (the platform restricts them)")
        data["shipping_address"].update(name="", street="")
        _event, order = self.ingest(data)
        self.assertEqual(order.state, "on_hold")
        self.assertIn("withheld delivery data: recipient name, street", order.validation_problems)
        data = self.order_data("WH-1", updated_at="2026-11-20T11:00:00+01:00")  # the data arrives
        _event, order = self.ingest(data, kind="updated")
        self.assertFalse(order.withheld_data)
        self.assertFalse(order.validation_problems)
