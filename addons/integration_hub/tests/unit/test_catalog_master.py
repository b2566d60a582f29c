"""The product master as its owner sends it: what each lifecycle step needs, named; code changes found."""

import pytest

from odoo.addons.integration_hub.lib import catalog_csv, csv_reader
from odoo.addons.integration_hub.lib import catalog_master as M
from odoo.addons.integration_hub.lib import catalog_states as C
from odoo.addons.integration_hub.lib.errors import PayloadError


def tshirt(**overrides):
    data = {
        "id": "P-100",
        "name": "T-shirt",
        "attributes": [{"name": "Size", "values": ["S", "M"]}],
        "variants": [
            {"id": "P-100-S", "sku": "TS-S", "barcode": "8400000000024", "attributes": {"Size": "S"}},
            {"id": "P-100-M", "sku": "TS-M", "barcode": "8400000000031", "attributes": {"Size": "M"}},
        ],
        "pack": {"inner": 6, "carton": 24, "pallet": 480},
        "weight_kg": 0.25,
        "dimensions_cm": {"length": 30, "width": 20, "height": 2},
    }
    data.update(overrides)
    return M.parse_product(data)


def test_a_complete_product_passes_every_check():
    master = tshirt()
    assert M.variant_problems(master) == []
    assert M.pack_problems(master) == []
    assert M.barcode_problems(master) == []
    assert [variant.key for variant in master.variants] == ["P-100-S", "P-100-M"]


def test_no_id_or_no_name_is_no_product_to_keep():
    with pytest.raises(PayloadError, match="no 'id'"):
        M.parse_product({"name": "Mug"})
    with pytest.raises(PayloadError, match="has no 'name'"):
        M.parse_product({"id": "P-1"})
    with pytest.raises(PayloadError, match="'variants' must be a list"):
        M.parse_product({"id": "P-1", "name": "Mug", "variants": "S,M"})


def test_attributes_declared_without_variants_wait_at_the_variants_step():
    master = tshirt(variants=None)
    assert M.variant_problems(master) == ["no variants where attributes are declared (Size: S, M)"]


def test_each_variant_needs_a_declared_value_and_an_sku():
    master = tshirt(
        variants=[
            {"id": "A", "sku": "", "attributes": {"Size": "S"}},
            {"id": "B", "sku": "TS-XL", "attributes": {"Size": "XL"}},
            {"id": "C", "sku": "TS-C", "attributes": {}},
        ]
    )
    assert M.variant_problems(master) == [
        "variant A has no SKU",
        "variant TS-XL: Size 'XL' is not a declared value (S, M)",
        "variant TS-C does not say its Size",
    ]


def test_a_simple_product_is_its_own_variant_and_needs_an_sku():
    master = M.parse_product({"id": "P-1", "name": "Mug"})
    assert M.variant_problems(master) == ["the product has no SKU"]
    assert M.variant_problems(M.parse_product({"id": "P-1", "name": "Mug", "sku": "MUG"})) == []


def test_pack_configuration_names_what_is_missing_and_what_does_not_add_up():
    assert M.pack_problems(tshirt(pack={}, weight_kg=None)) == [
        "units per carton",
        "units per pallet",
        "unit weight (kg)",
    ]
    assert M.pack_problems(tshirt(pack={"inner": 5, "carton": 24, "pallet": 500})) == [
        "units per carton 24 is not a whole number of inner packs of 5",
        "units per pallet 500 is not a whole number of cartons of 24",
    ]
    assert M.pack_problems(tshirt(pack={"carton": -24, "pallet": "many"})) == [
        "units per carton -24 is not a positive whole number",
        "units per pallet 'many' is not a number",
    ]
    assert M.pack_problems(tshirt(dimensions_cm={"length": 30})) == [
        "dimensions go together: length, width and height (missing width, height)"
    ]


def test_a_kit_has_no_pack_configuration_of_its_own():
    kit = M.parse_product({"id": "K", "name": "Gift box", "sku": "KIT", "components": [{"sku": "MUG"}]})
    assert kit.is_kit and M.pack_problems(kit) == []
    assert M.component_problems(kit) == []
    twice = M.parse_product({"id": "K", "name": "Box", "components": [{"sku": "MUG"}, {"sku": "MUG", "quantity": 0}]})
    assert M.component_problems(twice) == [
        "kit component MUG: quantity 0 is not a positive number",
        "kit component MUG is listed twice",
    ]


