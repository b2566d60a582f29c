import json

import pytest

from odoo.addons.integration_hub.lib import json_document
from odoo.addons.integration_hub.lib.errors import PayloadError


def test_a_normal_document_is_read():
    assert json_document.loads('{"type": "order.created", "data": {"lines": [{"sku": "MUG-001"}]}}') == {
        "type": "order.created",
        "data": {"lines": [{"sku": "MUG-001"}]},
    }


def test_nesting_ten_thousand_deep_is_a_payload_error_not_a_crash():
    body = "[" * 10_000 + "]" * 10_000
    with pytest.raises(PayloadError, match="nested too deeply"):
        json_document.loads(body)


def test_nesting_just_past_the_limit_is_refused_and_at_the_limit_accepted():
    at_limit = json.dumps(json.loads("[" * json_document.MAX_DEPTH + "]" * json_document.MAX_DEPTH))
    json_document.loads(at_limit)
    past = "[" * (json_document.MAX_DEPTH + 1) + "]" * (json_document.MAX_DEPTH + 1)
    with pytest.raises(PayloadError, match="nested too deeply"):
        json_document.loads(past)


def test_an_escaped_nul_names_where_it_is():
    with pytest.raises(PayloadError, match=r"\$\.data\.name contains a NUL character"):
        json_document.loads('{"data": {"name": "Ana\\u0000"}}')
    with pytest.raises(PayloadError, match="a key in"):
        json_document.loads('{"da\\u0000ta": 1}')


@pytest.mark.parametrize("body", [b"", b"{", b"\xff\xfe", b"nul"])
def test_what_is_not_json_is_a_payload_error(body):
    with pytest.raises(PayloadError, match="not valid JSON"):
        json_document.loads(body)


def test_a_lone_surrogate_is_refused_and_a_real_pair_is_a_character():
    with pytest.raises(PayloadError, match=r"\$\.city contains half of a UTF-16 surrogate pair"):
        json_document.loads('{"city": "Val\\ud800encia"}')
    assert json_document.loads('{"city": "\\ud83d\\ude00"}') == {"city": "\U0001f600"}
