import base64
import json
from unittest.mock import patch

import responses
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .order_common import OrderCase

PARTNER_URL = "https://shop.example.com/hub-inventory"


@tagged("post_install", "-at_install")
class TestAvailability(OrderCase):
    def available(self, *products, channel=None):
        channel = channel or self.channel
        result = channel._compute_availability(self.env["product.product"].concat(*products))
        return [result[p.id] for p in products]

    def test_on_hand_minus_reservations(self):
        self.assertEqual(self.available(self.mug), [50])
        self.ingest(self.order_data("R1", lines=[{"id": "1", "sku": "MUG-001", "quantity": 7}]))
        self.assertEqual(self.available(self.mug), [43], "allocated to an accepted order")

    def test_orders_waiting_for_payment_are_held_back(self):
        self.ingest(
            self.order_data("R2", financial_status="pending", lines=[{"id": "1", "sku": "MUG-001", "quantity": 5}])
        )
        self.assertEqual(self.available(self.mug), [45])

    def test_quarantine_never_counts(self):
        self.stock(self.mug, 30, self.warehouse.hub_quarantine_location_id)
        self.assertTrue(self.warehouse.hub_quarantine_location_id.hub_quarantine)
        self.assertEqual(self.available(self.mug), [50])

    def test_safety_buffer_and_never_below_zero(self):
        self.channel.safety_buffer = 8
        self.assertEqual(self.available(self.mug), [42])
        self.channel.safety_buffer = 80
        self.assertEqual(self.available(self.mug), [0])

    def test_kit_is_min_over_components(self):
        self.assertEqual(self.available(self.kit), [20])
        self.ingest(self.order_data("R3", lines=[{"id": "1", "sku": "TSHIRT-S", "quantity": 15}]))
        self.assertEqual(self.available(self.kit, self.tshirt_s), [5, 5])

    def test_channel_shares(self):
        b2b = self.make_channel("B2B portal", "B2B")
        self.env["integration.inventory.share"].create(
            {"channel_id": b2b.id, "product_id": self.mug.id, "reserved_qty": 20}
        )
        self.assertEqual(self.available(self.mug, channel=b2b), [20])
        self.assertEqual(self.available(self.mug), [30], "the D2C shop never sees the B2B reservation")
        self.channel.inventory_share_pct = 50
        self.assertEqual(self.available(self.mug), [15])

    def test_on_hand_basis_ignores_reservations(self):
        self.ingest(self.order_data("R4", lines=[{"id": "1", "sku": "MUG-001", "quantity": 7}]))
        self.channel.inventory_basis = "on_hand"
        self.assertEqual(self.available(self.mug), [50])


