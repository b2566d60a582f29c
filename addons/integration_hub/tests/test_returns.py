import base64
import json

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .order_common import OrderCase


@tagged("post_install", "-at_install")
class TestReturns(OrderCase):
    def delivered_order(self, external_id="RO-1"):
        _event, order = self.ingest(
            self.order_data(
                external_id,
                lines=[{"id": "1", "sku": "MUG-001", "quantity": 2}, {"id": "2", "sku": "TSHIRT-M", "quantity": 1}],
            )
        )
        self.validate_picking(order._first_step_pickings())
        return order

    def return_event(self, data, kind="created"):
        event_id, _ = self.env["integration.event"]._receive(
            self.channel, f"ret-{kind}-{json.dumps(data, sort_keys=True)}", f"return.{kind}", data
        )
        event = self.env["integration.event"].browse(event_id)
        event._process()
        return event

    def new_return(self, order, status="authorized", dispositions=None):
        dispositions = dispositions or {}
        self.return_event(
            {
                "id": f"R-{order.external_id}",
                "order_id": order.external_id,
                "reason": "damaged in transit",
                "claim": "The mug arrived chipped",
                "status": status,
                "lines": [
                    {"sku": "MUG-001", "quantity": 2, "disposition": dispositions.get("MUG-001", "")},
                    {"sku": "TSHIRT-M", "quantity": 1, "disposition": dispositions.get("TSHIRT-M", "")},
                ],
            }
        )
        return self.env["integration.return"].search([("external_id", "=", f"R-{order.external_id}")])

    def receive(self, ret):
        ret.action_create_receipt()
        self.validate_picking(ret.receipt_id)
        return ret

    def free(self, product):
        self.env.invalidate_all()
        return self.channel._compute_availability(product)[product.id]

    def test_lifecycle_guards(self):
        order = self.delivered_order()
        ret = self.new_return(order, status="initiated")
        self.assertEqual((ret.state, ret.owner), ("initiated", "returns_system"))
        with self.assertRaisesRegex(UserError, "not authorized yet"):
            ret.action_create_receipt()
        with self.assertRaisesRegex(UserError, "cannot go from Initiated to Received"):
            ret._transition("received")
        ret.with_user(self.user_manager).action_authorize()
        ret.action_create_receipt()
        with self.assertRaisesRegex(UserError, "validated receipt into quarantine"):
            ret._transition("received")
        self.validate_picking(ret.receipt_id)
        self.assertEqual(ret.state, "received")
        with self.assertRaisesRegex(UserError, "no grade on"):
            ret._transition("triaged")
        with self.assertRaisesRegex(UserError, "not triaged"):
            ret.with_user(self.user_manager).action_complete()

    def test_received_goods_sit_in_quarantine_and_are_not_available(self):
        order = self.delivered_order()
        self.assertEqual(self.free(self.mug), 48)
        ret = self.receive(self.new_return(order))
        quarantine = self.warehouse.hub_quarantine_location_id
        self.assertEqual(ret.receipt_id.location_dest_id, quarantine)
        self.assertEqual(self.mug.with_context(location=quarantine.id).qty_available, 2)
        self.assertEqual(self.free(self.mug), 48, "returned is not back in live stock")

    def test_channel_instruction_triages_and_each_grade_has_its_disposition(self):
        order = self.delivered_order()
        ret = self.receive(self.new_return(order, dispositions={"MUG-001": "nonconforming", "TSHIRT-M": "sellable"}))
        self.assertEqual((ret.state, ret.triage_source, ret.owner), ("triaged", "channel", "warehouse"))
        ret.with_user(self.user_manager).action_complete()
        self.assertEqual(ret.state, "completed")
        lines = {line.product_id: line for line in ret.line_ids}
        self.assertEqual((lines[self.mug].outcome, lines[self.tshirt_m].outcome), ("disposed", "restocked"))
        nonconforming = self.warehouse.hub_nonconforming_location_id
        self.assertEqual(self.mug.with_context(location=nonconforming.id).qty_available, 2)
        self.assertEqual(self.free(self.tshirt_m), 20, "the sellable T-shirt is back in stock")
        self.assertEqual(self.free(self.mug), 48, "nonconforming mugs never come back")
        self.assertTrue(ret.credit_to_review)
        job = self.env["integration.job"].search([("idempotency_key", "=", f"return-completed:{ret.id}")])
        self.assertEqual(json.loads(job.payload)["credit"], "to_issue")

    def test_a_completed_return_loses_the_customers_claim_after_the_retention_period(self):
        """README "Personal data": completed returns are anonymised like closed orders; the facts stay."""
        self.channel.personal_data_retention_days = 30
        with freeze_time("2026-11-01 10:00:00"):
            order = self.delivered_order("RO-RET")
            ret = self.receive(self.new_return(order, dispositions={"MUG-001": "sellable", "TSHIRT-M": "sellable"}))
            ret.with_user(self.user_manager).action_complete()
        self.assertEqual(ret.customer_claim, "The mug arrived chipped")
        messages = self.env["integration.event"].search([("res_model", "=", ret._name), ("res_id", "=", ret.id)])
        self.assertTrue(messages)
        with freeze_time("2026-11-30 10:00:00"):
            self.env["integration.channel"]._cron_personal_data_retention()
        self.assertEqual(ret.customer_claim, "The mug arrived chipped", "29 days: kept")
        with freeze_time("2026-12-02 10:00:00"):
            self.env["integration.channel"]._cron_personal_data_retention()
        self.assertFalse(ret.customer_claim)
        self.assertFalse(any(messages.mapped("payload")), "the raw return messages too")
        self.assertEqual((ret.state, ret.reason, len(ret.line_ids)), ("completed", "damaged in transit", 2))
        self.assertNotEqual(order.state, "delivered")
        self.assertEqual(order.customer_email, "lucia@example.com", "the order is still open: it keeps its data")

    def test_rework_goes_to_the_rework_location(self):
        order = self.delivered_order()
        ret = self.receive(self.new_return(order, dispositions={"MUG-001": "rework", "TSHIRT-M": "rework"}))
        ret.with_user(self.user_manager).action_complete()
        rework = self.warehouse.hub_rework_location_id
        self.assertEqual(self.mug.with_context(location=rework.id).qty_available, 2)
        self.assertEqual(set(ret.line_ids.mapped("outcome")), {"reworked"})

    def test_instruction_arriving_after_receipt_triages(self):
        order = self.delivered_order()
        ret = self.receive(self.new_return(order))
        self.assertEqual(ret.state, "received")
        self.return_event(
            {
                "id": ret.external_id,
                "lines": [
                    {"sku": "MUG-001", "disposition": "sellable"},
                    {"sku": "TSHIRT-M", "disposition": "sellable"},
                ],
            },
            "updated",
        )
        self.assertEqual(ret.state, "triaged")

    def test_manager_triage_from_the_bench_is_audited_operations_cannot(self):
        order = self.delivered_order()
        ret = self.receive(self.new_return(order))
        for line in ret.line_ids.with_user(self.user_operations):
            line.action_grade_sellable()  # the operator records the inspection
        with self.assertRaises(AccessError):
            ret.line_ids[:1].with_user(self.user_operations).write({"grade": "sellable"})
        with self.assertRaises(AccessError):
            ret.with_user(self.user_operations)._triage_by_manager("looks fine")
        self.assertEqual(ret.state, "received")
        wizard = Form(
            self.env["integration.return.triage"].with_user(self.user_manager).with_context(default_return_id=ret.id)
        )
        wizard.reason = "Returns system down; inspected at the bench, both intact"
        wizard.save().action_confirm()
        self.assertEqual((ret.state, ret.triage_source), ("triaged", "manager"))
        log = self.env["integration.audit.log"].search([("res_model", "=", ret._name), ("res_id", "=", ret.id)])
        self.assertEqual(log.user_id, self.user_manager)
        self.assertIn("Returns system down", log.reason)

    def test_overdue_triage_raises_one_exception(self):
        order = self.delivered_order()
        with freeze_time("2026-11-27 10:00:00"):
            ret = self.receive(self.new_return(order))
        Return = self.env["integration.return"]
        with freeze_time("2026-11-29 10:00:00"):
            Return._cron_check_triage_overdue()
            self.assertFalse(ret.overdue)
        with freeze_time("2026-11-30 10:01:00"):
            ret.invalidate_recordset(["overdue"])
            self.assertTrue(ret.overdue)
            self.assertIn(ret, Return.search([("overdue", "=", True)]))
            Return._cron_check_triage_overdue()
            Return._cron_check_triage_overdue()
        exceptions = self.env["integration.sync.exception"].search(
            [("res_model", "=", ret._name), ("res_id", "=", ret.id)]
        )
        self.assertEqual(len(exceptions), 1)
        self.assertEqual(exceptions.exception_type, "return_triage")
        self.return_event(
            {
                "id": ret.external_id,
                "lines": [
                    {"sku": "MUG-001", "disposition": "sellable"},
                    {"sku": "TSHIRT-M", "disposition": "sellable"},
                ],
            },
            "updated",
        )
        self.assertEqual(ret.state, "triaged")
        self.assertEqual(exceptions.state, "open", "exceptions never close themselves")
        self.assertIn("can probably be closed", " ".join(exceptions.message_ids.mapped("body")))

    def test_bad_disposition_fails_the_event_with_a_reason(self):
        order = self.delivered_order()
        event = self.return_event(
            {
                "id": "R-BAD",
                "order_id": order.external_id,
                "lines": [{"sku": "MUG-001", "quantity": 1, "disposition": "as-new-ish"}],
            }
        )
        self.assertEqual(event.state, "failed")
        self.assertIn("unknown disposition 'as-new-ish'", event.error)

    def test_csv_import_with_bad_rows(self):
        order = self.delivered_order()
        content = (
            "return-id,original-order-id,reason,disposition\n"
            f"CSV-1,{order.external_id},wrong size,sellable\n"
            "CSV-2,NO-SUCH-ORDER,broken,rework\n"
            f"CSV-3,{order.external_id},broken,shiny\n"
        )
        wizard = (
            self.env["integration.return.import"]
            .with_user(self.user_manager)
            .create(
                {"channel_id": self.channel.id, "file": base64.b64encode(content.encode()), "filename": "returns.csv"}
            )
        )
        wizard.action_import()
        self.assertIn("1 return(s) imported, 2 row(s) rejected", wizard.result)
        self.assertIn("line 3: original order NO-SUCH-ORDER is unknown", wizard.result)
        self.assertIn("line 4: disposition 'shiny'", wizard.result)
        ret = self.env["integration.return"].search([("external_id", "=", "CSV-1")])
        self.assertEqual((ret.state, set(ret.line_ids.mapped("instructed_grade"))), ("authorized", {"sellable"}))
        with self.assertRaisesRegex(UserError, "missing: disposition"):
            self.env["integration.return.import"].with_user(self.user_manager).create(
                {
                    "channel_id": self.channel.id,
                    "file": base64.b64encode(b"return-id,original-order-id,reason\n"),
                }
            ).action_import()

    def test_evidence_cannot_be_written_by_hand(self):
        order = self.delivered_order()
        ret = self.new_return(order)
        with self.assertRaises(AccessError):
            ret.with_user(self.user_manager).write({"credit_to_review": True})

    def test_disposition_moves_only_what_the_receipt_brought_in(self):
        order = self.delivered_order()
        ret = self.new_return(order, dispositions={"MUG-001": "sellable", "TSHIRT-M": "sellable"})
        ret.action_create_receipt()
        # only 1 of the 2 announced mugs arrives
        self.validate_picking(ret.receipt_id, quantities={self.mug: 1, self.tshirt_m: 1})
        ret.with_user(self.user_manager).action_complete()
        quarantine = self.warehouse.hub_quarantine_location_id
        self.env.invalidate_all()
        self.assertEqual(self.mug.with_context(location=quarantine.id).qty_available, 0, "never negative")
        self.assertEqual(self.free(self.mug), 49, "48 + the one mug that really came back")

    def test_returned_quantities_are_fixed_after_authorization(self):
        order = self.delivered_order()
        ret = self.new_return(order)
        with self.assertRaises(AccessError):
            ret.line_ids[:1].with_user(self.user_operations).write({"quantity": 50})
