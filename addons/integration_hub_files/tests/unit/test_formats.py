import pytest

from odoo.addons.integration_hub.lib.csv_reader import CsvFileError
from odoo.addons.integration_hub_files.lib import email_order, file_formats


def test_formats_are_recognised_by_their_header():
    assert file_formats.detect(b"Order ID;SKU;Quantity;Delivery date;Special notes\nP;A;1;2026-01-02;\n")[0] == (
        "purchase_orders"
    )
    assert file_formats.detect(b"return-id,original-order-id,reason,disposition\nR,1,x,sellable\n")[0] == "returns"
    assert file_formats.detect(b"sku\tlocation\tcounted\nA\tWH/Stock\t1\n")[0] == "counts"


def test_a_header_of_no_format_names_what_was_found():
    with pytest.raises(CsvFileError, match="'pedido;articulo' is not one of the file formats"):
        file_formats.detect(b"pedido;articulo\n1;2\n")


def test_purchase_order_rows_group_by_order_and_refuse_bad_rows():
    raw = (
        b"order-id;sku;quantity;delivery-date;special-notes\n"
        b"P1;A;2;2026-12-15;dock 3\n"
        b"P1;B;1;15/12/2026;dock 3\n"
        b"P1;C;0;2026-12-15;\n"
        b";A;1;2026-12-15;\n"
        b"P2;A;1;2026-12-15;\n"
        b"P2;B;1;2026-12-16;\n"
    )
    _kind, table = file_formats.detect(raw)
    documents, rejected = file_formats.purchase_orders(table.rows, {"vat": "ESB1"})
    assert [(first, lines, doc["id"]) for first, lines, doc in documents] == [(2, [2, 3], "P1")]
    document = documents[0][2]
    assert document["requested_date"] == "2026-12-15" and document["special_handling"] == "dock 3"
    assert document["lines"] == [{"id": "2", "sku": "A", "quantity": 2}, {"id": "3", "sku": "B", "quantity": 1}]
    assert document["vat"] == "ESB1"
    assert [line for line, _reason in rejected] == [4, 5, 6, 7]
    assert "must be more than 0" in dict(rejected)[4]
    assert "order-id is empty" in dict(rejected)[5]
    assert "different delivery dates (2026-12-15, 2026-12-16)" in dict(rejected)[6]


def test_rejected_csv_and_time_stamped_names():
    assert file_formats.rejected_csv([(4, "bad, really")]) == b'line,reason\r\n4,"bad, really"\r\n'
    from datetime import datetime

    assert file_formats.stamped("shipment", "B2B_PO/1", datetime(2026, 12, 1, 8, 0, 5)) == (
        "shipment_B2B_PO-1_20261201T080005Z.csv"
    )


def test_email_text_order_is_forgiving_and_says_what_is_missing():
    rows = email_order.parse(
        "Hola,\nPedido: PO-1\nFecha de entrega: 18/12/2026\nNotas: muelle 3\nMUG-001 x 4\n- B: 2\n3 x C\n"
    )
    assert [(row.values["sku"], row.values["quantity"]) for row in rows] == [("MUG-001", "4"), ("B", "2"), ("C", "3")]
    assert {row.values["order-id"] for row in rows} == {"PO-1"}
    with pytest.raises(email_order.EmailOrderError, match="no order number.*no delivery date.*no order lines"):
        email_order.parse("Can you send us the usual?")


def test_sender_allowlist_by_address_or_domain():
    assert email_order.allowed("Compras@Buyer.example.com", "@buyer.example.com")
    assert email_order.allowed("a@b.com", "x@y.com\na@b.com")
    assert not email_order.allowed("a@evil.com", "buyer.example.com, a@b.com")
    assert not email_order.allowed("a@b.com", "")
