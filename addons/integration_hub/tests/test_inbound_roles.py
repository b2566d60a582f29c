"""The catalog and the inbound side in the role matrix (README, Roles): who may do what, as each role."""

import json

from odoo.tests import Form, tagged

from .inbound_common import InboundCase
from .role_matrix import ADMINS, MANAGERS, NOBODY, READERS, WORKERS, RoleMatrixMixin, Row, hub_field_rows
from .test_role_matrix import decide, note_posted, post_note


def validate_in_inventory(case, env):
    """Operations count the receipt in Inventory and validate it (the transfer's own buttons)."""
    picking = case.receipt_arrived.picking_ids.with_env(env)
    for move in picking.move_ids:
        move.quantity = move.product_uom_qty
        move.picked = True
    picking.button_validate()


def import_catalog(case, env):
    form = Form(env["integration.catalog.import"])
    form.channel_id = case.erp.with_env(env)
    form.file = case.csv_file(
        "product-id,name,sku,barcode,units-per-carton,units-per-pallet,weight-kg\nM-1,Jug,JUG-9,,12,600,1\n"
    )
    form.save().action_import()


def import_receipts(case, env):
    form = Form(env["integration.receipt.import"])
    form.channel_id = case.erp.with_env(env)
    form.file = case.csv_file("reference,sku,quantity\nPO-CSV,BOWL-1,5\n")
    form.save().action_import()


def receipt_state(case, receipt):
    return case.env["integration.receipt"].browse(receipt.id).state


INBOUND_MATRIX = [
    # --- reading -----------------------------------------------------------------------------------------
    Row("Catalog products: open the list", READERS, lambda t, env: t.open_list(env, t.item)),
    Row("Catalog products: open a product", READERS, lambda t, env: t.open_form(env, t.item)),
    Row("Catalog variants: read", READERS, lambda t, env: t.item.variant_ids.with_env(env).read(["sku", "barcode"])),
    Row("Expected receipts: open the list", READERS, lambda t, env: t.open_list(env, t.receipt_expected)),
    Row("Expected receipts: open a receipt", READERS, lambda t, env: t.open_form(env, t.receipt_held)),
    Row(
        "Expected receipt lines: read",
        READERS,
        lambda t, env: t.receipt_expected.line_ids.with_env(env).read(["quantity_expected", "resolution_note"]),
    ),
    # --- the dock and Inventory (operations) --------------------------------------------------------------
    Row(
        "Expected receipts: Register arrival",
        WORKERS,
        lambda t, env: t.receipt_expected.with_env(env).action_register_arrival(),
        lambda t: receipt_state(t, t.receipt_expected) == "arrived",
    ),
    Row(
        "Expected receipts: validate the transfer in Inventory",
        WORKERS,
        validate_in_inventory,
        lambda t: receipt_state(t, t.receipt_arrived) == "received",
    ),
    Row(
        "Expected receipts: post a note",
        WORKERS,
        lambda t, env: post_note(t, env, t.receipt_expected),
        lambda t: note_posted(t, t.receipt_expected),
    ),
    Row(
        "Catalog products: post a note",
        WORKERS,
        lambda t, env: post_note(t, env, t.item),
        lambda t: note_posted(t, t.item),
    ),
    # --- managers ------------------------------------------------------------------------------------------
    Row(
        "Expected receipts: Release a held receipt",
        MANAGERS,
        lambda t, env: t.receipt_held.with_env(env).action_release(),
        lambda t: receipt_state(t, t.receipt_held) == "expected",
    ),
    Row(
        "Exceptions: Apply a change to a locked pack configuration",
        MANAGERS,
        lambda t, env: decide(t, env, t.exc_locked, "apply_edit", "Supplier moved to cartons of 48"),
        lambda t: t.item.units_per_carton == 48,
    ),
    Row(
        "Exceptions: Reject a change to a locked pack configuration",
        MANAGERS,
        lambda t, env: decide(t, env, t.exc_locked, "reject_edit", "Stock is in cartons of 24"),
        lambda t: t.env["integration.sync.exception"].browse(t.exc_locked.id).state == "cancelled",
    ),
    Row(
        "Catalog: Import catalog (CSV)",
        MANAGERS,
        import_catalog,
        lambda t: bool(t.env["integration.catalog.item"].search([("external_id", "=", "M-1")])),
    ),
    Row(
        "Expected receipts: Import expected receipts (CSV)",
        MANAGERS,
        import_receipts,
        lambda t: bool(t.env["integration.receipt"].search([("external_id", "=", "PO-CSV")])),
    ),
    # --- administrators ----------------------------------------------------------------------------------------
    Row(
        "Channels: set the receipt tolerance",
        ADMINS,
        lambda t, env: t.erp.with_env(env).write({"receipt_tolerance_pct": 2}),
        lambda t: t.erp.receipt_tolerance_pct == 2,
    ),
    # --- nobody by hand -------------------------------------------------------------------------------------------
    *hub_field_rows(
        "Catalog products",
        lambda t: t.item,
        {"state": "defined", "sku": "MINE", "units_per_carton": 99, "master_data": "{}"},
    ),
    *hub_field_rows("Catalog variants", lambda t: t.item.variant_ids[:1], {"barcode": "8400000000123"}),
    *hub_field_rows(
        "Expected receipts",
        lambda t: t.receipt_expected,
        {"state": "received", "external_id": "PO-OTHER", "beyond_tolerance": True},
    ),
    *hub_field_rows("Expected receipt lines", lambda t: t.receipt_expected.line_ids[:1], {"quantity_received": 99}),
    Row(
        "Catalog products: create one by hand",
        NOBODY,
        lambda t, env: env["integration.catalog.item"].create(
            {"name": "X", "external_id": "X", "channel_id": t.erp.id}
        ),
    ),
    Row(
        "Expected receipts: create one by hand",
        NOBODY,
        lambda t, env: env["integration.receipt"].create({"external_id": "PO-HAND", "channel_id": t.erp.id}),
    ),
    Row("Expected receipts: delete one", NOBODY, lambda t, env: t.receipt_expected.with_env(env).unlink()),
    Row("Catalog products: delete one", NOBODY, lambda t, env: t.item.with_env(env).unlink()),
]


