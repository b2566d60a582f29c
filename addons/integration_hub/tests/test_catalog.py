"""The SKU master from its owner: a guarded lifecycle per product, kept on Odoo's own products."""

import base64
import json

import responses
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .inbound_common import ERP_URL, SHIRT, InboundCase


@tagged("post_install", "-at_install")
class TestCatalogLifecycle(InboundCase):
    def test_a_complete_product_is_ready_for_receiving_on_odoos_own_product(self):
        event, item = self.upsert(self.product())
        self.assertEqual((event.state, item.state), ("done", "ready"))
        product = item.product_tmpl_id.product_variant_id
        self.assertEqual((product.default_code, product.barcode), ("BOWL-1", "8400000000055"))
        self.assertEqual((product.weight, product.volume), (0.4, 0.03), "40 × 40 × 20 cm, in m³ at Odoo's precision")
        self.assertTrue(product.is_storable)
        self.assertEqual(item.company_id, self.company)
        packagings = self.env["product.packaging"].search([("product_id", "=", product.id)])
        self.assertEqual(
            sorted((p.hub_pack_level, p.qty) for p in packagings), [("carton", 24), ("inner", 6), ("pallet", 480)]
        )
        steps = item.message_ids.filtered(lambda m: "Ready for receiving" in str(m.body))
        self.assertEqual(len(steps), 1, "the steps of one message are one note")
        self.assertIn("Barcode assigned", str(steps.body))
        self.assertFalse(item.missing or self.exceptions_of(item))

    def test_each_step_waits_for_what_its_guard_names(self):
        """Guard per step: variants, pack configuration, barcode, a kit's components."""
        _e, shirt = self.upsert(self.product(SHIRT, id="G-1", variants=None))
        self.assertEqual(shirt.state, "defined")
        self.assertIn("no variants where attributes are declared (Polo size: S, M, L)", shirt.missing)
        self.assertTrue(self.exceptions_of(shirt, "catalog_incomplete"))

        _e, taken = self.upsert(self.product(id="G-2", sku="TSHIRT-S", barcode=""))
        self.assertEqual(taken.state, "defined")
        self.assertIn("SKU TSHIRT-S is already used by another product: [TSHIRT-S] T-shirt (S)", taken.missing)
        self.assertFalse(taken.product_tmpl_id.product_variant_id.default_code, "no SKU written before its step")

        _e, no_pack = self.upsert(self.product(id="G-3", sku="G-3", barcode="", pack={"inner": 6}, weight_kg=None))
        self.assertEqual(no_pack.state, "variants_assigned")
        self.assertEqual(no_pack.missing, "units per carton\nunits per pallet\nunit weight (kg)")
        product = no_pack.product_tmpl_id.product_variant_id
        self.assertEqual(product.default_code, "G-3")
        self.assertFalse(self.env["product.packaging"].search([("product_id", "=", product.id)]))

        _e, no_barcode = self.upsert(self.product(id="G-4", sku="G-4", barcode=""))
        self.assertEqual(no_barcode.state, "pack_locked")
        self.assertEqual(no_barcode.missing, "no barcode on G-4")

        _e, used = self.upsert(self.product(id="G-5", sku="G-5", barcode="8400000000017"))
        self.assertEqual(used.state, "pack_locked")
        self.assertIn("barcode 8400000000017 is already used by another product: [MUG-001] Mug", used.missing)

        kit = {
            "id": "G-6",
            "name": "Gift set",
            "sku": "G-6",
            "barcode": "8400000000086",
            "components": [{"sku": "G-4"}],
        }
        _e, gift = self.upsert(kit)
        self.assertEqual(gift.state, "barcode_assigned")
        self.assertIn("kit component G-4 is not ready for receiving", gift.missing)
        self.assertIn("missing: no barcode on G-4", gift.missing)

        # the owner sends what was missing: each product goes on by itself
        self.upsert(self.product(SHIRT, id="G-1"))
        self.upsert(self.product(id="G-4", sku="G-4", barcode="8400000000093"))
        self.upsert(dict(kit, name="Gift set (2026)"))
        self.assertEqual((shirt.state, no_barcode.state, gift.state), ("ready", "ready", "ready"))
        bom = self.env["mrp.bom"].search([("hub_catalog_item_id", "=", gift.id)])
        self.assertEqual(
            (bom.type, bom.bom_line_ids.product_id), ("phantom", no_barcode.product_tmpl_id.product_variant_id)
        )
        self.assertFalse(gift.product_tmpl_id.is_storable, "a kit has no stock of its own")

    def test_the_warehouses_existing_product_with_the_sku_is_adopted_not_doubled(self):
        products_before = self.env["product.product"].search_count([])
        _e, item = self.upsert(self.product(id="P-MUG", name="Mug 33 cl", sku="MUG-001", barcode="8400000000017"))
        self.assertEqual((item.state, item.product_tmpl_id), ("ready", self.mug.product_tmpl_id))
        self.assertEqual(self.env["product.product"].search_count([]), products_before)
        self.assertEqual((self.mug.name, self.mug.barcode), ("Mug 33 cl", "8400000000017"))
        self.assertIn("is kept, and its master comes from Client ERP", str(item.message_ids.mapped("body")))
        _e, kit = self.upsert(
            {"id": "P-KIT", "name": "Gift box", "sku": "KIT-GIFT", "components": [{"sku": "MUG-001"}]}
        )
        self.assertEqual(kit.state, "defined", "the warehouse's own kit keeps its BoM: not adopted")
        self.assertIn("SKU KIT-GIFT is already used by another product", kit.missing)

    def test_nobody_moves_a_product_past_its_guard_or_forces_a_step(self):
        _e, item = self.upsert(self.product(barcode=""))
        self.assertEqual(item.state, "pack_locked")
        with self.assertRaisesRegex(
            UserError, "Barcode assigned needs a valid barcode on every variant.*no barcode on BOWL-1"
        ):
            item.with_user(self.user_admin)._transition("barcode_assigned")
        with self.assertRaisesRegex(UserError, "cannot be forced"):
            item.with_user(self.user_manager)._transition("ready", reason="urgent", forced=True)
        with self.assertRaisesRegex(AccessError, "recorded by the Integration Hub itself"):
            item.with_user(self.user_admin).write({"state": "ready"})
        self.assertEqual(item.state, "pack_locked")

    def test_variants_are_odoo_variants_and_unsold_combinations_are_archived(self):
        _e, item = self.upsert(self.product(SHIRT))
        self.assertEqual(item.state, "ready")
        variants = item.product_tmpl_id.with_context(active_test=False).product_variant_ids
        active = variants.filtered("active")
        self.assertEqual(sorted(active.mapped("default_code")), ["POLO-M", "POLO-S"])
        self.assertEqual(len(variants - active), 1, "size L is declared but not sold: archived")
        by_sku = {record.sku: record.product_id for record in item.variant_ids}
        self.assertEqual(by_sku["POLO-S"].product_template_attribute_value_ids.name, "S")
        self.assertEqual(by_sku["POLO-M"].barcode, "8400000000079")

    def test_the_warehouses_own_data_on_the_product_is_never_overwritten(self):
        _e, item = self.upsert(self.product())
        template = item.product_tmpl_id
        category = self.env["product.category"].create({"name": "Fragile"})
        shelf = self.env["stock.location"].create({"name": "Shelf B-2", "location_id": self.warehouse.lot_stock_id.id})
        template.write({"categ_id": category.id, "description_pickingin": "Check for cracks"})
        putaway = self.env["stock.putaway.rule"].create(
            {
                "product_id": template.product_variant_id.id,
                "location_in_id": self.warehouse.lot_stock_id.id,
                "location_out_id": shelf.id,
            }
        )
        self.upsert(self.product(name="Bowl (stoneware)", weight_kg=0.45))
        self.assertEqual(template.name, "Bowl (stoneware)", "the owner's name follows")
        self.assertEqual((template.categ_id, template.description_pickingin), (category, "Check for cracks"))
        self.assertTrue(putaway.exists())
        self.assertEqual(template.product_variant_id.weight, 0.4, "weight is part of the locked pack configuration")

    def test_an_update_that_would_undo_a_passed_step_is_refused_and_the_copy_kept(self):
        _e, item = self.upsert(self.product())
        self.upsert(self.product(barcode=""))
        self.assertEqual(item.state, "ready")
        self.assertEqual(item.product_tmpl_id.barcode, "8400000000055")
        refused = self.exceptions_of(item, "catalog_update_refused")
        self.assertIn("no barcode on BOWL-1", refused.description)

    def test_an_out_of_date_message_is_ignored_and_a_redelivery_is_a_duplicate(self):
        _e, item = self.upsert(self.product(updated_at="2026-11-20T12:00:00+01:00"))
        event, _item = self.upsert(self.product(name="Old bowl", updated_at="2026-11-20T09:00:00+01:00"))
        self.assertEqual((event.state, item.name), ("duplicate", "Bowl"))
        event, _item = self.upsert(self.product(updated_at="2026-11-20T12:00:00+01:00"))
        self.assertEqual(event.state, "duplicate")
        self.assertEqual(self.env["integration.catalog.item"].search_count([("external_id", "=", "P-200")]), 1)

    def test_only_the_channel_that_owns_the_catalog_sends_products(self):
        event, item = self.upsert(self.product(), channel=self.channel)
        self.assertFalse(item)
        self.assertEqual(event.state, "failed")
        self.assertIn("does not own the catalog", event.error)
        exception = self.env["integration.sync.exception"].search([("event_id", "=", event.id)])
        self.assertEqual(exception.exception_type, "failed_event")

    def test_products_waiting_in_the_catalog_are_never_published(self):
        _e, ready = self.upsert(self.product())
        _e, waiting = self.upsert(self.product(id="P-201", sku="BOWL-2", barcode=""))
        for item in (ready, waiting):
            self.stock(item.product_tmpl_id.product_variant_id, 10)
        # the shop lists both (listings): the one still being defined is held back all the same
        self.list_products(self.channel, (ready | waiting).product_tmpl_id.product_variant_id | self.mug)
        published = self.channel._compute_availability()
        self.assertEqual(published[ready.product_tmpl_id.product_variant_id.id], 10)
        self.assertNotIn(waiting.product_tmpl_id.product_variant_id.id, published)
        self.assertIn(self.mug.id, published, "the warehouse's own products are published as before")