@tagged("post_install", "-at_install")
class TestPublishing(OrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel.api_base_url = PARTNER_URL

    def publish(self):
        return self.channel._publish_inventory(self.mug | self.tshirt_m | self.kit)

    def deliver(self, stub):
        stub.post(PARTNER_URL, json={"ok": True})
        self.env["integration.job"]._cron_run_outbox()

    def level(self, product):
        return self.env["integration.inventory.level"].search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", product.id)]
        )

    def test_first_publication_sends_everything_then_only_changes(self):
        with responses.RequestsMock() as stub:
            job = self.publish()
            self.assertEqual(job._payload(), {"KIT-GIFT": 20, "MUG-001": 50, "TSHIRT-M": 20})
            self.deliver(stub)
            self.assertEqual((self.level(self.mug).published_qty, self.level(self.mug).job_id), (50, job))
            self.assertTrue(self.level(self.mug).published_at)
            self.assertFalse(self.publish(), "nothing changed: nothing is sent")
            self.ingest(self.order_data("P1", lines=[{"id": "1", "sku": "TSHIRT-M", "quantity": 2}]))
            second = self.publish()
            self.assertEqual(second._payload(), {"TSHIRT-M": 18})
            self.deliver(stub)
            sent = [json.loads(call.request.body)["data"] for call in stub.calls]
        self.assertEqual(len(sent), 2)
        self.assertEqual(sent[-1], {"TSHIRT-M": 18})

    def test_a_failed_push_is_retried_not_forgotten(self):
        with responses.RequestsMock() as stub:
            stub.post(PARTNER_URL, status=503)
            job = self.publish()
            self.env["integration.job"]._cron_run_outbox()
            self.assertEqual(job.state, "pending")
            self.assertFalse(self.level(self.mug).published_at)
            self.assertFalse(self.publish(), "the same figures are already on their way")

    def test_new_code_is_published_during_a_transition(self):
        self.env["integration.sku.equivalence"].create({"old_code": "MUG-OLD", "product_id": self.mug.id})
        job = self.publish()
        self.assertIn("MUG-001", job._payload())
        self.assertNotIn("MUG-OLD", job._payload())

    def test_cron_respects_each_channel_interval(self):
        self.channel.publish_interval_minutes = 30
        Channel = self.env["integration.channel"]
        with freeze_time("2026-11-27 10:00:00"):
            Channel._cron_publish_inventory()
            first = self.channel.last_inventory_publish_at
        with freeze_time("2026-11-27 10:20:00"):
            Channel._cron_publish_inventory()
            self.assertEqual(self.channel.last_inventory_publish_at, first)
        with freeze_time("2026-11-27 10:31:00"):
            Channel._cron_publish_inventory()
            self.assertNotEqual(self.channel.last_inventory_publish_at, first)

    def test_csv_channel_gets_files(self):
        csv_channel = self.make_channel("Retail CSV", "RCSV", platform="csv")
        self.list_products(csv_channel, self.mug | self.tshirt_m)  # the retailer buys these two
        job = csv_channel._publish_inventory(self.mug)
        self.env["integration.job"]._cron_run_outbox()
        self.assertEqual(job.state, "done")
        self.env["integration.channel"]._cron_export_inventory_snapshot()
        files = self.env["ir.attachment"].search(
            [("res_model", "=", "integration.channel"), ("res_id", "=", csv_channel.id)]
        )
        delta = files.filtered(lambda f: f.name.startswith("inventory_RCSV"))
        snapshot = files.filtered(lambda f: f.name.startswith("inventory_snapshot_RCSV"))
        self.assertEqual(delta.raw.decode().splitlines(), ["sku,available", "MUG-001,50"])
        lines = snapshot.raw.decode().splitlines()
        self.assertEqual(lines[0], "sku,on-hand,allocated,available")
        self.assertIn("MUG-001,50.0,0.0,50", lines)
        self.assertEqual(len(lines), 3, "only the channel's listed products, never the rest of the catalog")


