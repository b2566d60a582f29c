"""The Magento mapping, without a database: configurable lines, states, edits, amounts, credit memos."""

import copy

from odoo.addons.integration_hub.lib.order_payload import parse_order
from odoo.addons.integration_hub_magento.lib import magento as M
from odoo.addons.integration_hub_magento.tests.magento_fake import FakeMagento, configurable, item

SHOP = FakeMagento()
ORDER = SHOP.add_order(3, "2025-03-04 09:13:40", items=configurable(5, "TEE-BLU-M", 2) + [item(7, "MUG-001", 1)])


def order(**changes):
    return {**copy.deepcopy(ORDER), **changes}


def test_configurable_is_one_line_with_the_childs_sku_and_the_parents_amounts():
    hub_type, document = M.order_document(order())
    assert hub_type == "order.updated"
    parsed = parse_order(document)
    assert (parsed.external_id, parsed.name, parsed.financial_status) == ("000000003", "#000000003", "paid")
    assert str(parsed.updated_at) == "2025-03-04 09:13:40", "Magento's times are UTC"
    assert parsed.shipping_address["street2"] == "3º B" and parsed.phone == "+34600111222"
    tee, mug = parsed.lines
    assert (tee.external_id, tee.sku, tee.quantity, tee.variant_id, tee.parent_id) == (
        "5",
        "TEE-BLU-M",
        2,
        "1006",
        "500",
    )
    assert (mug.external_id, mug.sku, mug.parent_id) == ("7", "MUG-001", "")
    line = document["lines"][0]
    assert (line["price"], line["tax"], line["discount"]) == (12.5, 5.25, 0), "the parent carries the amounts"
    assert (document["currency"], document["total"], document["shipping_price"], document["shipping_tax"]) == (
        "EUR",
        35.15,
        5.0,
        1.05,
    )
    assert document["prices_include_tax"] is False


def test_states_map_as_the_channel_chooses():
    states = M.States(paid=M.codes("processing, complete"), cancelled=M.codes("canceled"), waiting=M.codes("fraud"))
    assert M.order_document(order(state="pending_payment"), states)[1]["financial_status"] == "pending"
    assert M.order_document(order(state="holded"), states)[1]["financial_status"] == "pending"
    assert M.order_document(order(status="fraud"), states)[1]["financial_status"] == "pending"
    assert M.order_document(order(state="canceled"), states)[0] == "order.cancelled"
    assert M.order_document(order(state="closed"), states)[0] == "order.cancelled", "refunded before shipping"
    shipped = order(state="closed", items=[dict(item(7, "MUG-001", 1), qty_shipped=1)])
    assert M.order_document(shipped, states) == ("order.updated", M.order_document(shipped, states)[1])
    assert M.order_document(shipped, states)[1]["financial_status"] == "refunded"


def test_an_edited_order_keeps_the_original_id_and_the_replaced_one_is_nothing():
    new = order(increment_id="000000003-1", original_increment_id="000000003", relation_parent_id="3", edit_increment=1)
    assert M.order_document(new)[1]["id"] == "000000003"
    assert M.root_increment({**new, "original_increment_id": None}) == "000000003", "from the edit suffix"
    assert M.root_increment(order(increment_id="ES-100-2")) == "ES-100-2", "a hyphen of the shop's own is kept"
    old = order(state="canceled", relation_child_id="4", relation_child_real_id="000000003-1")
    hub_type, document = M.order_document(old)
    assert hub_type == "noop" and document["order_id"] == "000000003"


def test_cancelled_and_virtual_items():
    items = [
        dict(item(7, "MUG-001", 2), qty_canceled=2),
        dict(item(8, "EBOOK", 1), is_virtual=1),
        dict(item(9, "X", 3), qty_canceled=1),
    ]
    lines = M.order_document(order(items=items))[1]["lines"]
    assert lines[0]["cancelled"] is True
    assert lines[1]["ships"] is False
    assert lines[2]["quantity"] == 2 and "cancelled" not in lines[2]


def test_credit_memo_counts_a_configurable_once_and_money_only_is_nothing():
    memo = {
        "entity_id": 9,
        "items": [{"order_item_id": 5, "qty": 1}, {"order_item_id": 6, "qty": 1}, {"order_item_id": 7, "qty": 0}],
    }
    hub_type, document = M.creditmemo_document(memo, ORDER, "000000003")
    assert hub_type == "return.created"
    assert document["lines"] == [
        {"line_id": "5", "sku": "TEE-BLU-M", "variant_id": "1006", "name": "Product TEE-BLU-M", "quantity": 1}
    ]
    assert M.creditmemo_document({"entity_id": 10, "items": [{"order_item_id": 7, "qty": 0}]}, ORDER, "3")[0] == "noop"


def test_search_criteria_groups_are_anded_and_paged():
    params = M.search_criteria([("updated_at", "2025-03-04 09:00:00", "gteq")], page=2, size=50, sort="updated_at")
    assert params["searchCriteria[filter_groups][0][filters][0][condition_type]"] == "gteq"
    assert (params["searchCriteria[currentPage]"], params["searchCriteria[pageSize]"]) == (2, 50)
    assert params["searchCriteria[sortOrders][0][direction]"] == "ASC"


def test_a_bundles_components_are_its_lines():
    parent = item(20, "GIFT-BUNDLE", 1, "bundle")
    kids = [item(21, "MUG-001", 2, parent=20), item(22, "TSHIRT-S", 1, parent=20)]
    lines = M.order_document(order(items=[parent, *kids]))[1]["lines"]
    assert [(line["id"], line["sku"], line["quantity"]) for line in lines] == [
        ("21", "MUG-001", 2),
        ("22", "TSHIRT-S", 1),
    ]
    memo = {"entity_id": 11, "items": [{"order_item_id": 20, "qty": 1}, {"order_item_id": 21, "qty": 2}]}
    assert [line["line_id"] for line in M.creditmemo_document(memo, order(items=[parent, *kids]), "3")[1]["lines"]] == [
        "21"
    ]


def test_error_text_fills_magentos_parameters():
    assert M.error_text(
        {
            "message": "No such entity with %fieldName = %fieldValue",
            "parameters": {"fieldName": "sku", "fieldValue": "X"},
        }
    ) == ("No such entity with sku = X")
    assert M.error_text({"message": "Maximum page size is %1", "parameters": [300]}) == "Maximum page size is 300"
    validation = {
        "message": "Validation Failed",
        "errors": [{"message": 'SKU "%sku" unknown', "parameters": {"sku": "K"}}],
    }
    assert M.error_text(validation) == 'Validation Failed; SKU "K" unknown'
    assert M.carrier_code("DHL") == "dhl" and M.carrier_code("Correos") == "custom"
