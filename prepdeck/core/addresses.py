"""The address a limit counts a caller by: one rule for every limit in the app."""

from __future__ import annotations

import ipaddress

from flask import request


def address_key(remote_addr: str | None) -> str:
    """An IPv6 host is usually given a whole /64 network, so its addresses count as one; an
    IPv4-mapped IPv6 address counts as the IPv4 one."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return remote_addr or "unknown"
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_address() -> str:
    """Flask-Limiter's key for the request being answered (after ProxyFix, if configured)."""
    return address_key(request.remote_addr)
