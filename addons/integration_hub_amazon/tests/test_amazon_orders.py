"""Amazon orders through the fake SP-API: the seed's acceptance scenarios and Amazon's own gotchas."""

import copy
import json
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.integration_hub.tests.order_common import validate_picking

from .amazon_fake import ORDER, stamp
from .common import AmazonMixin

ONE_SECOND = timedelta(seconds=1)

ORDER_ID = "171-1234567-7654321"


@tagged("post_install", "-at_install")
class TestAmazonOrders(AmazonMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_amazon()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 5), (cls.tshirt_m, 5)):
            cls.stock(product, quantity)
        Carrier = cls.env["delivery.carrier"]
        service = cls.env["product.product"].create({"name": "Shipping", "type": "service"})
        cls.correos = Carrier.create({"name": "Correos", "product_id": service.id})
        cls.local = Carrier.create({"name": "Paquetería Levante", "product_id": service.id})

    def poll_and_process(self):
        self.poll()
        self.process()

    def pick_and_pack(self, order, quantities=None, carrier=None):
        picking = order._first_step_pickings()
        picking.carrier_id = carrier or self.correos
        validate_picking(picking, quantities)
        return picking

    # --- the acceptance scenarios ------------------------------------------------------------
    def test_order_in_picked_packed_shipped_with_tracking(self):
        amazon = self.fake_amazon()
        amazon.add_order(ORDER_ID)
        self.poll_and_process()
        order = self.amz_order(ORDER_ID)
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual((order.ship_name, order.ship_street, order.ship_zip), ("Lucía Ferrer", "C/ Colón 12", "46004"))
        self.assertEqual(order.ship_by, fields.Datetime.to_datetime("2026-11-21 22:59:59"), "LatestShipDate")
        self.assertEqual((order.line_ids.sku, order.line_ids.product_id), ("TSHIRT-S", self.tshirt_s))
        self.assertEqual(order.line_ids.price_unit, 12.5, "ItemPrice is the line's price: 25.00 for 2")
        self.assertEqual(order.service_level, "Standard")
        rdt_calls = [c for c in amazon.calls if c[1] == "/orders/v0/orders"]
        self.assertTrue(rdt_calls[0][2]["x-amz-access-token"].startswith("Atz.sprdt|"), "getOrders read with an RDT")
        self.pick_and_pack(order)
        self.assertEqual(order.state, "packed")
        order._record_carrier_pickup("PICKUP-1", "PQ123456789ES", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        ((order_id, package),) = amazon.shipments
        self.assertEqual(order_id, ORDER_ID)
        self.assertEqual(
            (package["packageReferenceId"], package["carrierCode"], package["trackingNumber"]),
            ("1", "Correos", "PQ123456789ES"),
        )
        self.assertEqual(package["orderItems"], [{"orderItemId": "53412345678901", "quantity": 2}])
        self.assertNotIn("carrierName", package)
        self.assertEqual(amazon.orders[ORDER_ID]["OrderStatus"], "Shipped")
        job = self.env["integration.job"].search([("channel_id", "=", self.amz.id), ("job_type", "=", "fulfillment")])
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # sent again by a manager
        self.run_jobs()
        self.assertEqual(len(amazon.shipments), 1, "a package is never confirmed twice")

    def test_variant_order_and_a_carrier_without_amazon_code(self):
        amazon = self.fake_amazon()
        amazon.add_order(
            "171-0000001-0000001",
            items=[
                {"SellerSKU": "TSHIRT-M", "QuantityOrdered": 1, "ItemPrice": {"CurrencyCode": "EUR", "Amount": "12.50"}}
            ],
        )
        self.poll_and_process()
        order = self.amz_order("171-0000001-0000001")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        self.assertEqual(order._first_step_pickings().move_ids.product_id, self.tshirt_m, "the SKU is the variant")
        self.pick_and_pack(order, carrier=self.local)
        order._record_carrier_pickup("PICKUP-2", "LEV-77", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        ((_order_id, package),) = amazon.shipments
        self.assertEqual((package["carrierCode"], package["carrierName"]), ("Other", "Paquetería Levante"))

    def test_kit_order_picks_components_and_confirms_the_kit_item(self):
        amazon = self.fake_amazon()
        amazon.add_order("171-0000002-0000002", items=[{"SellerSKU": "KIT-GIFT", "QuantityOrdered": 1}])
        self.poll_and_process()
        order = self.amz_order("171-0000002-0000002")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        moves = order._first_step_pickings().move_ids
        self.assertEqual(sorted(moves.mapped("product_id.default_code")), ["MUG-001", "TSHIRT-S"])
        self.pick_and_pack(order)
        order._record_carrier_pickup("PICKUP-3", "PQ3", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        ((_order_id, package),) = amazon.shipments
        self.assertEqual(
            package["orderItems"], [{"orderItemId": "53412345678901", "quantity": 1}], "one kit, not its components"
        )

    def test_partial_order_a_line_short_and_a_line_cancelled_by_the_buyer(self):
        self.amz.partial_policy = "backorder"
        amazon = self.fake_amazon()
        mugs = {"OrderItemId": "I-MUG", "SellerSKU": "MUG-001", "QuantityOrdered": 12}
        tees = {"OrderItemId": "I-TEE", "SellerSKU": "TSHIRT-S", "QuantityOrdered": 1}
        amazon.add_order("171-0000003-0000003", items=[mugs, tees])
        self.poll_and_process()
        order = self.amz_order("171-0000003-0000003")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        amazon.items["171-0000003-0000003"][1]["BuyerRequestedCancel"] = {
            "IsBuyerRequestedCancel": "true",
            "BuyerCancelReason": "Ordered by mistake",
        }
        amazon.update_order("171-0000003-0000003")
        self.poll_and_process()
        self.assertEqual(order.line_ids.filtered(lambda line: line.sku == "TSHIRT-S").state, "cancelled")
        self.assertEqual(order._first_step_pickings().move_ids.product_id, self.mug)
        self.pick_and_pack(order)  # 10 of 12 mugs: the rest is backordered
        order._record_carrier_pickup("PICKUP-4", "PQ4", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        ((_order_id, package),) = amazon.shipments
        self.assertEqual(package["orderItems"], [{"orderItemId": "I-MUG", "quantity": 10}])
        self.assertEqual(amazon.orders["171-0000003-0000003"]["OrderStatus"], "PartiallyShipped")
        self.stock(self.mug, 5)
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        backorder.action_assign()
        backorder.carrier_id = self.correos
        backorder.move_ids.picked = True
        backorder.button_validate()
        order._record_later_shipment(backorder, "PICKUP-5", "PQ5", fields.Datetime.now())
        self.run_jobs()
        self.assertEqual([p["packageReferenceId"] for _o, p in amazon.shipments], ["1", "2"], "a new package id")
        self.assertEqual(amazon.shipments[1][1]["orderItems"], [{"orderItemId": "I-MUG", "quantity": 2}])
        # the buyer's cancelled item stays open on Amazon until the seller cancels it in Seller Central
        self.assertEqual(amazon.orders["171-0000003-0000003"]["OrderStatus"], "PartiallyShipped")
        self.assertEqual([i["QuantityShipped"] for i in amazon.items["171-0000003-0000003"]], [12, 0])

    # --- Amazon's gotchas -----------------------------------------------------------------------
    def test_without_the_restricted_role_the_order_is_held_naming_what_is_missing(self):
        amazon = self.fake_amazon()
        amazon.restricted_role = False
        amazon.add_order(ORDER_ID)
        self.poll_and_process()
        order = self.amz_order(ORDER_ID)
        self.assertEqual(order.state, "on_hold")
        self.assertFalse(order.sale_order_id, "never allocated, never shipped on a partial address")
        self.assertIn("recipient name, street, phone", order.validation_problems)
        self.assertIn("Restricted Data Token", order.validation_problems)
        self.assertEqual((order.ship_city, order.ship_zip), ("Valencia", "46004"), "what Amazon does give is kept")
        (hold,) = self.amz_exceptions("invalid_order")
        self.assertIn("recipient name, street, phone", hold.description)
        for text in ("Lucía", "Colón", "600111222", "abc123@"):
            self.assertNotIn(text, hold.description + hold.name, "no personal data in an exception")
        self.assertFalse(self.amz.outbound_paused, "a missing role is not refused credentials")
        # the seller gets the role: the next version of the order brings the address and completes it
        amazon.restricted_role = True
        amazon.update_order(ORDER_ID)
        self.poll_and_process()
        self.assertFalse(order.withheld_data)
        self.assertFalse(order.validation_problems)
        self.assertIn("ready to release", hold.name)

    def test_pending_is_never_picked_unshipped_is_then_canceled_releases_the_stock(self):
        amazon = self.fake_amazon()
        pending_address = {"City": "Valencia", "PostalCode": "46004", "CountryCode": "ES"}  # Pending: no address yet
        amazon.add_order("171-0000004-0000004", OrderStatus="Pending", ShippingAddress=pending_address)
        notification = json.loads(amazon.notification("171-0000004-0000004", "n-1"))
        event_id, _created = self.env["integration.event"]._receive(
            self.amz, "notification:n-1", "ORDER_CHANGE", notification
        )
        self.process()
        self.assertFalse(self.amz_order("171-0000004-0000004"), "Pending: not paid, no address: not imported")
        self.assertEqual(self.env["integration.event"].browse(event_id).state, "done")
        amazon.update_order(
            "171-0000004-0000004", OrderStatus="Unshipped", ShippingAddress=copy.deepcopy(ORDER["ShippingAddress"])
        )
        self.poll_and_process()
        order = self.amz_order("171-0000004-0000004")
        self.assertEqual(order.state, "accepted", order.validation_problems)
        free = self.tshirt_s.with_context(warehouse_id=self.warehouse.id)
        self.assertEqual(free.free_qty, 3)
        # one second after the last change (a change at :59 left "the same minute, :59" equal, not newer)
        previous = datetime.strptime(amazon.orders["171-0000004-0000004"]["LastUpdateDate"], "%Y-%m-%dT%H:%M:%SZ")
        amazon.update_order("171-0000004-0000004", OrderStatus="Canceled", LastUpdateDate=stamp(previous + ONE_SECOND))
        self.poll_and_process()
        self.assertEqual(order.state, "cancelled")
        self.env.invalidate_all()
        self.assertEqual(free.free_qty, 5, "reservation released")

    def test_buyer_cancel_request_after_release_is_an_edit_after_release_exception(self):
        amazon = self.fake_amazon()
        amazon.add_order(ORDER_ID)
        self.poll_and_process()
        order = self.amz_order(ORDER_ID)
        order._first_step_pickings().move_line_ids[:1].picked = True  # the picker scanned the line
        released = order.state
        self.assertIn(released, ("picking", "picked"))
        amazon.request_cancel(ORDER_ID)
        self.poll_and_process()
        self.assertEqual(order.state, released, "the warehouse keeps executing it as released")
        (edit,) = self.amz_exceptions("edit_after_release")
        self.assertIn("after release", edit.name)
        self.assertNotIn("Lucía", edit.description)

    def test_buyer_cancel_request_before_release_cancels(self):
        amazon = self.fake_amazon()
        amazon.add_order(ORDER_ID)
        self.poll_and_process()
        amazon.request_cancel(ORDER_ID, "Found it cheaper")
        self.poll_and_process()
        order = self.amz_order(ORDER_ID)
        self.assertEqual(order.state, "cancelled")
        notes = " ".join(order.message_ids.mapped("body"))
        self.assertIn("buyer requested cancellation: Found it cheaper", notes)

    def test_ship_by_control_point_opens_an_exception_before_the_deadline(self):
        amazon = self.fake_amazon()
        with freeze_time("2026-11-21 10:00:00"):
            amazon.add_order(ORDER_ID, updated="2026-11-21T09:40:00Z")
            self.poll_and_process()
            order = self.amz_order(ORDER_ID)
            self.assertEqual(order.state, "accepted", order.validation_problems)
            Order = self.env["integration.channel.order"]
            Order._cron_check_ship_by()
            self.assertFalse(self.amz_exceptions("ship_by_deadline"), "13 h before: nothing yet")
        with freeze_time("2026-11-21 17:00:00"):  # 6 h before LatestShipDate (22:59:59)
            Order._cron_check_ship_by()
            Order._cron_check_ship_by()
            (near,) = self.amz_exceptions("ship_by_deadline")
            self.assertIn("near", near.name)
            self.assertEqual(near.severity, "warning")
        with freeze_time("2026-11-21 23:30:00"):
            Order._cron_check_ship_by()
            missed = self.amz_exceptions("ship_by_deadline") - near
            self.assertEqual((len(missed), missed.severity), (1, "critical"))
            self.assertIn("missed", missed.name)
        order._transition("cancelled", "test")
        with freeze_time("2026-11-22 10:00:00"):
            Order._cron_check_ship_by()
            self.assertEqual(len(self.amz_exceptions("ship_by_deadline")), 2, "a cancelled order has no deadline")

    def test_amounts_as_amazon_sent_them(self):
        amazon = self.fake_amazon()
        amazon.add_order(ORDER_ID)
        self.poll()
        event = self.amz_events()
        hub_type, document = self.env["integration.adapter.amazon"]._normalize_event(event, event._payload())
        self.assertEqual(hub_type, "order.updated")
        self.assertEqual(
            (
                document["currency"],
                document["total"],
                document["shipping_price"],
                document["shipping_tax"],
                document["prices_include_tax"],
            ),
            ("EUR", "29.90", 4.9, 0.85, True),
        )
        self.assertEqual(
            (document["lines"][0]["price"], document["lines"][0]["tax"], document["lines"][0]["discount"]),
            (12.5, "4.34", "0.00"),
        )

    def test_poll_pages_with_next_token_and_moves_the_cursor_to_last_updated_before(self):
        amazon = self.fake_amazon()
        amazon.page_size, amazon.items_page_size = 2, 1
        now = fields.Datetime.now()
        for n in range(5):
            amazon.add_order(
                f"171-000000{n}-1000000",
                updated=(now - timedelta(minutes=30 - n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                items=[
                    {"OrderItemId": f"A{n}"},
                    {"OrderItemId": f"B{n}", "SellerSKU": "MUG-001", "QuantityOrdered": 1},
                ],
            )
        amazon.add_order("171-9999999-1000000", updated=(now - timedelta(days=9)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        amazon.add_order("171-8888888-1000000", FulfillmentChannel="AFN")
        amazon.add_order("171-7777777-1000000", updated=(now - timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertEqual(
            self.poll(), 5, "not the old one, not FBA, not the one newer than LastUpdatedBefore (now - 2 min)"
        )
        pages = [c for c in amazon.calls if c[1] == "/orders/v0/orders"]
        self.assertEqual(len(pages), 3)
        cursor = self.amz._poll_cursor("orders").cursor
        self.assertEqual(cursor[:16], (now - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M"))
        self.process()
        self.assertEqual(len(self.amz_order("171-0000004-1000000").line_ids), 2, "items read page by page")
        with freeze_time(now + timedelta(minutes=3)):
            self.assertEqual(self.poll(), 1, "the next window brings the newer one; the overlap collapses")
