from __future__ import annotations

import pytest
from starlette.requests import Request

from runnerly_kit.loopback import is_direct_local_request, is_loopback_host, is_loopback_url

LOOPBACK = ["127.0.0.1", "127.8.9.10", "127.255.255.254", "::1", "[::1]", "::ffff:127.0.0.1",
            "localhost", "LOCALHOST"]
ELSEWHERE = ["10.0.0.2", "192.168.1.20", "203.0.113.7", "::", "2001:db8::1",
             "0.0.0.0",  # noqa: S104 - an address to judge, not one to listen on
             "::ffff:10.0.0.1", "fe80::1", "128.0.0.1", "127.0.0.1.nip.io", "localhost.evil.org",
             "testclient", "", "not an address"]


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ELSEWHERE)
def test_hosts_elsewhere(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8100/", True),
        ("http://[::1]:8000", True),
        ("https://runnerly.example.org", False),
        ("http://0.0.0.0:8000", False),
        ("http://127.0.0.1.nip.io:8000", False),
        ("http://user@127.0.0.1@evil.example.org", False),
        ("http://[::1", False),
        ("127.0.0.1:8000", False),
        ("", False),
    ],
)
def test_loopback_urls(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


def _request(peer: str | None, headers: dict[str, str]) -> Request:
    return Request({
        "type": "http", "method": "GET", "path": "/", "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": None if peer is None else (peer, 50000),
    })


@pytest.mark.parametrize(
    ("peer", "headers", "local"),
    [
        ("127.0.0.1", {"Host": "127.0.0.1:8000"}, True),
        ("::1", {"Host": "[::1]:8000"}, True),
        ("127.0.0.1", {"Host": "localhost:5173"}, True),
        ("203.0.113.7", {"Host": "127.0.0.1:8000"}, False),
        (None, {"Host": "127.0.0.1:8000"}, False),
        ("127.0.0.1", {}, False),
        ("127.0.0.1", {"Host": "rebound.example.org"}, False),
        ("127.0.0.1", {"Host": "127.0.0.1:8000", "X-Forwarded-For": "127.0.0.1"}, False),
        ("127.0.0.1", {"Host": "127.0.0.1:8000", "Forwarded": "for=127.0.0.1"}, False),
        ("127.0.0.1", {"Host": "127.0.0.1:8000", "X-Real-IP": "127.0.0.1"}, False),
        ("127.0.0.1", {"Host": "127.0.0.1:8000", "X-Forwarded-Host": "localhost"}, False),
    ],
)
def test_direct_local_requests(peer: str | None, headers: dict[str, str], local: bool) -> None:
    assert is_direct_local_request(_request(peer, headers)) is local
