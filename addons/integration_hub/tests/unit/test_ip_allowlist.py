import pytest

from odoo.addons.integration_hub.lib.ip_allowlist import is_allowed, parse_networks


def test_empty_allowlist_allows_any_source():
    assert is_allowed("203.0.113.9", parse_networks(""))


def test_cidr_ipv4_and_ipv6_entries():
    nets = parse_networks("10.0.0.0/8, 192.0.2.7\n2001:db8::/32")
    assert is_allowed("10.1.2.3", nets)
    assert is_allowed("192.0.2.7", nets)
    assert is_allowed("2001:db8::1", nets)
    assert not is_allowed("192.0.2.8", nets)
    assert not is_allowed("127.0.0.1", nets)
    assert not is_allowed("not-an-ip", nets)


def test_bad_entry_is_named_in_the_error():
    with pytest.raises(ValueError, match="300.1.1.1"):
        parse_networks("10.0.0.0/8, 300.1.1.1")