@tagged("post_install", "-at_install")
class TestLockedPackConfiguration(InboundCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _e, cls.item = cls.upsert(cls.product())
        cls.bowl = cls.item.product_tmpl_id.product_variant_id

    def carton(self):
        return self.env["product.packaging"].search(
            [("product_id", "=", self.bowl.id), ("hub_pack_level", "=", "carton")]
        )

    def change_carton(self, units, **overrides):
        self.upsert(self.product(pack={"inner": 6, "carton": units, "pallet": 480}, **overrides))
        return self.exceptions_of(self.item, "catalog_locked_change")

    def decide(self, exception, button, user, text):
        action = getattr(exception.with_user(user), button)()
        form = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        form.decision = text
        form.save().action_confirm()

    def test_the_lock_refuses_the_channels_change_and_applies_the_rest(self):
        exception = self.change_carton(48, name="Bowl 15 cm")
        self.assertEqual(self.carton().qty, 24, "stock exists in cartons of 24: the change waits")
        self.assertEqual(self.item.name, "Bowl 15 cm", "the rest of the update is applied")
        self.assertIn("units per carton: 24 → 48", exception.description)
        self.assertEqual(json.loads(exception.pending_data)["requested"]["pack"]["carton"], 48)
        self.assertEqual(self.item.state, "ready")

    def test_a_manager_applies_the_change_audited(self):
        exception = self.change_carton(48)
        with self.assertRaises(AccessError):
            self.decide(exception, "action_apply_edit", self.user_operations, "new cartons")
        self.decide(exception, "action_apply_edit", self.user_manager, "Supplier moved to cartons of 48, agreed")
        self.assertEqual(self.carton().qty, 48)
        self.assertEqual((exception.state, exception.decided_by_id), ("resolved", self.user_manager))
        audit = self.env["integration.audit.log"].search(
            [("action", "=", "sku_change"), ("res_model", "=", self.item._name), ("res_id", "=", self.item.id)], limit=1
        )
        self.assertEqual(audit.user_id, self.user_manager)
        self.assertIn("carton 48", audit.after)
        self.assertIn("Supplier moved to cartons of 48", audit.reason)

    def test_a_manager_rejects_the_change_and_the_owner_is_told(self):
        exception = self.change_carton(36)
        self.decide(exception, "action_reject_edit", self.user_manager, "Stock is in cartons of 24")
        self.assertEqual((self.carton().qty, exception.state), (24, "cancelled"))
        job = self.env["integration.job"].search(
            [("job_type", "=", "catalog_status"), ("channel_id", "=", self.erp.id)]
        )
        self.assertEqual(job._payload()["status"], "change_rejected")
        self.assertEqual(job._payload()["kept"]["pack"]["carton"], 24)
        with responses.RequestsMock() as erp:
            erp.post(ERP_URL, json={"ok": True})
            self.env["integration.job"]._cron_run_outbox()
            self.assertEqual(json.loads(erp.calls[0].request.body)["type"], "product.change_rejected")
        self.assertTrue(
            self.env["integration.audit.log"].search([("action", "=", "sku_change"), ("reason", "ilike", "rejected")])
        )


@tagged("post_install", "-at_install")
class TestCodeChanges(InboundCase):
    def test_a_new_sku_and_barcode_make_equivalences_never_a_second_product(self):
        with freeze_time("2026-11-01"):
            _e, item = self.upsert(self.product())
            template = item.product_tmpl_id
            self.upsert(self.product(sku="BOWL-15", barcode="8400000000109"))
        products = (
            self.env["product.product"].with_context(active_test=False).search([("product_tmpl_id", "=", template.id)])
        )
        self.assertEqual(len(products), 1, "the same product, with its new codes")
        self.assertEqual((products.default_code, products.barcode), ("BOWL-15", "8400000000109"))
        equivalences = self.env["integration.sku.equivalence"].search([("product_id", "=", products.id)])
        self.assertEqual(
            sorted((e.code_type, e.old_code, str(e.transition_end)) for e in equivalences),
            [("barcode", "8400000000055", "2026-12-01"), ("sku", "BOWL-1", "2026-12-01")],
        )
        self.assertFalse(equivalences.channel_id, "recognized on every channel")
        audited = self.env["integration.audit.log"].search(
            [("action", "=", "sku_change"), ("res_model", "=", equivalences._name)]
        )
        self.assertEqual(len(audited), 2)
        self.assertTrue(any("BOWL-1 → BOWL-15" in str(body) for body in item.message_ids.mapped("body")))
        with freeze_time("2026-11-20"):
            found = self.env["integration.sku.equivalence"]._resolve_codes(self.channel, ["BOWL-1"])["BOWL-1"]
        self.assertEqual((found["product_id"], found["how"]), (products.id, "equivalence"))

    def test_a_code_of_another_product_is_never_taken_over(self):
        self.upsert(self.product())
        _e, other = self.upsert(self.product(id="P-999", sku="BOWL-1", barcode="8400000000116"))
        self.assertEqual(other.state, "defined")
        self.assertIn("SKU BOWL-1 is already used by another product", other.missing)


@tagged("post_install", "-at_install")
class TestCatalogFile(InboundCase):
    CSV = (
        "product-id;name;sku;barcode;variant-id;attributes;units-per-carton;units-per-pallet;weight-kg\n"
        "F-1;Jug;JUG-1;8400000000123;;;12;600;0,9\n"
        "F-2;Cap;CAP-S;;F-2-S;Cap size=S;50;1.000;0,1\n"
        "F-2;Cap;CAP-M;;F-2-M;Cap size=M;50;1.000;0,1\n"
        "F-3;Tray;TRAY-1;8,4E+12;;;10;500;1\n"
    )

    def import_file(self, user):
        form = Form(self.env["integration.catalog.import"].with_user(user))
        form.channel_id = self.erp
        form.file = self.csv_file(self.CSV)
        wizard = form.save()
        wizard.action_import()
        return wizard

    @staticmethod
    def csv_file(text):
        return base64.b64encode(text.encode())

    def test_a_manager_imports_the_catalog_and_the_same_file_again_changes_nothing(self):
        wizard = self.import_file(self.user_manager)
        self.assertIn("2 product(s) taken, 1 row(s) rejected", wizard.result)
        self.assertIn("line 5: barcode '8,4E+12' is a number in scientific notation", wizard.result)
        items = self.env["integration.catalog.item"].search([("channel_id", "=", self.erp.id)])
        self.assertEqual(
            sorted((item.external_id, item.state) for item in items), [("F-1", "ready"), ("F-2", "pack_locked")]
        )
        self.assertEqual(sorted(items.variant_ids.mapped("sku")), ["CAP-M", "CAP-S", "JUG-1"])
        events = self.env["integration.event"].search_count([("channel_id", "=", self.erp.id)])
        self.import_file(self.user_manager)
        self.assertEqual(self.env["integration.event"].search_count([("channel_id", "=", self.erp.id)]), events)

    def test_operations_do_not_import(self):
        with self.assertRaises(AccessError):
            self.import_file(self.user_operations)
        self.assertFalse(self.env["integration.catalog.item"].search([("channel_id", "=", self.erp.id)]))