@tagged("post_install", "-at_install")
class TestInboundRoleMatrix(RoleMatrixMixin, InboundCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_roles()
        _e, cls.item = cls.upsert(cls.product())
        cls.upsert(cls.product(pack={"inner": 6, "carton": 48, "pallet": 480}))
        cls.exc_locked = cls.env["integration.sync.exception"].search(
            [("exception_type", "=", "catalog_locked_change"), ("res_id", "=", cls.item.id)]
        )
        _e, cls.receipt_expected = cls.expect("PO-1", [{"id": "1", "sku": "BOWL-1", "quantity": 24}])
        _e, cls.receipt_arrived = cls.expect("PO-2", [{"id": "1", "sku": "BOWL-1", "quantity": 12}])
        cls.receipt_arrived.action_register_arrival()
        cls.upsert(cls.product(id="P-201", sku="BOWL-2", barcode=""))
        _e, cls.receipt_held = cls.expect("PO-3", [{"id": "1", "sku": "BOWL-2", "quantity": 10}])
        cls.upsert(cls.product(id="P-201", sku="BOWL-2", barcode="8400000000116"))

    def test_fixtures_are_what_the_rows_expect(self):
        self.assertEqual(self.item.state, "ready")
        self.assertEqual(json.loads(self.exc_locked.pending_data)["requested"]["pack"]["carton"], 48)
        self.assertEqual(
            (self.receipt_expected.state, self.receipt_arrived.state, self.receipt_held.state),
            ("expected", "arrived", "on_hold"),
        )

    def test_inbound_role_matrix(self):
        self.check_matrix(INBOUND_MATRIX)
