"""eBay orders through the fake eBay: the seed's acceptance scenarios and eBay's statuses."""

import copy

from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_hub.tests.order_common import validate_picking

from .common import EbayMixin

ORDER_ID = "05-12345-67890"


def line(line_id, sku, quantity, cost, **extra):
    return {
        "lineItemId": line_id,
        "legacyItemId": "110123456789",
        "sku": sku,
        "title": sku,
        "quantity": quantity,
        "lineItemCost": {"value": cost, "currency": "EUR"},
        "lineItemFulfillmentStatus": "NOT_STARTED",
        "refunds": [],
        **extra,
    }


@tagged("post_install", "-at_install")
class TestEbayOrders(EbayMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ebay()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)
        service = cls.env["product.product"].create({"name": "Shipping", "type": "service"})
        cls.correos = cls.env["delivery.carrier"].create({"name": "Correos", "product_id": service.id})

    def poll_and_process(self, stream="orders"):
        self.poll(stream)
        self.process()

    def pick_and_pack(self, order, quantities=None):
        picking = order._first_step_pickings()
        picking.carrier_id = self.correos
        validate_picking(picking, quantities)
        return picking

    def free(self, product):
        return self.ebay._compute_availability(product)[product.id]

    # --- the acceptance scenarios ------------------------------------------------------------
    def test_order_in_picked_packed_shipped_with_tracking(self):
        fake = self.fake_ebay()
        fake.add_order(ORDER_ID)
        self.poll_and_process()
        order = self.ebay_order(ORDER_ID)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual((order.ship_name, order.ship_street, order.ship_zip), ("Lucía Ferrer", "C/ Colón 12", "46004"))
        self.assertEqual((order.service_level, order.special_handling), ("ES_CorreosPaq72", "Ring twice"))
        self.assertEqual((order.line_ids.sku, order.line_ids.product_id), ("TSHIRT-S", self.tshirt_s))
        self.assertEqual(order.line_ids.price_unit, 12.5, "lineItemCost is the line's cost: 25.00 for 2")
        self.pick_and_pack(order)
        self.assertEqual(order.state, "packed")
        self.assertFalse(fake.fulfillments, "nothing is told before the carrier has the goods")
        fake.fail_next("lost")  # eBay creates the fulfillment; its answer times out
        order._record_carrier_pickup("PICKUP-1", "PQ123456789ES", fields.Datetime.now(), "carrier scan")
        with mute_logger("odoo.addons.integration_hub.models.integration_job"):
            self.run_jobs()
        job = self.env["integration.job"].search([("channel_id", "=", self.ebay.id), ("job_type", "=", "fulfillment")])
        self.assertEqual(job.state, "pending", "the timeout is retried by the outbox")
        job.next_attempt_at = fields.Datetime.now()
        self.run_jobs()
        self.assertEqual((job.state, job.response_summary), ("done", "fulfillment F-1: Correos PQ123456789ES"))
        ((order_id, body),) = fake.fulfillments  # the order's fulfillments were read: no second post
        self.assertEqual(order_id, ORDER_ID)
        self.assertEqual(body["lineItems"], [{"lineItemId": "10012345678901", "quantity": 2}])
        self.assertEqual((body["shippingCarrierCode"], body["trackingNumber"]), ("Correos", "PQ123456789ES"))
        self.assertRegex(body["shippedDate"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")
        self.assertEqual(fake.orders[ORDER_ID]["orderFulfillmentStatus"], "FULFILLED")
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # sent again by a manager
        self.run_jobs()
        self.assertEqual(len(fake.fulfillments), 1, "a package is never sent twice")

    def test_variant_orders_by_sku_and_by_the_variation_id_of_a_legacy_listing(self):
        fake = self.fake_ebay()
        tee_m = line("L-1", "TSHIRT-M", 1, "12.50", legacyVariationId="400099")
        fake.add_order("05-00000-00001", lineItems=[tee_m])
        self.poll_and_process()
        first = self.ebay_order("05-00000-00001")
        self.assertEqual(first.state, "accepted", first.validation_problems)
        self.assertEqual(first._first_step_pickings().move_ids.product_id, self.tshirt_m, "the SKU is the variant")
        learned = self.env["integration.external.id"].search(
            [("channel_id", "=", self.ebay.id), ("external_id", "=", "400099")]
        )
        self.assertEqual((learned.product_id, learned.external_ref), (self.tshirt_m, "110123456789"))
        # a listing made without SKUs: the line resolves through its legacyVariationId
        fake.add_order("05-00000-00002", lineItems=[line("L-2", "", 1, "12.50", legacyVariationId="400099")])
        self.poll_and_process()
        second = self.ebay_order("05-00000-00002")
        self.assertEqual(second.state, "accepted", second.validation_problems)
        self.assertEqual(second.line_ids.product_id, self.tshirt_m)

    def test_kit_order_picks_components_and_ships_the_kit_line(self):
        fake = self.fake_ebay()
        fake.add_order("05-00000-00003", lineItems=[line("L-KIT", "KIT-GIFT", 1, "30.00")])
        self.poll_and_process()
        order = self.ebay_order("05-00000-00003")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        moves = order._first_step_pickings().move_ids
        self.assertEqual(sorted(moves.mapped("product_id.default_code")), ["MUG-001", "TSHIRT-S"])
        self.pick_and_pack(order)
        order._record_carrier_pickup("PICKUP-3", "PQ3", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        ((_order_id, body),) = fake.fulfillments
        self.assertEqual(body["lineItems"], [{"lineItemId": "L-KIT", "quantity": 1}], "one kit, not its components")

    def test_partial_order_a_line_short_and_a_line_refunded_then_two_packages(self):
        self.ebay.partial_policy = "backorder"
        fake = self.fake_ebay()
        mugs, tee = line("L-MUG", "MUG-001", 12, "60.00"), line("L-TEE", "TSHIRT-S", 1, "12.50")
        fake.add_order("05-00000-00004", lineItems=[mugs, tee])
        self.poll_and_process()
        order = self.ebay_order("05-00000-00004")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        # the seller refunds the tee on eBay before it ships: that line is cancelled
        refunded = copy.deepcopy(fake.orders["05-00000-00004"]["lineItems"])
        refunded[1]["refunds"] = [{"amount": {"value": "12.50", "currency": "EUR"}}]
        fake.update_order("05-00000-00004", lineItems=refunded, orderPaymentStatus="PARTIALLY_REFUNDED")
        self.poll_and_process()
        self.assertEqual(order.line_ids.filtered(lambda row: row.sku == "TSHIRT-S").state, "cancelled")
        self.assertEqual(order._first_step_pickings().move_ids.product_id, self.mug)
        self.pick_and_pack(order)  # 10 of 12 mugs: the rest is backordered
        order._record_carrier_pickup("PICKUP-4", "PQ4", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        ((_order_id, first),) = fake.fulfillments
        self.assertEqual(first["lineItems"], [{"lineItemId": "L-MUG", "quantity": 10}])
        self.assertEqual(fake.orders["05-00000-00004"]["lineItems"][0]["lineItemFulfillmentStatus"], "FULFILLED")
        self.stock(self.mug, 5)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        backorder.action_assign()
        backorder.carrier_id = self.correos
        backorder.move_ids.picked = True
        backorder.button_validate()
        order._record_later_shipment(backorder, "PICKUP-5", "PQ5", fields.Datetime.now())
        self.run_jobs()
        self.assertEqual(len(fake.fulfillments), 2, "the second package is its own fulfillment")
        self.assertEqual(fake.fulfillments[1][1]["lineItems"], [{"lineItemId": "L-MUG", "quantity": 2}])
        self.assertEqual(fake.fulfillments[1][1]["trackingNumber"], "PQ5")

    def test_payment_and_cancellation_statuses(self):
        fake = self.fake_ebay()
        fake.add_order("05-00000-00005", orderPaymentStatus="PENDING")
        self.poll_and_process()
        order = self.ebay_order("05-00000-00005")
        self.assertNotEqual(order.state, "accepted", "not paid: never picked")
        self.assertFalse(order.sale_order_id)
        fake.update_order("05-00000-00005", orderPaymentStatus="PAID")
        self.poll_and_process()
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(self.free(self.tshirt_s), 3)
        # the buyer asks eBay to cancel: held until the seller answers on eBay
        fake.update_order("05-00000-00005", cancelStatus={"cancelState": "IN_PROGRESS", "cancelRequests": []})
        self.poll_and_process()
        self.assertIn("asked eBay to cancel", order.withheld_data or order.validation_problems or "")
        fake.update_order("05-00000-00005", cancelStatus={"cancelState": "CANCELED", "cancelRequests": []})
        self.poll_and_process()
        self.assertEqual(order.state, "cancelled")
        self.env.invalidate_all()
        self.assertEqual(self.free(self.tshirt_s), 5, "reservation released")
        # an order fulfilled outside the hub is never imported
        fake.add_order("05-00000-00006", orderFulfillmentStatus="FULFILLED")
        self.poll_and_process()
        self.assertFalse(self.ebay_order("05-00000-00006"))

    def test_stock_change_reaches_ebay_within_the_publication_window(self):
        fake = self.fake_ebay()
        Channel = self.env["integration.channel"]
        with freeze_time("2026-11-25 10:00:00"):
            Channel._cron_publish_inventory()
            self.run_jobs()
            self.assertEqual(
                {sku: fake.inventory[sku] for sku in ("MUG-001", "TSHIRT-S", "TSHIRT-M")},
                {"MUG-001": 10, "TSHIRT-S": 5, "TSHIRT-M": 5},
            )
        self.stock(self.mug, -4)
        with freeze_time(f"2026-11-25 10:{self.ebay.publish_interval_minutes:02d}:00"):
            Channel._cron_publish_inventory()
            self.run_jobs()
        self.assertEqual(fake.inventory["MUG-001"], 6, "within one publication interval")
        self.assertEqual([r["sku"] for r in fake.bulk_calls[-1]], ["MUG-001"], "only what changed")

    def test_return_flows_back_and_is_restocked_only_after_triage(self):
        fake = self.fake_ebay()
        fake.add_order(ORDER_ID)
        self.poll_and_process()
        order = self.ebay_order(ORDER_ID)
        self.pick_and_pack(order)
        order._record_carrier_pickup("PICKUP-1", "PQ1", fields.Datetime.now(), "carrier scan")
        member = {
            "returnId": "5000012345",
            "orderId": ORDER_ID,
            "state": "ITEM_SHIPPED",
            "creationInfo": {
                "item": {"itemId": "110123456789", "transactionId": "2901234567001", "returnQuantity": 1},
                "reason": "NO_LONGER_NEED_ITEM",
                "comments": {"content": "Too small"},
                "creationDate": {"value": "2026-11-24T10:00:00.000Z"},
            },
        }
        other = {**copy.deepcopy(member), "returnId": "5000099999", "orderId": "05-99999-99999"}
        fake.returns = [member, other]
        self.poll_and_process("returns")
        search = [c for c in fake.calls if c[1] == "/post-order/v2/return/search"]
        self.assertTrue(search[0][2]["Authorization"].startswith("IAF "), "Post-Order takes the OAuth token as IAF")
        read = {c[1] for c in fake.calls if c[1].startswith("/sell/fulfillment/v1/order/")}
        self.assertEqual(read, {f"/sell/fulfillment/v1/order/{ORDER_ID}"}, "another warehouse's order is not read")
        ret = self.env["integration.return"].search([("channel_id", "=", self.ebay.id)])
        self.assertEqual(len(ret), 1, "a return of an order this warehouse never had is left out")
        self.assertEqual((ret.external_id, ret.reason), ("5000012345", "NO_LONGER_NEED_ITEM"))
        self.assertEqual((ret.line_ids.product_id, ret.line_ids.quantity), (self.tshirt_s, 1.0))
        self.assertEqual(ret.line_ids.order_line_id, order.line_ids)
        self.assertEqual(ret.state, "shipped_back", "ITEM_SHIPPED: on its way back")
        ret.action_create_receipt()
        ret.receipt_id.move_ids.picked = True
        ret.receipt_id.button_validate()
        self.assertEqual(ret.state, "received")
        self.env.invalidate_all()
        self.assertEqual(self.free(self.tshirt_s), 3, "in quarantine until triaged: not available to sell")
        ret.line_ids.with_user(self.user_operations).action_grade_sellable()
        wizard = Form(
            self.env["integration.return.triage"].with_user(self.user_manager).with_context(default_return_id=ret.id)
        )
        wizard.reason = "Inspected at the bench: unworn"
        wizard.save().action_confirm()
        ret.with_user(self.user_manager).action_complete()
        self.env.invalidate_all()
        self.assertEqual(self.free(self.tshirt_s), 4, "restocked after triage")
        self.assertEqual(self.poll("returns"), 0, "the same state read again is a duplicate")