@tagged("post_install", "-at_install")
class TestDivergenceAndReconciliation(OrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel.api_base_url = PARTNER_URL

    def published(self, product):
        with responses.RequestsMock() as stub:
            stub.post(PARTNER_URL, json={"ok": True})
            self.channel._publish_inventory(product)
            self.env["integration.job"]._cron_run_outbox()
        return self.env["integration.inventory.level"].search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", product.id)]
        )

    def report(self, sku, quantity):
        event_id, _ = self.env["integration.event"]._receive(
            self.channel, f"rep-{sku}-{quantity}", "inventory.reported", {"sku": sku, "quantity": quantity}
        )
        event = self.env["integration.event"].browse(event_id)
        event._process()
        return event

    def mismatches(self):
        return self.env["integration.sync.exception"].search(
            [
                ("exception_type", "=", "inventory_mismatch"),
                ("state", "=", "open"),
                ("channel_id", "=", self.channel.id),
            ]
        )

    def test_divergence_within_threshold_is_recorded_not_raised(self):
        level = self.published(self.mug)
        self.report("MUG-001", 48)  # 4 %
        self.assertEqual((level.reported_qty, level.reconciliation_needed), (48, False))
        self.assertFalse(self.mismatches())

    def test_divergence_beyond_threshold_raises_once_and_republishes_the_warehouse_count(self):
        level = self.published(self.mug)
        self.report("MUG-001", 40)
        self.report("MUG-001", 41)
        self.assertTrue(level.reconciliation_needed)
        self.assertEqual(len(self.mismatches()), 1)
        self.assertAlmostEqual(level.divergence_pct, 18.0)
        job = level.job_id
        self.assertEqual(job._payload(), {"MUG-001": 50}, "conservative: the warehouse figure, not the channel's")

    def test_physical_count_wins_100_published_80_counted(self):
        self.stock(self.mug, 50)  # 100 on the shelf according to the system
        level = self.published(self.mug)
        self.assertEqual(level.published_qty, 100)
        self.report("MUG-001", 85)
        wizard = Form(self.env["integration.inventory.reconcile"].with_user(self.user_manager))
        wizard.product_id = self.mug
        wizard.location_id = self.warehouse.lot_stock_id
        wizard.counted_qty = 80
        wizard.reason = "theft"
        wizard.note = "Two cartons missing from bay 4"
        self.assertEqual(wizard.variance, -20)
        wizard.save().action_apply()
        self.assertEqual(self.mug.with_context(location=self.warehouse.lot_stock_id.id).qty_available, 80)
        self.assertFalse(level.reconciliation_needed)
        self.assertFalse(self.mismatches(), "the count closed the mismatch with a decision")
        self.assertEqual(level.job_id._payload(), {"MUG-001": 80}, "republished at once")
        log = self.env["integration.audit.log"].search([("action", "=", "inventory_correction")])
        self.assertEqual(log.user_id, self.user_manager)
        self.assertEqual(json.loads(log.after)["variance"], -20)
        self.assertIn("Theft", log.reason)

    def test_a_count_reaches_the_clients_erp_as_an_inventory_position(self):
        """Seed, "Inventory -> ERP": the count (not the computed availability) goes to the channels of the
        product's client that take positions; another client's ERP and a channel with the duty off hear nothing."""
        erp = self.make_channel("Client ERP", "ERP", send_inventory_positions=True)
        other_client = self.env["res.partner"].create({"name": "Beta Hogar S.L.", "hub_client": True})
        other_erp = self.make_channel("Beta ERP", "BERP", send_inventory_positions=True, client_id=other_client.id)
        self.stock(self.mug, 50)  # 100 in the system
        with freeze_time("2026-02-01 09:30:00"):  # in the past: the job is due whatever today is
            wizard = Form(self.env["integration.inventory.reconcile"].with_user(self.user_manager))
            wizard.product_id = self.mug
            wizard.location_id = self.warehouse.lot_stock_id
            wizard.counted_qty = 96
            wizard.reason = "damage"
            wizard.note = "four broken in bin A-12"
            wizard.save().action_apply()
        positions = self.env["integration.job"].search([("job_type", "=", "inventory_position")])
        self.assertEqual(positions.channel_id, erp, "only the client's ERP with the duty on")
        self.assertNotEqual(positions.channel_id, other_erp)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as remote:
            remote.post(erp.api_base_url, json={"ok": True})
            remote.post(PARTNER_URL, json={"ok": True})
            self.env["integration.job"]._cron_run_outbox()
            sent = [json.loads(call.request.body) for call in remote.calls if call.request.url == erp.api_base_url]
        (message,) = [message for message in sent if message["type"] == "inventory.position"]
        entry = self.env["integration.audit.log"].search([("action", "=", "inventory_correction")])
        self.assertEqual(
            message["data"],
            {
                "reference": f"count-{entry.id}",
                "sku": "MUG-001",
                "warehouse": self.warehouse.code,
                "location": self.warehouse.lot_stock_id.complete_name,
                "on_hand": 96.0,
                "previous": 100.0,
                "delta": -4.0,
                "uom": self.mug.uom_id.name,
                "kind": "reconciliation",
                "reason": "Damage: four broken in bin A-12",
                "counted_at": "2026-02-01T09:30:00Z",
            },
        )
        self.assertEqual(positions.state, "done")

    def test_operations_cannot_correct_inventory(self):
        wizard = self.env["integration.inventory.reconcile"].create(
            {
                "product_id": self.mug.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "counted_qty": 1,
                "reason": "miscount",
            }
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_operations).action_apply()

    def test_csv_count_import_with_bad_rows(self):
        stock = self.warehouse.lot_stock_id.complete_name
        content = f"sku,location,counted\nMUG-001,{stock},45\nNOPE,{stock},3\nTSHIRT-M,Nowhere,2\nTSHIRT-M,{stock},x\n"
        wizard = (
            self.env["integration.inventory.import"]
            .with_user(self.user_manager)
            .create({"file": base64.b64encode(content.encode()), "filename": "count.csv", "reason": "miscount"})
        )
        wizard.action_import()
        self.assertIn("1 row(s) applied, 3 rejected", wizard.result)
        self.assertIn("line 3: unknown SKU NOPE", wizard.result)
        self.assertIn("line 4: unknown location Nowhere", wizard.result)
        self.assertEqual(self.mug.with_context(location=self.warehouse.lot_stock_id.id).qty_available, 45)
        self.assertEqual(self.tshirt_m.with_context(location=self.warehouse.lot_stock_id.id).qty_available, 20)
        review = self.env["integration.sync.exception"].search([("name", "like", "count.csv")])
        self.assertEqual(review.state, "open")

    def test_a_csv_count_import_looks_up_the_channels_told_once_for_the_file(self):
        erp = self.make_channel("Client ERP", "ERP", send_inventory_positions=True)
        stock = self.warehouse.lot_stock_id.complete_name
        content = f"sku,location,counted\nMUG-001,{stock},45\nTSHIRT-S,{stock},3\nTSHIRT-M,{stock},2\n"
        wizard = (
            self.env["integration.inventory.import"]
            .with_user(self.user_manager)
            .create({"file": base64.b64encode(content.encode()), "filename": "count.csv", "reason": "miscount"})
        )
        Channel, lookups = type(self.env["integration.channel"]), []
        search = Channel.search

        def spy(model, domain, *args, **kwargs):
            if any(isinstance(term, (list, tuple)) and term[0] == "send_inventory_positions" for term in domain):
                lookups.append(domain)
            return search(model, domain, *args, **kwargs)

        with patch.object(Channel, "search", spy):
            wizard.action_import()
        self.assertIn("3 row(s) applied, 0 rejected", wizard.result)
        self.assertEqual(len(lookups), 1, "one look-up for the file's (client, company), not one per row")
        positions = self.env["integration.job"].search([("job_type", "=", "inventory_position")])
        self.assertEqual(positions.channel_id, erp)
        self.assertEqual(sorted(job._payload()["sku"] for job in positions), ["MUG-001", "TSHIRT-M", "TSHIRT-S"])

    def test_bad_header_is_refused(self):
        wizard = (
            self.env["integration.inventory.import"]
            .with_user(self.user_manager)
            .create({"file": base64.b64encode(b"product,qty\nA,1\n"), "filename": "x.csv", "reason": "miscount"})
        )
        with self.assertRaisesRegex(Exception, "missing: sku, location, counted"):
            wizard.action_import()


@tagged("post_install", "-at_install")
class TestFinance(OrderCase):
    def test_finance_reads_levels_and_valuation_and_changes_nothing(self):
        self.channel._publish_inventory(self.mug)
        Level = self.env["integration.inventory.level"].with_user(self.user_finance)
        self.assertTrue(Level.search([]))
        self.assertFalse(Level.has_access("write"))
        layers = self.env["stock.valuation.layer"].with_user(self.user_finance)
        layers.search([])
        self.assertFalse(layers.has_access("write") or layers.has_access("create"))
        self.assertTrue(self.user_finance.has_group("base.group_allow_export"))
        exported = Level.search([]).export_data(["sku", "published_qty"])
        self.assertTrue(exported["datas"])
        with self.assertRaises(AccessError):
            self.env["integration.inventory.reconcile"].with_user(self.user_finance).create(
                {
                    "product_id": self.mug.id,
                    "location_id": self.warehouse.lot_stock_id.id,
                    "counted_qty": 1,
                    "reason": "miscount",
                }
            )
