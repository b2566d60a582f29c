"""The seed's acceptance tests for a PrestaShop shop, through its fake webservice (polling in, calls out).

Order flow (in, picked, packed, shipped with tracking back), inventory sync within the publication window,
a variant (combination) order, a kit order, a partial order (a short line, a line removed in the back
office) and a return that is restocked only after triage.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.integration_hub_prestashop.lib import prestashop as P
from odoo.addons.integration_hub_prestashop.tests.common import PrestaShopMixin
from odoo.addons.integration_hub_prestashop.tests.prestashop_fake import order_row


@tagged("post_install", "-at_install")
class TestPrestaShopAcceptance(PrestaShopMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_prestashop()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)

    def local(self, minutes_ago=10):
        return P.shop_time(fields.Datetime.now() - timedelta(minutes=minutes_ago), "Europe/Madrid")

    def pick_everything(self, order):
        picking = order._first_step_pickings()
        for move in picking.move_ids:
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            Form(self.env["stock.backorder.confirmation"].with_context(result["context"])).save().process()

    def test_order_flow_in_picked_packed_and_shipped_with_tracking_back(self):
        shop = self.fake_prestashop()
        rows = [order_row(1, 50, 0, 2, "MUG-001"), order_row(2, 93, 102, 1, "TSHIRT-M")]
        shop.add_order(1001, self.local(), rows=rows)
        self.poll()
        self.poll()  # read twice: one order
        order = self.ps_order(1001)
        self.assertEqual((len(order), order.state), (1, "accepted"))
        self.assertEqual(order._first_step_pickings().state, "assigned", "the delivery is reserved")
        self.pick_everything(order)
        self.assertEqual(order.state, "packed")
        self.run_jobs()
        self.assertFalse(shop.puts or shop.histories, "nothing is sent before the carrier has the goods")
        order._record_carrier_pickup("PICKUP-1001", "PQ0000001001ES", fields.Datetime.now(), "carrier scan")
        self.assertEqual(order.state, "dispatched")
        self.run_jobs()
        self.run_jobs()
        self.assertEqual(shop.data["order_carriers"]["1501"]["tracking_number"], "PQ0000001001ES")
        self.assertEqual(shop.data["orders"]["1001"]["current_state"], "4", "shipped in the shop, once")
        self.assertEqual(len(shop.histories), 1)

    def test_stock_change_reaches_the_shop_within_one_publication_interval(self):
        shop = self.fake_prestashop()
        shop.add("products", {"id": "50", "reference": "MUG-001", "name": "Mug"})
        shop.add_stock(1, 50, 0, quantity=3)
        self.list_products(self.ps, self.mug)
        self.ps.publish_interval_minutes = 15

        def tick(moment):
            with freeze_time(moment):
                self.env["integration.channel"]._cron_publish_inventory()
                self.run_jobs()

        tick("2026-11-27 09:00:00")
        self.assertEqual(shop.data["stock_availables"]["1"]["quantity"], "10")
        self.stock(self.mug, 8)  # a receipt of 8 mugs at 09:03
        tick("2026-11-27 09:10:00")
        self.assertEqual(shop.data["stock_availables"]["1"]["quantity"], "10", "inside the interval: not yet")
        tick("2026-11-27 09:15:30")
        self.assertEqual(shop.data["stock_availables"]["1"]["quantity"], "18", "one interval later: published")
        self.assertEqual(len(shop.puts), 2, "only changes are sent")

    def test_variant_order_picks_the_right_combination(self):
        shop = self.fake_prestashop()
        shop.add_order(1002, self.local(), rows=[order_row(1, 93, 102, 2, "TSHIRT-M", name="T-shirt - Size : M")])
        self.poll()
        order = self.ps_order(1002)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(order._first_step_pickings().move_ids.product_id, self.tshirt_m)
        self.pick_everything(order)
        self.assertEqual((self.tshirt_m.qty_available, self.tshirt_s.qty_available), (3, 5))

    def test_kit_order_allocates_and_picks_components(self):
        shop = self.fake_prestashop()
        shop.add_order(1003, self.local(), rows=[order_row(1, 60, 0, 2, "KIT-GIFT")])
        self.poll()
        order = self.ps_order(1003)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        moves = order._first_step_pickings().move_ids
        self.assertEqual(sorted(moves.mapped("product_id.default_code")), ["MUG-001", "TSHIRT-S"])
        self.pick_everything(order)
        self.assertEqual((self.mug.qty_available, self.tshirt_s.qty_available), (8, 3))

    def test_partial_order_short_line_and_a_line_removed_in_the_back_office(self):
        self.ps.partial_policy = "backorder"
        shop = self.fake_prestashop()
        rows = [order_row(1, 50, 0, 12, "MUG-001"), order_row(2, 93, 101, 1, "TSHIRT-S")]
        data = shop.add_order(1004, self.local(30), rows=rows)
        self.poll()
        order = self.ps_order(1004)
        self.assertEqual(order.state, "accepted")
        # the merchant deletes the T-shirt row in the back office: the order's date_upd moves
        data.update(date_upd=self.local(5), associations={"order_rows": rows[:1]})
        self.poll()
        self.assertEqual(order.line_ids.filtered(lambda line: line.external_line_id == "2").state, "cancelled")
        picking = order._first_step_pickings()
        self.assertEqual(picking.move_ids.product_id, self.mug)
        self.assertEqual(picking.move_ids.quantity, 10, "10 of 12 reserved; the rest is backordered")
        self.pick_everything(order)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self.assertEqual(order.state, "packed")

    def test_return_is_restocked_only_after_triage(self):
        shop = self.fake_prestashop()
        shop.returns_enabled = True
        self.ps.prestashop_returns_available = True
        shop.add("products", {"id": "50", "reference": "MUG-001", "name": "Mug"})
        shop.add_stock(1, 50, 0)
        self.list_products(self.ps, self.mug)
        shop.add_order(1005, self.local(30), rows=[order_row(1, 50, 0, 3, "MUG-001")])
        self.poll()
        order = self.ps_order(1005)
        self.pick_everything(order)
        order._record_carrier_pickup("R-1005", "PQ1005", fields.Datetime.now(), "carrier scan")
        order._apply_carrier_status("delivered")

        def published():
            self.ps._publish_inventory(self.mug)
            self.run_jobs()
            return shop.data["stock_availables"]["1"]["quantity"]

        self.assertEqual(published(), "7")
        shop.data["order_details"]["1"]["product_quantity_return"] = "3"
        shop.add(
            "order_returns",
            {
                "id": "9",
                "id_order": "1005",
                "id_customer": "7",
                "state": "2",
                "question": "broken handle",
                "date_add": self.local(2),
                "date_upd": self.local(2),
            },
        )
        self.poll("returns")
        ret = self.env["integration.return"].search([("channel_id", "=", self.ps.id)])
        self.assertEqual((ret.state, ret.order_id), ("authorized", order))
        ret.action_create_receipt()
        receipt = ret.receipt_id
        receipt.move_ids.quantity = 3
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(ret.state, "received")
        self.assertEqual(published(), "7", "in quarantine: not available")
        for line in ret.line_ids.with_user(self.user_operations):
            line.action_grade_sellable()
        wizard = Form(
            self.env["integration.return.triage"].with_user(self.user_manager).with_context(default_return_id=ret.id)
        )
        wizard.reason = "PrestaShop has no disposition: inspected at the bench"
        wizard.save().action_confirm()
        self.assertEqual(ret.state, "triaged")
        self.assertEqual(published(), "7", "triaged is not restocked yet")
        ret.with_user(self.user_manager).action_complete()
        self.assertEqual(ret.state, "completed")
        self.run_jobs()
        self.assertEqual(shop.data["stock_availables"]["1"]["quantity"], "10", "restocked: the shop sees them again")
