"""The Amazon mapping in plain Python (no database): order documents, feeds, reports, carriers, notifications."""

import copy
import json
import logging

import pytest
import responses

from odoo.addons.integration_hub.lib.errors import AuthError, PayloadError
from odoo.addons.integration_hub_amazon.lib import amazon as A
from odoo.addons.integration_hub_amazon.tests.amazon_fake import ITEM, ORDER, FakeAmazon


def order(**changes):
    return {**copy.deepcopy(ORDER), "OrderItems": [copy.deepcopy(ITEM)], **changes}


def test_an_unshipped_order_is_paid_with_its_deadline_and_amounts():
    kind, document = A.order_document(order(), restricted=True)
    assert kind == "order.updated"
    assert (document["financial_status"], document["ship_by"], document["withheld"]) == (
        "paid",
        "2026-11-21T22:59:59Z",
        "",
    )
    assert document["shipping_address"]["street2"] == "3º B"
    line = document["lines"][0]
    assert (line["sku"], line["quantity"], line["price"], line["cancelled"]) == ("TSHIRT-S", 2, 12.5, False)


def test_without_an_rdt_the_missing_parts_are_named_as_withheld():
    unrestricted = order(ShippingAddress={"City": "Valencia", "PostalCode": "46004", "CountryCode": "ES"})
    _kind, document = A.order_document(unrestricted, restricted=False)
    assert document["withheld"].startswith("recipient name, street, phone (")
    _kind, document = A.order_document(order(), restricted=False)  # an old order whose PII came anyway
    assert document["withheld"] == ""


@pytest.mark.parametrize("status", ["Pending", "PendingAvailability"])
def test_not_paid_orders_are_not_imported(status):
    assert A.order_document(order(OrderStatus=status), restricted=True)[0] == "noop"


def test_canceled_and_buyer_requests_cancel_fba_is_not_ours():
    assert A.order_document(order(OrderStatus="Canceled"), restricted=True)[0] == "order.cancelled"
    item = dict(ITEM, BuyerRequestedCancel={"IsBuyerRequestedCancel": "true", "BuyerCancelReason": "Mistake"})
    kind, document = A.order_document(order(OrderItems=[item]), restricted=True)
    assert (kind, document["cancel_reason"]) == ("order.cancelled", "buyer requested cancellation: Mistake")
    kind, document = A.order_document(order(OrderItems=[item, dict(ITEM, OrderItemId="2")]), restricted=True)
    assert kind == "order.updated"
    assert [line["cancelled"] for line in document["lines"]] == [True, False]
    assert A.order_document(order(FulfillmentChannel="AFN"), restricted=True)[0] == "noop"


def test_listings_feed_and_its_report():
    feed = A.listings_feed("A3SELLER", {"MUG-001": 3.0, "TSHIRT-S": -2}, "es_ES")
    assert [m["messageId"] for m in feed["messages"]] == [1, 2]
    assert feed["messages"][1]["patches"][0]["value"] == [{"fulfillment_channel_code": "DEFAULT", "quantity": 0}]
    report = {
        "issues": [
            {"messageId": 1, "sku": "MUG-001", "code": "90220", "severity": "ERROR", "message": "missing"},
            {"messageId": 1, "sku": "MUG-001", "code": "90221", "severity": "ERROR", "message": "also"},
            {"messageId": 2, "code": "99022", "severity": "WARNING", "message": "defaulted"},
        ]
    }
    errors, warnings = A.feed_issues(report, {2: "TSHIRT-S"})
    assert errors == {"MUG-001": "90220: missing; 90221: also"}
    assert warnings == {"TSHIRT-S": "99022: defaulted"}


def test_carrier_codes_or_other_with_the_name():
    assert A.carrier("Correos") == ("Correos", None)
    assert A.carrier("SEUR") == ("SEUR", None)
    assert A.carrier("Paquetería Levante") == ("Other", "Paquetería Levante")


def test_returns_flat_file_groups_lines_by_rma():
    text = (
        "Order ID\tAmazon RMA ID\tMerchant SKU\tReturn quantity\tReturn reason\n"
        "171-1\tDn1\tMUG-001\t1\tDEFECTIVE\n171-1\tDn1\tTSHIRT-S\t2\tDEFECTIVE\n171-2\tDn2\tMUG-001\t1\tNO_REASON\n"
    )
    returns = dict(A.return_documents(text))
    assert sorted(returns) == ["return:Dn1", "return:Dn2"]
    assert [(line["sku"], line["quantity"]) for line in returns["return:Dn1"]["lines"]] == [
        ("MUG-001", 1),
        ("TSHIRT-S", 2),
    ]
    assert returns["return:Dn1"]["status"] == "authorized"


def test_notifications_are_keyed_on_their_id_and_anything_else_is_refused():
    fake = FakeAmazon()
    fake.add_order("171-1")
    assert A.notification(fake.notification("171-1", "n-9")) == ("n-9", "171-1", "OrderStatusChange")
    for body in ("{", "[]", json.dumps({"NotificationType": "ANY_OFFER_CHANGED"})):
        with pytest.raises(PayloadError):
            A.notification(body)


@responses.activate
def test_a_revoked_refresh_token_is_an_auth_error_naming_no_secret():
    fake = FakeAmazon().install(responses.mock)
    fake.refresh_token = "Atzr|another"
    with pytest.raises(AuthError) as caught:
        A.LwaClient().token(fake.client_id, fake.client_secret, "Atzr|refresh", None)
    assert "Atzr|" not in str(caught.value) and "invalid_grant" in str(caught.value)


@responses.activate
def test_restricted_answers_are_never_logged(caplog):
    fake = FakeAmazon().install(responses.mock)
    fake.add_order("171-1")
    token, _expires = A.LwaClient().token(
        fake.client_id, fake.client_secret, fake.refresh_token, A.parse_iso("2026-11-20T00:00:00Z")
    )
    fake.tokens[token] = A.parse_iso("2999-01-01T00:00:00Z")
    client = A.AmazonClient(A.ENDPOINTS["eu"], lambda renew: token)
    with caplog.at_level(logging.DEBUG, logger="odoo.addons.integration_hub.lib.http_client"):
        rdt = client.restricted_data_token("/orders/v0/orders/171-1")
        answer = client.call("GET", "/orders/v0/orders/171-1", "getOrder", restricted=rdt)
    assert answer["payload"]["ShippingAddress"]["Name"] == "Lucía Ferrer"
    assert "/orders/v0/orders/171-1 (attempt 1): sent 0 bytes; HTTP 200, " in caplog.text, "status and size only"
    for personal in ("Lucía", "Colón", "600111222"):
        assert personal not in caplog.text
    assert rdt not in caplog.text and token not in caplog.text
