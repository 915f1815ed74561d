"""Whether an address, a URL or a request stays on this machine: for what only a developer
at the machine may see (the development mailbox, which holds every account's links)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.requests import Request

# Headers by which a proxy says whom it forwards for. uvicorn rewrites the peer address from
# X-Forwarded-For when the proxy is one it trusts (127.0.0.1 by default), so a request that
# carries any of them came through a proxy, from anywhere.
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1 (IPv4-mapped too); a bracketed IPv6 host is read."""
    name = host.strip().removeprefix("[").removesuffix("]").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` names this machine by a loopback host."""
    return is_loopback_host(_hostname(url))


def is_direct_local_request(request: Request) -> bool:
    """Made on this machine, straight to this port: a loopback peer, through no proxy, and
    named by a loopback host (a page of another site whose name resolves to 127.0.0.1 runs
    in the developer's own browser, but its Host header is that name)."""
    if any(name in request.headers for name in FORWARDING_HEADERS):
        return False
    if request.client is None or not is_loopback_host(request.client.host):
        return False
    return is_loopback_host(_hostname(f"//{request.headers.get('host', '')}"))


def _hostname(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # an unbalanced bracket, a port that is not a number
        return ""
