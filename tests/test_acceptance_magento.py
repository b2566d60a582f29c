"""The seed's acceptance scenarios on a Magento 2 channel, through the fake shop (OAuth-signed REST).

Orders come in by the polling cron (Magento Open Source has no webhooks), are picked and packed in
Odoo, and go back as shipments with tracking; stock reaches the channel's MSI source within the
publication window; a variant (configurable) order, a kit order, a partial order (a short line and a
cancelled line), and a credit memo whose goods are restocked only after triage.
"""

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub_magento.tests.common import SOURCE, MagentoMixin
from odoo.addons.integration_hub_magento.tests.magento_fake import configurable, item


@tagged("post_install", "-at_install")
class TestMagentoAcceptance(MagentoMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_magento()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)

    def test_order_in_picked_packed_and_shipped_with_tracking_back(self):
        shop = self.fake_magento()
        shop.add_order(201, self.now(-15), items=[item(2010, "MUG-001", 2), item(2011, "TSHIRT-M", 1)])
        self.poll()
        order = self.mg_order("000000201")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        picking = order._first_step_pickings()
        self.assertEqual(picking.state, "assigned", "the delivery is reserved")
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(order.state, "packed")
        self.run_jobs()
        self.assertFalse(shop.shipments, "nothing is shipped in Magento before the carrier has it")
        order._record_carrier_pickup("PICKUP-201", "PQ201", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        self.run_jobs()
        ((shipment_id, shipment),) = shop.shipments.items()
        self.assertEqual(shipment["order_id"], 201)
        self.assertEqual(sorted((i["order_item_id"], i["qty"]) for i in shipment["items"]), [(2010, 2.0), (2011, 1.0)])
        self.assertEqual(shipment["tracks"][0]["track_number"], "PQ201")
        self.assertEqual(shop.orders[201]["state"], "complete")

    def test_stock_change_reaches_the_source_within_the_publication_window(self):
        self.magento.publish_interval_minutes = 15
        self.list_products(self.magento, self.mug)
        shop = self.fake_magento()
        shop.add_product("MUG-001")

        def tick(moment):
            with freeze_time(moment):
                self.env["integration.channel"]._cron_publish_inventory()
                self.run_jobs()

        tick("2026-11-27 09:00:00")
        self.assertEqual(shop.sources[("MUG-001", SOURCE)], 10)
        self.stock(self.mug, 8)  # a receipt of 8 mugs at 09:03
        tick("2026-11-27 09:10:00")
        self.assertEqual(shop.sources[("MUG-001", SOURCE)], 10, "inside the interval: nothing yet")
        tick("2026-11-27 09:15:30")
        self.assertEqual(shop.sources[("MUG-001", SOURCE)], 18, "one interval later: published")
        level = self.env["integration.inventory.level"].search(
            [("channel_id", "=", self.magento.id), ("product_id", "=", self.mug.id)]
        )
        self.assertEqual((level.published_qty, str(level.published_at)), (18, "2026-11-27 09:15:30"))

    def test_variant_order_picks_the_size_of_the_child_line(self):
        shop = self.fake_magento()
        shop.add_order(202, self.now(-15), items=configurable(2020, "TSHIRT-M", 2))
        self.poll()
        order = self.mg_order("000000202")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(len(order.line_ids), 1, "parent and child: one physical line")
        self.ship(order, "PQ202")
        self.assertEqual((self.tshirt_m.qty_available, self.tshirt_s.qty_available), (3, 5))
        (shipment,) = shop.shipments.values()
        self.assertEqual(shipment["items"], [{"order_item_id": 2020, "qty": 2.0}], "shipped by the parent line")

    def test_kit_order_picks_its_components(self):
        shop = self.fake_magento()
        shop.add_order(203, self.now(-15), items=[item(2030, "KIT-GIFT", 2)])
        self.poll()
        order = self.mg_order("000000203")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        moves = order._first_step_pickings().move_ids
        self.assertEqual(sorted(moves.mapped("product_id.default_code")), ["MUG-001", "TSHIRT-S"])
        self.ship(order, "PQ203")
        self.assertEqual((self.mug.qty_available, self.tshirt_s.qty_available), (8, 3))
        (shipment,) = shop.shipments.values()
        self.assertEqual(shipment["items"], [{"order_item_id": 2030, "qty": 2.0}], "the kit is the shop's line")

    def test_partial_order_short_line_and_cancelled_line(self):
        self.magento.partial_policy = "backorder"
        shop = self.fake_magento()
        shop.add_order(204, self.now(-15), items=[item(2040, "MUG-001", 12), item(2041, "TSHIRT-S", 1)])
        self.poll()
        order = self.mg_order("000000204")
        self.assertEqual(order.state, "accepted")
        shop.orders[204]["items"][1]["qty_canceled"] = 1  # the merchant cancels the T-shirt line
        shop.orders[204]["updated_at"] = self.now(-5)
        self.poll_now()
        self.assertEqual(order.line_ids.filtered(lambda line: line.external_line_id == "2041").state, "cancelled")
        picking = order._first_step_pickings()
        self.assertEqual((picking.move_ids.product_id, picking.move_ids.quantity), (self.mug, 10.0))
        self.ship(order, "PQ204")
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        (shipment,) = shop.shipments.values()
        self.assertEqual(shipment["items"], [{"order_item_id": 2040, "qty": 10.0}], "only what left, nothing cancelled")
        self.assertEqual(shop.orders[204]["state"], "processing", "2 mugs still to ship")

    def test_credit_memo_is_restocked_only_after_triage(self):
        self.list_products(self.magento, self.mug)
        shop = self.fake_magento()
        shop.add_product("MUG-001")
        shop.add_order(205, self.now(-60), items=[item(2050, "MUG-001", 3)])
        self.poll()
        order = self.mg_order("000000205")
        self.ship(order, "PQ205")
        order._apply_carrier_status("delivered")
        self.magento._publish_inventory(self.mug)
        self.run_jobs()
        self.assertEqual(shop.sources[("MUG-001", SOURCE)], 7)

        shop.add_creditmemo(61, 205, self.now(-1), [(2050, "MUG-001", 3)], "wrong colour")
        self.poll_now("returns")
        ret = self.env["integration.return"].search([("channel_id", "=", self.magento.id)])
        self.assertEqual((ret.state, ret.order_id, ret.line_ids.quantity), ("authorized", order, 3.0))
        ret.with_user(self.user_operations).action_create_receipt()
        receipt = ret.receipt_id
        receipt.move_ids.quantity = 3
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(ret.state, "received")
        self.magento._publish_inventory(self.mug)
        self.run_jobs()
        self.assertEqual(shop.sources[("MUG-001", SOURCE)], 7, "in quarantine: nothing more is available")

        ret.line_ids.with_user(self.user_operations).action_grade_sellable()
        wizard = self.env["integration.return.triage"].with_user(self.user_manager)
        wizard.create({"return_id": ret.id, "reason": "inspected at the bench: as new"}).action_confirm()
        self.assertEqual(ret.state, "triaged")
        self.magento._publish_inventory(self.mug)
        self.run_jobs()
        self.assertEqual(shop.sources[("MUG-001", SOURCE)], 7, "triaged is not restocked yet")
        ret.with_user(self.user_manager).action_complete()
        self.assertEqual(ret.state, "completed")
        self.run_jobs()
        self.assertEqual(shop.sources[("MUG-001", SOURCE)], 10, "restocked: the shop sees the 3 mugs again")
