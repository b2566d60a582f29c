"""Mirakl on the hub's seam, against a fake operator built from ../shared/platforms/mirakl.md."""

import json
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from ..lib import mirakl as M
from .common import MiraklMixin

QUIET = (
    "odoo.addons.integration_hub.models.integration_job",
    "odoo.addons.integration_hub.models.integration_channel_polling",
)


@tagged("post_install", "-at_install")
class TestMirakl(MiraklMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_mirakl()
        for product, quantity in ((cls.mug, 10), (cls.tshirt_s, 1), (cls.tshirt_m, 20)):
            cls.stock(product, quantity)
        service = cls.env["product.product"].create({"name": "Shipping", "type": "service"})
        cls.correos = cls.env["delivery.carrier"].create(
            {"name": "Correos", "product_id": service.id, "delivery_type": "fixed"}
        )

    def setUp(self):
        super().setUp()
        self.shop = self.fake_mirakl()

    def minute_later(self):
        """The operator's minute between two OR11 / STO01 calls has passed."""
        for code in list(self.shop.last_call):
            self.shop.last_call[code] -= timedelta(seconds=61)

    def poll(self, stream="orders"):
        self.minute_later()
        new = super().poll(stream)
        self.process()
        return new

    def free(self, product):
        self.env.invalidate_all()
        return self.mkl._compute_availability(product)[product.id]

    def decide(self, order_id, lines, **changes):
        """A new WAITING_ACCEPTANCE order read by the hub and its decision sent (OR21)."""
        self.shop.add_order(order_id, lines, **changes)
        self.poll()
        self.run_jobs()
        return self.mkl_order(order_id)

    def ship(self, order, tracking):
        picking = order._first_step_pickings()
        picking.carrier_id = self.correos
        picking.move_ids.picked = True
        picking.button_validate()
        order._record_carrier_pickup(f"PICKUP-{tracking}", tracking, fields.Datetime.now(), "carrier scan")
        self.run_jobs()

    # --- the order flow ------------------------------------------------------------------------
    def test_order_waits_for_address_is_accepted_at_once_then_ships_with_tracking(self):
        order = self.decide("FR1-A", [("FR1-A-1", "TSHIRT-M", 2)])
        self.assertEqual(order.state, "validated", order.validation_problems)
        self.assertTrue(order.address_pending, "null address before acceptance: waits, not held")
        self.assertFalse(self.exceptions("invalid_order"))
        created = datetime.fromisoformat(self.shop.orders["FR1-A"]["created_date"].replace("Z", ""))
        self.assertEqual(order.decision_deadline, created + timedelta(hours=72), "created + the operator's delay")
        self.assertEqual((order.decision, order.line_ids.product_id), ("accepted", self.tshirt_m), "a variant")
        self.assertEqual(self.shop.decisions, [("FR1-A", {"FR1-A-1": True})])
        self.assertEqual(self.free(self.tshirt_m), 18, "the accepted units are held for the order")
        self.poll()  # WAITING_DEBIT_PAYMENT: nothing new for the hub
        self.assertEqual(order.state, "validated")
        self.shop.debit("FR1-A")
        self.poll()
        self.assertEqual(order.state, "accepted", "\n".join(order.message_ids.mapped("body")))
        self.assertEqual(
            (order.ship_city, order.ship_country_code, order.phone_e164), ("Valencia", "ES", "+34600111222")
        )
        self.assertEqual((order.financial_status, order.address_pending), ("paid", False))
        self.assertEqual(order.sale_order_id.partner_shipping_id.street, "C/ Colón 12")
        self.ship(order, "PQ123456789ES")
        self.assertEqual(order.state, "dispatched")
        self.assertEqual(
            self.shop.trackings, [("FR1-A", {"tracking_number": "PQ123456789ES", "carrier_code": "CORREOS"})]
        )
        self.assertEqual((self.shop.ships, self.shop.orders["FR1-A"]["order_state"]), (["FR1-A"], "SHIPPED"))
        job = self.env["integration.job"].search([("channel_id", "=", self.mkl.id), ("job_type", "=", "fulfillment")])
        job.sudo().write({"state": "pending", "next_attempt_at": fields.Datetime.now()})  # sent again by a manager
        self.run_jobs()
        self.assertEqual((job.state, len(self.shop.ships)), ("done", 1), "OR24 never twice for one shipment")

    def test_kit_order_accepts_on_its_components(self):
        self.stock(self.tshirt_s, 2)  # 3 T-shirts S
        order = self.decide("KIT1-A", [("KIT1-A-1", "KIT-GIFT", 2), ("KIT1-A-2", "TSHIRT-S", 1)])
        self.assertEqual(order.decision, "accepted", order.validation_problems)
        self.assertEqual(self.free(self.tshirt_s), 0, "2 in kits + 1 loose held for the order")
        self.shop.debit("KIT1-A")
        self.poll()
        self.assertEqual(order.state, "accepted")
        moves = order.sale_order_id.picking_ids.move_ids
        self.assertEqual(
            sorted((m.product_id.default_code, m.product_uom_qty) for m in moves),
            [("MUG-001", 2.0), ("TSHIRT-S", 1.0), ("TSHIRT-S", 2.0)],
            "the kit is allocated as its components",
        )

    def test_partial_order_refuses_the_short_line_and_a_cancelled_line_follows(self):
        order = self.decide("P1-A", [("P1-A-1", "MUG-001", 2), ("P1-A-2", "TSHIRT-S", 5)])
        self.assertEqual(order.decision, "partial")
        self.assertEqual(self.shop.decisions, [("P1-A", {"P1-A-1": True, "P1-A-2": False})])
        states = {line.external_line_id: line.state for line in order.line_ids}
        self.assertEqual(states, {"P1-A-1": "open", "P1-A-2": "cancelled"})
        self.assertIn("Cancelled for lack of stock: TSHIRT-S", "".join(order.message_ids.mapped("body")))
        self.shop.debit("P1-A")
        self.poll()
        self.assertEqual(order.state, "accepted", "the refused line comes back REFUSED: no edit")
        goods = order.sale_order_id.order_line.product_id - self.env.ref("integration_hub.product_channel_shipping")
        self.assertEqual(goods, self.mug)
        # a line cancelled by the customer after acceptance (Mirakl CANCELED) leaves the allocation
        second = self.decide("P2-A", [("P2-A-1", "MUG-001", 1), ("P2-A-2", "TSHIRT-M", 1)])
        self.shop.debit("P2-A")
        self.poll()
        self.assertEqual(second.state, "accepted")
        self.shop.cancel_line("P2-A", "P2-A-2")
        self.poll()
        self.assertEqual(second.line_ids.filtered(lambda line: line.external_line_id == "P2-A-2").state, "cancelled")
        goods = second.sale_order_id.order_line.product_id - self.env.ref("integration_hub.product_channel_shipping")
        self.assertEqual(goods, self.mug, "allocated again without the line")

    def test_nothing_to_serve_refuses_the_whole_order(self):
        order = self.decide("N1-A", [("N1-A-1", "TSHIRT-S", 4)])
        self.assertEqual((order.state, order.decision), ("cancelled", "refused"))
        self.assertEqual(self.shop.decisions, [("N1-A", {"N1-A-1": False})])
        self.assertEqual(self.shop.orders["N1-A"]["order_state"], "REFUSED")
        self.assertEqual(self.free(self.tshirt_s), 1)

    # --- gotchas ----------------------------------------------------------------------------
    @mute_logger(*QUIET)
    def test_undecided_order_warns_before_the_deadline_and_an_auto_refusal_is_shown_and_released(self):
        self.mkl.partial_policy = "hold"
        order = self.decide("AR1-A", [("AR1-A-1", "TSHIRT-S", 3)])
        self.assertEqual((order.state, order.decision), ("on_hold", False), "short: not decided, held")
        self.assertIn("decide before", order.validation_problems)
        self.assertFalse(self.shop.decisions, "nothing sent for an undecided order")
        self.assertEqual(self.free(self.tshirt_s), 0, "its demand is held while it waits")
        Order = self.env["integration.channel.order"]
        with freeze_time(order.decision_deadline - timedelta(hours=13)):
            Order._cron_check_decision_deadlines()
        self.assertFalse(self.exceptions("decision_deadline"), "not yet: the warning comes 12 h before")
        with freeze_time(order.decision_deadline - timedelta(hours=11)):
            Order._cron_check_decision_deadlines()
            Order._cron_check_decision_deadlines()
        warning = self.exceptions("decision_deadline")
        self.assertEqual((len(warning), warning.severity), (1, "critical"))
        self.assertIn("AR1", warning.name)
        self.shop.auto_refuse("AR1-A")
        self.poll()
        self.assertFalse(self.shop.decisions)
        self.assertEqual(order.state, "cancelled")
        self.assertIn("auto-refused", order.cancel_reason)
        shown = self.exceptions("decision_deadline") - warning
        self.assertEqual(len(shown), 1)
        self.assertIn("refused by the channel before the warehouse decided", shown.name)
        self.assertEqual(self.free(self.tshirt_s), 1, "the order's stock is released")

    @mute_logger(*QUIET)
    def test_partial_refusal_disabled_by_the_operator_is_learnt_and_named(self):
        self.shop.partial_acceptance = False
        order = self.decide("PD1-A", [("PD1-A-1", "MUG-001", 1), ("PD1-A-2", "TSHIRT-S", 5)])
        job = self.env["integration.job"].search([("channel_id", "=", self.mkl.id), ("job_type", "=", "acknowledge")])
        self.assertEqual(job.state, "dead")
        self.assertIn("ORDER_PARTIAL_ACCEPTANCE_DISABLED", job.last_error)
        self.assertFalse(self.shop.decisions)
        dead = self.exceptions("dead_job")
        self.assertIn("accepted or refused as a whole", dead.description)
        self.mkl.with_user(self.user_admin).partial_refusal = False  # what the exception asks for
        self.assertFalse(order._decision_delivered())
        with freeze_time(order.decision_deadline - timedelta(hours=1)):
            self.env["integration.channel.order"]._cron_check_decision_deadlines()
        self.assertEqual(len(self.exceptions("decision_deadline")), 1, "still undecided at Mirakl: warned")
        second = self.decide("PD2-A", [("PD2-A-1", "MUG-001", 1), ("PD2-A-2", "TSHIRT-S", 5)])
        self.assertEqual((second.state, second.decision), ("on_hold", False))
        self.assertIn("does not take a refusal of some lines", second.validation_problems)
        self.assertEqual(len(self.shop.decisions), 0)
        third = self.decide("PD3-A", [("PD3-A-1", "TSHIRT-S", 5)])  # nothing to serve: refusing it all is allowed
        self.assertEqual((third.state, third.decision), ("cancelled", "refused"))
        self.assertEqual(self.shop.decisions, [("PD3-A", {"PD3-A-1": False})])

    def test_a_manager_refuses_an_undecided_order_by_cancelling_it(self):
        self.mkl.partial_policy = "hold"
        order = self.decide("MR1-A", [("MR1-A-1", "MUG-001", 1), ("MR1-A-2", "TSHIRT-S", 3)])
        self.assertEqual(order.state, "on_hold")
        wizard = Form(
            self.env["integration.order.force.state"]
            .with_user(self.user_manager)
            .with_context(default_order_id=order.id)
        )
        wizard.target_state = "cancelled"
        wizard.reason = "The supplier cannot deliver the T-shirts before the deadline"
        wizard.save().action_confirm()
        self.run_jobs()
        self.assertEqual((order.state, order.decision), ("cancelled", "refused"))
        self.assertEqual(self.shop.decisions, [("MR1-A", {"MR1-A-1": False, "MR1-A-2": False})])
        self.assertEqual(self.shop.orders["MR1-A"]["order_state"], "REFUSED")

    def test_a_decision_the_operator_overtook_is_not_an_error(self):
        self.shop.add_order("OT1-A", [("OT1-A-1", "MUG-001", 1)])
        self.poll()
        self.shop.auto_refuse("OT1-A")  # refused between the poll and the outbox run
        self.minute_later()
        self.run_jobs()
        job = self.env["integration.job"].search([("channel_id", "=", self.mkl.id), ("job_type", "=", "acknowledge")])
        self.assertEqual(job.state, "dead")
        self.assertIn("REFUSED in Mirakl before the decision reached it", job.last_error)
        self.poll()
        order = self.mkl_order("OT1-A")
        self.assertEqual((order.state, order.decision), ("cancelled", "accepted"))
        self.assertIn("before the warehouse decided", self.exceptions("decision_deadline").name)

    # --- inventory: asynchronous imports ----------------------------------------------------------
    def publish(self):
        job = self.mkl._publish_inventory()
        self.minute_later()
        self.run_jobs()
        return job

    def check(self, job):
        job.sudo().next_attempt_at = fields.Datetime.now()
        self.run_jobs()

    def test_stock_import_is_checked_until_complete_and_a_change_follows(self):
        for offer_id, sku in ((2001, "TSHIRT-M"), (2002, "MUG-001"), (2003, "KIT-GIFT")):
            self.shop.add_offer(offer_id, sku)
        admin = self.mkl.with_user(self.user_admin)
        self.assertEqual(admin.action_import_listings()["params"]["type"], "success")
        job = self.publish()
        self.assertEqual((job.state, job.remote_ref), ("sent", "sto01:3000"), job.last_error)
        ((import_id, record),) = self.shop.imports.items()
        self.assertEqual(
            [(row["offer-sku"], row["quantity"], row["update-delete"]) for row in record["rows"]],
            [("KIT-GIFT", "1", "update"), ("MUG-001", "10", "update"), ("TSHIRT-M", "20", "update")],
        )
        self.check(job)
        self.assertEqual(job.state, "sent", "STO02 says WAITING: asked again later")
        self.shop.process_imports()
        self.check(job)
        self.assertEqual(job.state, "confirmed", job.last_error)
        self.assertEqual(self.shop.offers["MUG-001"]["quantity"], 10)
        level = self.env["integration.inventory.level"].search(
            [("channel_id", "=", self.mkl.id), ("sku", "=", "MUG-001")]
        )
        self.assertEqual(level.published_qty, 10)
        self.stock(self.mug, 5)  # goods received: Mirakl has them within the channel's interval (30 min)
        Channel = self.env["integration.channel"]
        with freeze_time(fields.Datetime.now() + timedelta(minutes=29)):
            Channel._cron_publish_inventory()
        self.assertEqual(len(self.shop.imports), 1, "not before the interval")
        with freeze_time(fields.Datetime.now() + timedelta(minutes=31)):
            Channel._cron_publish_inventory()
            self.run_jobs()
        second = self.env["integration.job"].search(
            [("channel_id", "=", self.mkl.id), ("job_type", "=", "inventory")], order="id desc", limit=1
        )
        self.assertEqual(second.state, "sent", second.last_error)
        self.assertEqual([row["offer-sku"] for row in self.shop.imports[import_id + 1]["rows"]], ["MUG-001"])
        self.shop.process_imports()
        self.check(second)
        self.assertEqual((second.state, self.shop.offers["MUG-001"]["quantity"]), ("confirmed", 15))

    def test_error_report_becomes_one_exception_naming_each_line(self):
        self.shop.add_offer(2002, "MUG-001")
        self.list_products(self.mkl, self.mug | self.tshirt_m | self.kit)
        job = self.publish()
        self.shop.process_imports()
        self.check(job)
        self.assertEqual(job.state, "confirmed", job.last_error)
        (report,) = self.exceptions("item_refused")
        self.assertIn("2 items", report.name)
        self.assertIn("KIT-GIFT: line 2: The offer does not exist", report.description)
        self.assertIn("TSHIRT-M: line 4: The offer does not exist", report.description)
        levels = self.env["integration.inventory.level"].search([("channel_id", "=", self.mkl.id)])
        published = {level.sku: bool(level.published_at) for level in levels}
        self.assertEqual(published, {"MUG-001": True, "TSHIRT-M": False, "KIT-GIFT": False})

    def test_offer_import_where_the_operator_has_no_stock_imports(self):
        self.shop.has_sto01 = False
        self.shop.add_offer(2002, "MUG-001")
        self.list_products(self.mkl, self.mug)
        self.mkl.mirakl_stock_import = "of01"
        job = self.publish()
        self.assertEqual(job.remote_ref, "of01:3000")
        self.assertEqual(
            self.shop.imports[3000]["rows"], [{"sku": "MUG-001", "quantity": "10", "update-delete": "update"}]
        )
        self.shop.process_imports()
        self.check(job)
        self.assertEqual((job.state, self.shop.offers["MUG-001"]["quantity"]), ("confirmed", 10))

    # --- the operator's API: paging, frequency, errors, credentials --------------------------------
    @mute_logger(*QUIET)
    def test_offset_paging_one_call_a_minute_throttling_and_errors(self):
        base = fields.Datetime.now() - timedelta(hours=2)
        for n in range(5):
            self.shop.add_order(f"PG{n}-A", [(f"PG{n}-A-1", "MUG-001", 1)], created=base + timedelta(minutes=n))
        with patch.object(M, "PAGE_SIZE", 2):
            self.poll()
            row = self.mkl._poll_cursor("orders")
            self.assertEqual(json.loads(row.cursor)["offset"], 2)
            self.assertEqual(len(self.env["integration.event"].search([("channel_id", "=", self.mkl.id)])), 2)
            calls = len(self.shop.calls)
            self.mkl._poll_stream("orders", row)  # the same minute: the hub does not call
            self.assertEqual(len(self.shop.calls), calls)
            self.poll()
            self.poll()
        self.assertEqual(self.env["integration.channel.order"].search_count([("channel_id", "=", self.mkl.id)]), 5)
        self.assertFalse(row.cursor.startswith("{"), "back to a time cursor after the last page")
        self.shop.last_call["OR11"] = self.shop.now()  # another tool of the seller called OR11 just now
        row.polled_at = False
        self.mkl._poll_stream("orders", row)
        self.assertIn("429", row.last_error)
        for failure in (503, "timeout"):
            self.shop.fail_next(failure)
            self.poll()
            self.assertTrue(row.last_error, failure)
        self.poll()
        self.assertFalse(row.last_error)
        # a 429 on an outbound call waits the operator's minute (Mirakl sends no Retry-After)
        self.list_products(self.mkl, self.mug)
        job = self.mkl._publish_inventory()
        self.shop.last_call["STO01"] = self.shop.now()
        self.run_jobs()
        self.assertEqual(job.state, "pending")
        self.assertAlmostEqual((job.next_attempt_at - fields.Datetime.now()).total_seconds(), 60, delta=2)

    @mute_logger(*QUIET)
    def test_a_wrong_api_key_parks_the_channel(self):
        self.shop.key = "regenerated-in-the-back-office"
        self.shop.add_order("K1-A", [("K1-A-1", "MUG-001", 1)])
        self.poll()
        self.assertTrue(self.mkl.outbound_paused)
        access = self.exceptions("channel_access")
        self.assertEqual(len(access), 1)
        self.assertIn("Mirakl", access.description)
        self.mkl.with_user(self.user_admin).write({"mirakl_api_key": "regenerated-in-the-back-office"})
        self.mkl.with_user(self.user_admin).action_resume_outbound()
        self.poll()
        self.assertTrue(self.mkl_order("K1-A"))

    # --- shipments in several parcels, returns -----------------------------------------------------
    def two_parcels(self, order_id):
        """The order leaves in two parcels: the mug first (a backorder stays), then the T-shirt."""
        order = self.decide(order_id, [(f"{order_id}-1", "MUG-001", 1), (f"{order_id}-2", "TSHIRT-M", 1)])
        self.shop.debit(order_id)
        self.poll()
        picking = order._first_step_pickings()
        picking.carrier_id = self.correos
        for move in picking.move_ids:
            move.picked = move.product_id == self.mug  # the T-shirt leaves in a second parcel
        result = picking.button_validate()
        Form(self.env["stock.backorder.confirmation"].with_context(result["context"])).save().process()
        order._record_carrier_pickup("PICKUP-1", "PQ1", fields.Datetime.now(), "carrier scan")
        self.run_jobs()
        backorder = order.sale_order_id.picking_ids.filtered("backorder_id")
        backorder.carrier_id = self.correos
        backorder.move_ids.picked = True
        backorder.button_validate()
        order._record_later_shipment(backorder, "PICKUP-2", "PQ2", fields.Datetime.now())
        self.run_jobs()

    def test_multiple_shipments_send_one_shipment_per_parcel(self):
        self.mkl.mirakl_multiple_shipments = self.shop.multiple_shipments = True
        self.two_parcels("MS1-A")
        self.assertEqual(
            [(s["shipment_lines"], s["tracking"]) for s in self.shop.shipments],
            [
                ([{"order_line_id": "MS1-A-1", "quantity": 1}], {"tracking_number": "PQ1", "carrier_code": "CORREOS"}),
                ([{"order_line_id": "MS1-A-2", "quantity": 1}], {"tracking_number": "PQ2", "carrier_code": "CORREOS"}),
            ],
        )
        self.assertFalse(self.shop.ships, "no OR24: each shipment is shipped itself")

    def test_without_multiple_shipments_the_order_is_shipped_with_its_last_parcel(self):
        self.two_parcels("MS2-A")
        self.assertEqual([body["tracking_number"] for _order, body in self.shop.trackings], ["PQ1", "PQ2"])
        self.assertEqual((self.shop.ships, self.shop.shipments), (["MS2-A"], []), "OR24 once, when nothing is left")

    def test_unregistered_carrier_sends_its_name_and_url(self):
        self.assertEqual(
            M.tracking_body({"number": "X1", "company": "Paack", "url": "https://paack.co/t/X1"}, self.shop_carriers()),
            {"tracking_number": "X1", "carrier_name": "Paack", "carrier_url": "https://paack.co/t/X1"},
        )

    def shop_carriers(self):
        from .mirakl_fake import CARRIERS

        return CARRIERS

    def test_return_becomes_an_authorized_return_restocked_only_after_triage(self):
        order = self.decide("RT1-A", [("RT1-A-1", "TSHIRT-M", 2)])
        self.shop.debit("RT1-A")
        self.poll()
        self.ship(order, "PQ1")
        self.assertEqual(self.free(self.tshirt_m), 18)
        stamp = self.shop.orders["RT1-A"]["last_updated_date"]
        self.shop.returns.append(
            {
                "id": "R-9001",
                "rma": "RMA-9001",
                "order_id": "RT1-A",
                "order_commercial_id": "RT1",
                "state": "SHIPPED",
                "reason_code": "SIZE_TOO_SMALL",
                "last_updated_date": stamp,
                "return_lines": [{"order_line_id": "RT1-A-1", "offer_sku": "TSHIRT-M", "quantity": 1}],
                "tracking": {"carrier_code": "CORREOS", "tracking_number": "RET123"},
            }
        )
        self.poll("returns")
        ret = self.env["integration.return"].search([("channel_id", "=", self.mkl.id)])
        self.assertEqual((ret.external_id, ret.reason, ret.return_tracking), ("R-9001", "SIZE_TOO_SMALL", "RET123"))
        self.assertEqual(ret.line_ids.order_line_id, order.line_ids)
        ret.action_create_receipt()
        for move in ret.receipt_id.move_ids:
            move.picked = True
        ret.receipt_id.button_validate()
        self.assertEqual((ret.state, self.free(self.tshirt_m)), ("received", 18), "quarantine is not stock")
        for line in ret.line_ids.with_user(self.user_operations):
            line.action_grade_sellable()
        triage = Form(
            self.env["integration.return.triage"].with_user(self.user_manager).with_context(default_return_id=ret.id)
        )
        triage.reason = "Inspected at the bench: intact"
        triage.save().action_confirm()
        self.assertEqual(self.free(self.tshirt_m), 18, "triaged, not yet put back")
        ret.with_user(self.user_manager).action_complete()
        self.assertEqual((ret.state, self.free(self.tshirt_m)), ("completed", 19))

    def test_without_the_returns_api_a_refund_with_units_is_a_return(self):
        self.mkl.mirakl_returns_api = False
        order = self.decide("RF1-A", [("RF1-A-1", "TSHIRT-M", 2)])
        self.shop.debit("RF1-A")
        self.poll()
        self.ship(order, "PQ2")
        line = self.shop.orders["RF1-A"]["order_lines"][0]
        line["refunds"] = [
            {"id": "RF-77", "quantity": 1, "amount": 25.0, "reason_code": "DAMAGED"},
            {"id": "RF-78", "quantity": 0, "amount": 4.9, "reason_code": "SHIPPING_FEES"},
        ]
        self.shop.touch(self.shop.orders["RF1-A"])  # SHIPPED, refunded: read by OR11 in the returns stream
        self.mkl._poll_cursor("orders").polled_at = False
        self.assertEqual(self.poll("returns"), 1, "the refund of units, not the refund of shipping fees")
        self.assertNotIn(("GET", "/api/returns"), self.shop.calls, "no Returns API: RT11 is never called")
        self.assertEqual(self.mkl_order("RF1-A").state, "dispatched", "the shipped order is not read again")
        ret = self.env["integration.return"].search([("channel_id", "=", self.mkl.id)])
        self.assertEqual((ret.external_id, ret.state, ret.reason), ("refund-RF-77", "authorized", "DAMAGED"))
        self.assertEqual((ret.line_ids.order_line_id, ret.line_ids.quantity), (order.line_ids, 1.0))
