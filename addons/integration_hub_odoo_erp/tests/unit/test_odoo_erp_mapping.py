"""The client's Odoo mapping and error typing, without a database (the fact sheet's example payloads)."""

import pytest

from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError, RetryableError
from odoo.addons.integration_hub.lib.order_payload import parse_order
from odoo.addons.integration_hub_odoo_erp.lib import odoo_erp as O

# ../shared/platforms/odoo_erp.md, "Example sale order", enriched as the poll stores it
ORDER = {
    "id": 812,
    "name": "S00812",
    "client_order_ref": "WEB-727",
    "state": "sale",
    "date_order": "2025-03-04 09:12:01",
    "write_date": "2025-03-04 09:13:40",
    "partner_shipping_id": [77, "Tienda Ejemplo SL, Lucía Ferrer"],
    "carrier_id": [3, "SEUR 24"],
    "order_line": [1901, 1902],
    "lines": [
        {"id": 1901, "product_id": [93, "[TEE-BLU-M] Tee"], "product_uom_qty": 2.0, "display_type": False},
        {"id": 1902, "product_id": False, "product_uom_qty": 0.0, "display_type": "line_section", "name": "Sec"},
        {"id": 1903, "product_id": [94, "Gift wrap"], "product_uom_qty": 1.0, "display_type": False, "ships": False},
    ],
    "shipping": {
        "id": 77,
        "name": "Lucía Ferrer",
        "street": "C/ Colón 12",
        "street2": "3º B",
        "zip": "46004",
        "city": "Valencia",
        "state_id": [418, "Valencia (ES)"],
        "country_id": [68, "Spain"],
        "country_code": "ES",
        "phone": "+34600111222",
        "mobile": False,
        "email": "lucia@example.com",
    },
}
ORDER["lines"][0]["sku"] = "TEE-BLU-M"


def test_a_confirmed_sale_order_is_a_released_order_with_its_goods():
    hub_type, document = O.order_document(ORDER)
    assert hub_type == "order.updated"
    parsed = parse_order(document)
    assert (parsed.external_id, parsed.name, parsed.financial_status) == ("812", "S00812 (WEB-727)", "paid")
    assert str(parsed.updated_at) == "2025-03-04 09:13:40", "write_date is UTC"
    assert (
        document["shipping_address"]["country_code"] == "ES"
        and document["shipping_address"]["state"] == "Valencia (ES)"
    )
    assert [line["id"] for line in document["lines"]] == ["1901", "1903"], "a section is no line"
    assert document["lines"][1]["ships"] is False and document["service_level"] == "SEUR 24"


def test_cancel_and_purchase_orders_and_products():
    assert O.order_document({**ORDER, "state": "cancel"})[0] == "order.cancelled"
    purchase = {
        "id": 42,
        "name": "P00042",
        "state": "purchase",
        "partner_id": [60, "Cerámicas Levante"],
        "date_planned": "2026-12-01 08:00:00",
        "lines": [
            {"id": 7, "product_qty": 10.0, "qty_received": 4.0, "sku": "BOWL-1"},
            {"id": 8, "product_qty": 5.0, "qty_received": 0.0, "sku": False, "barcode": "8400000000062"},
        ],
    }
    hub_type, receipt = O.receipt_document(purchase)
    assert hub_type == "receipt.expected"
    assert receipt["lines"] == [
        {"id": "7", "quantity": 10.0, "sku": "BOWL-1"},
        {"id": "8", "quantity": 5.0, "barcode": "8400000000062"},
    ], "the ordered quantity, whatever was received since: a re-read is the same receipt"
    assert O.receipt_document({**purchase, "state": "cancel"})[1]["status"] == "cancelled"
    product = {"id": 93, "name": "Bowl", "default_code": "BOWL-1", "barcode": False, "weight": 0.4}
    product["packagings"] = [{"name": "Carton", "qty": 24}, {"name": "Pallet 480", "qty": 480}]
    assert O.product_document(product)[1] == {
        "id": "93",
        "name": "Bowl",
        "updated_at": None,
        "sku": "BOWL-1",
        "barcode": "",
        "weight_kg": 0.4,
        "pack": {"carton": 24, "pallet": 480},
    }


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        ({"name": "werkzeug.exceptions.Unauthorized", "message": "Invalid apikey"}, 401, AuthError),
        ({"name": "odoo.exceptions.AccessDenied", "message": "Access Denied"}, None, AuthError),
        ({"name": "odoo.exceptions.AccessError", "message": "not allowed"}, 403, PermanentError),
        ({"name": "odoo.exceptions.ValidationError", "message": "bad"}, 422, PermanentError),
        ({"name": "psycopg2.errors.SerializationFailure", "message": "could not serialize"}, None, RetryableError),
    ],
)
def test_odoo_faults_are_typed(error, status, kind):
    fault = O.OdooErpClient("https://x.example", "db", "secret-key").fault("stock.quant.write", error, status)
    assert type(fault) is kind
    assert error["message"] in str(fault) and "secret-key" not in str(fault)


def test_the_api_follows_the_version():
    assert O.protocol_of({"version": "19.0", "version_info": [19, 0, 0, "final", 0, ""]}) == O.JSON2
    assert O.protocol_of({"version": "saas~18.3", "version_info": ["saas~18", 3]}) == O.JSONRPC
    assert O.protocol_of({"version": "17.0+e", "version_info": None}) == O.JSONRPC