def test_barcodes_are_checked_for_presence_check_digit_and_duplicates():
    master = tshirt(
        variants=[
            {"id": "A", "sku": "TS-S", "barcode": "", "attributes": {"Size": "S"}},
            {"id": "B", "sku": "TS-M", "barcode": "8400000000032", "attributes": {"Size": "M"}},
        ]
    )
    assert M.barcode_problems(master) == [
        "no barcode on TS-S",
        "barcode 8400000000032 of TS-M is not a valid EAN/UPC/GTIN (check digit or length)",
    ]
    assert M.valid_barcode("INT-CODE-7") and not M.valid_barcode("84000000001")


def test_a_new_code_for_the_same_variant_is_a_code_change():
    old = tshirt()
    new = tshirt(
        variants=[
            {"id": "P-100-S", "sku": "TS-S-2025", "barcode": "8400000000024", "attributes": {"Size": "S"}},
            {"id": "P-100-M", "sku": "TS-M", "barcode": "8400000000048", "attributes": {"Size": "M"}},
        ]
    )
    assert [(variant.key, kind, was, now) for variant, kind, was, now in M.code_changes(old, new)] == [
        ("P-100-S", "sku", "TS-S", "TS-S-2025"),
        ("P-100-M", "barcode", "8400000000031", "8400000000048"),
    ]


def test_pack_differences_and_the_kept_configuration():
    old, new = tshirt(), tshirt(pack={"inner": 6, "carton": 36, "pallet": 720})
    assert M.pack_differences(M.pack_configuration(old), M.pack_configuration(new)) == [
        "units per carton: 24 → 36",
        "units per pallet: 480 → 720",
    ]
    kept = M.with_pack_configuration(new, old)
    assert M.pack_configuration(kept) == M.pack_configuration(old)
    assert M.describe_pack(M.pack_configuration(old)) == "inner 6, carton 24, pallet 480 units; 0.25 kg; 30 × 20 × 2 cm"


def test_the_stored_document_parses_back_to_the_same_master():
    master = tshirt(updated_at="2026-11-20T10:00:00+01:00")
    assert M.parse_product(master.document()) == master


def test_the_lifecycle_table_reads_in_order():
    assert C.steps_up_to(C.PACK_LOCKED) == [(C.DEFINED, C.VARIANTS_ASSIGNED), (C.VARIANTS_ASSIGNED, C.PACK_LOCKED)]
    assert C.next_step(C.READY) is None
    assert C.is_allowed(C.BARCODE_ASSIGNED, C.READY) and not C.is_allowed(C.READY, C.DEFINED)


def test_catalog_csv_rows_make_products_and_variants():
    raw = (
        b"product-id;name;sku;barcode;variant-id;attributes;units-per-carton;units-per-pallet;weight-kg\n"
        b"P-100;T-shirt;TS-S;8400000000024;P-100-S;Size=S;24;480;0,25\n"
        b"P-100;T-shirt;TS-M;8400000000031;P-100-M;Size=M;24;480;0,25\n"
        b"P-200;Mug;MUG-9;8400000000055;;;12;1.200;0,4\n"
        b"P-300;Plate;PL-1;8,4E+12;;;12;600;1\n"
        b"P-400;Bowl;BW-1;;;;12;600;1\n"
        b"P-400;Bowl XL;BW-2;;;;12;600;1\n"
    )
    table = csv_reader.read_table(raw, catalog_csv.REQUIRED, catalog_csv.OPTIONAL)
    documents, rejected = catalog_csv.documents_from_rows(table.rows)
    assert [line for line, _document in documents] == [2, 4]
    tshirt_doc, mug_doc = (document for _line, document in documents)
    assert tshirt_doc["attributes"] == [{"name": "Size", "values": ["S", "M"]}]
    assert [variant["sku"] for variant in tshirt_doc["variants"]] == ["TS-S", "TS-M"]
    assert mug_doc["pack"] == {"carton": 12, "pallet": 1200} and mug_doc["weight_kg"] == 0.4
    assert M.pack_problems(M.parse_product(mug_doc)) == []
    assert rejected[0][0] == 5 and "scientific notation" in rejected[0][1]
    assert [line for line, _reason in rejected[1:]] == [6, 7] and "conflict" in rejected[1][1]


def test_a_product_with_more_variants_than_odoo_generates_is_refused():
    attributes = [{"name": name, "values": [str(n) for n in range(11)]} for name in ("A", "B", "C")]
    with pytest.raises(PayloadError, match="more than 1,000 variants"):
        M.parse_product({"id": "P-1", "name": "Too many", "attributes": attributes})
