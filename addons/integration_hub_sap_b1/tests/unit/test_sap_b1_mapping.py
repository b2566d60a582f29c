"""The SAP Business One mapping in plain Python: no database (documented payloads, ../shared/platforms/sap_b1.md)."""

import copy

import pytest
import requests

from odoo.addons.integration_hub.lib.errors import PermanentError
from odoo.addons.integration_hub.lib.order_payload import parse_order
from odoo.addons.integration_hub_sap_b1.lib import sap_b1 as B
from odoo.addons.integration_hub_sap_b1.tests.sap_b1_fake import ORDER, PARTNER, matches

LINE = {
    "LineNum": 0,
    "ItemCode": "TEE-BLU-M",
    "ItemDescription": "Tee blue M",
    "Quantity": 2.0,
    "RemainingOpenQuantity": 2.0,
    "WarehouseCode": "3PL",
    "LineStatus": "bost_Open",
    "UoMCode": "Manual",
}


def order(**changes):
    return {**copy.deepcopy(ORDER), "DocumentLines": [dict(LINE)], **changes}


def test_the_sheet_s_order_maps_to_the_hub_s_order_with_the_partner_s_phone():
    kind, document = B.order_document(order(), "3PL", PARTNER)
    assert kind == "order.updated"
    parsed = parse_order(document)
    assert (parsed.external_id, parsed.name, parsed.financial_status) == ("812", "10231", "paid")
    address = document["shipping_address"]
    assert (address["name"], address["street"], address["street2"]) == ("Lucía Ferrer", "C/ Colón 12", "3º B")
    assert (address["zip"], address["country_code"], address["phone"]) == ("46004", "ES", "+34 612 345 678")
    assert document["lines"] == [{"id": "0", "sku": "TEE-BLU-M", "quantity": 2.0, "name": "Tee blue M", "price": None}]
    assert document["ship_by"] == "2026-11-23T23:59:59+00:00"


def test_other_warehouse_lines_cancelled_and_closed_orders():
    other = order(DocumentLines=[dict(LINE), {**LINE, "LineNum": 1, "WarehouseCode": "01"}])
    assert B.order_document(other, "3PL")[1]["lines"][1]["fulfilled_by"] == "SAP warehouse 01"
    assert B.order_document(order(Cancelled="tYES"), "3PL")[0] == "order.cancelled"
    delivered = order(DocumentStatus="bost_Close", DocumentLines=[{**LINE, "RemainingOpenQuantity": 0.0}])
    assert B.order_document(delivered, "3PL")[0] == "noop"
    kind, document = B.order_document(order(DocumentStatus="bost_Close"), "3PL")
    assert (kind, document["cancel_reason"]) == (
        "order.cancelled",
        "order closed in SAP Business One with 2 units not delivered",
    )


def test_a_version_s_key_is_stable_and_a_same_day_edit_is_another():
    first = B.message_key("order", order())
    assert first == B.message_key("order", order()) and first.startswith("order:812:2026-11-19T:")
    assert B.message_key("order", order(Comments="Entregar por la tarde")) != first
    assert B.updated_at({"UpdateDate": "2025-03-04", "UpdateTime": "14:05:09"}) == "2025-03-04T14:05:09+00:00"


def test_items_and_purchase_orders():
    item = {"ItemCode": "BOWL-1", "ItemName": "Bowl", "BarCode": "8400000000055", "InventoryItem": "tYES",
            "PurchaseQtyPerPackUnit": 24.0, "U_UnitsPerPallet": 480.0, "SalesUnitWeight": 0.4,
            "UpdateDate": "2026-11-20"}  # fmt: skip
    kind, document = B.item_document(item, "U_UnitsPerPallet")
    assert kind == "product.upserted"
    assert (document["id"], document["sku"], document["pack"], document["weight_kg"]) == (
        "BOWL-1", "BOWL-1", {"carton": 24.0, "pallet": 480.0}, 0.4,
    )  # fmt: skip
    assert B.item_document({**item, "InventoryItem": "tNO"})[0] == "noop"
    assert B.item_document(item)[1]["pack"] == {"carton": 24.0}, "no pallet field set: no pallet figure"
    po = {"DocEntry": 70, "DocNum": 20070, "CardCode": "V7", "CardName": "Cerámicas", "DocDueDate": "2026-12-01",
          "DocumentStatus": "bost_Open", "DocumentLines": [
              {"LineNum": 0, "ItemCode": "BOWL-1", "Quantity": 120.0, "RemainingOpenQuantity": 80.0,
               "WarehouseCode": "3PL"},
              {"LineNum": 1, "ItemCode": "BOWL-2", "Quantity": 5.0, "WarehouseCode": "01"}]}  # fmt: skip
    kind, receipt = B.purchase_order_document(po, "3PL")
    assert (kind, receipt["reference"], receipt["lines"]) == (
        "receipt.expected", "20070", [{"id": "0", "sku": "BOWL-1", "quantity": 80.0}],
    )  # fmt: skip
    assert B.purchase_order_document({**po, "Cancelled": "tYES"}, "3PL")[1]["status"] == "cancelled"


def test_a_delivery_note_is_based_on_open_lines_only():
    shipment = {"shipment_key": "812:45", "lines": [{"line_id": "0", "quantity": 2}],
                "tracking": {"number": "PQ1", "company": "Correos"}, "shipped_at": "2026-11-20 10:00:00"}  # fmt: skip
    body = B.delivery_note(order(), shipment, "3PL", "Reference2", "TrackingNumber")
    assert body["DocumentLines"] == [
        {"BaseType": 17, "BaseEntry": 812, "BaseLine": 0, "Quantity": 2, "WarehouseCode": "3PL"}
    ]
    assert (body["DocDate"], body["TrackingNumber"], body["Reference2"]) == (
        "2026-11-20",
        "PQ1",
        B.reference_of("812:45"),
    )
    delivered = order(DocumentLines=[{**LINE, "RemainingOpenQuantity": 0.0, "LineStatus": "bost_Close"}])
    with pytest.raises(PermanentError, match="delivered"):
        B.delivery_note(delivered, shipment, "3PL", "Reference2", "TrackingNumber")


def test_odata_errors_and_filters():
    response = requests.Response()
    response._content = b'{"error": {"code": -5002, "message": {"lang": "en-us", "value": "Quantity exceeds"}}}'
    assert B.odata_error(response) == (-5002, "Quantity exceeds")
    assert B.odata_literal("O'Brien") == "'O''Brien'"
    row = {"UpdateDate": "2026-11-20", "U_Released": "Y"}
    assert matches(row, "UpdateDate ge '2026-11-19' and (U_Released eq 'Y')")
    assert not matches(row, "UpdateDate ge '2026-11-21'")
