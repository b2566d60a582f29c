"""Source-IP allowlists written as CIDR lists ("10.0.0.0/8, 2001:db8::/32, 1.2.3.4")."""

import ipaddress
import re


def parse_networks(text):
    """Parse a comma/space/newline separated list; raise ValueError naming the bad entry."""
    networks = []
    for entry in re.split(r"[\s,;]+", text or ""):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ValueError(f"'{entry}' is not an IP address or CIDR network") from error
    return networks


def is_allowed(remote_addr, networks):
    """An empty allowlist allows everyone."""
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address.version == net.version and address in net for net in networks)
