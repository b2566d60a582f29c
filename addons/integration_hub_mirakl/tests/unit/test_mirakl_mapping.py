"""The Mirakl mapping in plain Python: no database (documented payloads, ../shared/platforms/mirakl.md)."""

import copy

from odoo.addons.integration_hub.lib.order_payload import parse_order
from odoo.addons.integration_hub_mirakl.lib import mirakl as M
from odoo.addons.integration_hub_mirakl.tests.mirakl_fake import CARRIERS, CUSTOMER, ORDER


def order(**changes):
    return {**copy.deepcopy(ORDER), **changes}


def test_waiting_acceptance_has_a_deadline_and_waits_for_its_address():
    kind, document = M.order_document(order(), acceptance_delay_hours=120)
    assert kind == "order.updated"
    parsed = parse_order(document)
    assert parsed.address_pending is True
    assert parsed.decision_deadline.isoformat() == "2026-11-25T09:12:01", "created + 5 days, UTC"
    assert parsed.financial_status == "pending"
    assert parsed.shipping_address["street"] == "" and parsed.special_handling == ""


def test_shipping_order_is_paid_with_its_address_and_amounts():
    kind, document = M.order_document(order(order_state="SHIPPING", customer=copy.deepcopy(CUSTOMER)))
    parsed = parse_order(document)
    assert (kind, parsed.financial_status, parsed.address_pending) == ("order.updated", "paid", False)
    assert parsed.decision_deadline is None, "accepted already: nothing to decide"
    assert parsed.shipping_address["country_code"] == "ES", "alpha-3 ESP to alpha-2"
    assert parsed.phone == "+34600111222" and parsed.customer["name"] == "Lucía Ferrer"
    assert (document["currency"], document["prices_include_tax"], document["total"]) == ("EUR", True, 54.9)
    assert (document["shipping_price"], document["shipping_tax"]) == (4.9, 0.85)
    line = document["lines"][0]
    assert (line["sku"], line["price"], line["tax"], line["quantity"], line["variant_id"]) == (
        "TSHIRT-M",
        25.0,
        8.68,
        2,
        "2001",
    )


def test_refusals_and_cancellations_cancel_and_an_auto_refusal_says_so():
    kind, document = M.order_document(order(order_state="REFUSED"))
    assert kind == "order.cancelled" and "auto-refused" in document["cancel_reason"]
    kind, document = M.order_document(order(order_state="REFUSED", acceptance_decision_date="2026-11-20T10:00:00Z"))
    assert kind == "order.cancelled" and "auto-refused" not in document["cancel_reason"]
    assert M.order_document(order(order_state="STAGING"))[0] == "noop"
    refused_line = order(order_state="SHIPPING")
    refused_line["order_lines"][0]["order_line_state"] = "REFUSED"
    assert M.order_document(refused_line)[1]["lines"][0]["cancelled"] is True


def test_stock_file_and_its_error_report_by_sku_or_line_number():
    body = M.stock_file({"MUG-001": 3.0, "KIT-GIFT": 1.0}).decode()
    assert body.splitlines() == [
        '"offer-sku";"quantity";"warehouse-code";"update-delete"',
        '"KIT-GIFT";"1";"";"update"',
        '"MUG-001";"3";"";"update"',
    ]
    report = '"offer-sku";"quantity";"error-line";"error-message"\n"MUG-001";"3";"3";"Unknown offer"\n'
    assert M.error_report(report, ["KIT-GIFT", "MUG-001"]) == {"MUG-001": "line 3: Unknown offer"}
    by_line = '"n";"why"\n"2";"Quantity is not a number"\n'
    assert M.error_report(by_line, ["KIT-GIFT", "MUG-001"]) == {"KIT-GIFT": "line 2: Quantity is not a number"}


def test_tracking_uses_the_registered_carrier_code_else_name_and_url():
    assert M.tracking_body({"number": "PQ1", "company": "correos"}, CARRIERS) == {
        "tracking_number": "PQ1",
        "carrier_code": "CORREOS",
    }
    assert M.tracking_body({"number": "P2", "company": "Paack", "url": "https://p.example/P2"}, CARRIERS) == {
        "tracking_number": "P2",
        "carrier_name": "Paack",
        "carrier_url": "https://p.example/P2",
    }


def test_return_maps_lines_and_state():
    kind, document = M.return_document(
        {"id": "R1", "order_id": "FR1-A", "state": "SHIPPED", "reason_code": "DAMAGED", "rma": "RMA1",
         "return_lines": [{"order_line_id": "FR1-A-1", "offer_sku": "TSHIRT-M", "quantity": 1}]}
    )  # fmt: skip
    assert kind == "return.created"
    assert (document["status"], document["lines"][0]["line_id"], document["claim"]) == (
        "shipped_back",
        "FR1-A-1",
        "RMA1",
    )
    assert M.return_document({"id": "R2", "return_lines": []})[0] == "noop"
