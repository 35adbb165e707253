"""This machine's address on the office network, for links that phones must open."""

from __future__ import annotations

import ipaddress
import socket

# Connecting a UDP socket sends nothing: the kernel only chooses the route and the source
# address. A documentation address follows the default route; the private ranges cover an
# office network without one.
PROBES = ("192.0.2.1", "10.255.255.254", "172.16.0.1", "192.168.0.1")


def lan_address() -> str | None:
    """The IPv4 address other machines reach this one at; None when there is no network."""
    for target in PROBES:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((target, 9))
                address: str = probe.getsockname()[0]
            except OSError:  # no route that way
                continue
        parsed = ipaddress.ip_address(address)
        if not (parsed.is_loopback or parsed.is_unspecified or parsed.is_link_local):
            return address
    return None
