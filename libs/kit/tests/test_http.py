from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest
from fastapi import FastAPI, Request

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.http import AsyncServiceClient, ClientCredentials, ServiceClient
from runnerly_kit.logging import request_id_var


def test_idempotent_requests_are_retried_on_a_502() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(502 if len(calls) < 3 else 200, json={"ok": True})

    client = ServiceClient("http://peer", "peer", transport=httpx.MockTransport(handler))

    assert client.request("GET", "/x").status_code == 200
    assert calls == ["GET", "GET", "GET"]


def test_non_idempotent_requests_are_not_retried() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(503)

    client = ServiceClient("http://peer", "peer", transport=httpx.MockTransport(handler))

    assert client.request("POST", "/x", json={}).status_code == 503
    assert calls == ["POST"]


def test_a_peer_down_is_a_fast_503() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = ServiceClient("http://peer", "dataservice", transport=httpx.MockTransport(handler))
    started = time.monotonic()

    with pytest.raises(ServiceUnavailable, match="dataservice"):
        client.request("GET", "/x")
    assert time.monotonic() - started < 5


def test_the_request_id_travels_with_the_call() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-request-id"))
        return httpx.Response(200)

    client = ServiceClient("http://peer", "peer", transport=httpx.MockTransport(handler))
    token = request_id_var.set("rid-42")
    try:
        client.request("GET", "/x")
    finally:
        request_id_var.reset(token)

    assert seen == ["rid-42"]


def test_client_credentials_are_cached_and_renewed_before_expiry() -> None:
    issued: list[str] = []

    def tokendealer(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"].startswith("Basic ")
        assert b"grant_type=client_credentials" in request.content
        issued.append(f"t{len(issued)}")
        return httpx.Response(
            200, json={"access_token": issued[-1], "expires_in": 900, "token_type": "Bearer"}
        )

    credentials = ClientCredentials(
        "http://td/oauth/token",
        "ingest",
        "s3cret-s3cret-s3cret",
        "runs:write",
        transport=httpx.MockTransport(tokendealer),
    )
    seen: list[str] = []

    def peer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200)

    client = ServiceClient(
        "http://peer", "peer", credentials=credentials, transport=httpx.MockTransport(peer)
    )
    client.request("GET", "/a")
    client.request("GET", "/b")
    assert seen == ["Bearer t0", "Bearer t0"]

    credentials._expires_at = time.monotonic() + 30  # inside the renewal margin
    client.request("GET", "/c")
    assert seen[-1] == "Bearer t1"


def test_a_refused_service_token_is_a_503() -> None:
    def tokendealer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client"})

    credentials = ClientCredentials(
        "http://td/oauth/token",
        "ingest",
        "wrong",
        "runs:write",
        transport=httpx.MockTransport(tokendealer),
    )

    with pytest.raises(ServiceUnavailable):
        credentials.token()


def _tokendealer(issued: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        issued.append(f"t{len(issued)}")
        return httpx.Response(200, json={"access_token": issued[-1], "expires_in": 900})

    return httpx.MockTransport(handler)


def test_a_refused_service_token_is_renewed_and_the_read_tried_again() -> None:
    issued: list[str] = []
    credentials = ClientCredentials(
        "http://td/oauth/token", "plans", "s3cret", "runs:read", transport=_tokendealer(issued)
    )
    seen: list[str] = []

    def peer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        # Signed by a key the peer no longer trusts: only the renewed token is accepted.
        return httpx.Response(401 if seen[-1] == "Bearer t0" else 200)

    client = ServiceClient(
        "http://peer", "peer", credentials=credentials, transport=httpx.MockTransport(peer)
    )

    assert client.request("GET", "/runs").status_code == 200
    assert seen == ["Bearer t0", "Bearer t1"]


def test_a_refused_write_is_not_sent_twice_but_the_next_call_gets_a_new_token() -> None:
    issued: list[str] = []
    credentials = ClientCredentials(
        "http://td/oauth/token", "plans", "s3cret", "runs:write", transport=_tokendealer(issued)
    )
    seen: list[str] = []

    def peer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(401 if seen[-1] == "Bearer t0" else 201)

    client = ServiceClient(
        "http://peer", "peer", credentials=credentials, transport=httpx.MockTransport(peer)
    )

    assert client.request("POST", "/runs", json={}).status_code == 401
    assert client.request("POST", "/runs", json={}).status_code == 201
    assert seen == ["Bearer t0", "Bearer t1"]


def test_a_runners_own_token_refused_is_not_replaced_by_the_services() -> None:
    issued: list[str] = []
    credentials = ClientCredentials(
        "http://td/oauth/token", "plans", "s3cret", "runs:read", transport=_tokendealer(issued)
    )
    seen: list[str] = []

    def peer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(401)

    client = ServiceClient(
        "http://peer", "peer", credentials=credentials, transport=httpx.MockTransport(peer)
    )

    assert client.request("GET", "/runs", token="runner").status_code == 401
    assert seen == ["Bearer runner"]
    assert issued == []


def _unreachable() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    return httpx.MockTransport(handler)


def test_a_token_service_out_of_reach_is_a_503() -> None:
    credentials = ClientCredentials(
        "http://td/oauth/token", "plans", "s3cret", "runs:read", transport=_unreachable()
    )

    with pytest.raises(ServiceUnavailable, match="token service"):
        credentials.token()


@pytest.mark.parametrize("retries", [0, -1, -5])
def test_a_call_is_sent_at_least_once(retries: int) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(503)

    client = ServiceClient(
        "http://peer", "peer", retries=retries, transport=httpx.MockTransport(handler)
    )

    assert client.request("GET", "/x").status_code == 503
    assert calls == ["GET"]


def test_a_closed_client_sends_nothing_more() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(200)

    client = ServiceClient("http://peer", "peer", transport=httpx.MockTransport(handler))
    client.request("GET", "/x")

    client.close()

    with pytest.raises(RuntimeError, match="closed"):
        client.request("GET", "/x")
    assert calls == ["GET"]


# -- both clients alike -----------------------------------------------------------------------


def _send(
    kind: str,
    handler: Callable[[httpx.Request], httpx.Response],
    method: str,
    path: str,
    *,
    credentials: ClientCredentials | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """One call through the blocking client or the event loop's, on the same fake peer."""
    transport = httpx.MockTransport(handler)
    if kind == "blocking":
        client = ServiceClient("http://peer", "peer", credentials=credentials,
                               transport=transport)
        try:
            return client.request(method, path, **kwargs)
        finally:
            client.close()

    async def call() -> httpx.Response:
        client = AsyncServiceClient("http://peer", "peer", credentials=credentials,
                                    transport=transport)
        try:
            return await client.request(method, path, **kwargs)
        finally:
            await client.aclose()

    return anyio.run(call)


CLIENTS = pytest.mark.parametrize("kind", ["blocking", "async"])


@CLIENTS
def test_every_internal_call_asks_for_the_body_uncompressed(kind: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["accept-encoding"])
        return httpx.Response(200, json={"ok": True})

    for method in ("GET", "POST", "DELETE"):
        _send(kind, handler, method, "/x")
    _send(kind, handler, "GET", "/x", headers={"If-None-Match": '"v1"'})

    assert seen == ["identity"] * 4


def test_the_service_token_is_asked_for_uncompressed_too() -> None:
    seen: list[str] = []

    def tokendealer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["accept-encoding"])
        return httpx.Response(200, json={"access_token": "t", "expires_in": 900})

    ClientCredentials("http://td/oauth/token", "plans", "s3cret", "runs:read",
                      transport=httpx.MockTransport(tokendealer)).token()

    assert seen == ["identity"]


@CLIENTS
def test_a_retried_read_still_carries_the_callers_headers(kind: str) -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("if-none-match"))
        return httpx.Response(503 if len(seen) < 3 else 304)

    response = _send(kind, handler, "GET", "/x", headers={"If-None-Match": '"v1"'})

    assert response.status_code == 304
    assert seen == ['"v1"'] * 3


@CLIENTS
def test_only_idempotent_calls_are_retried(kind: str) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(502)

    assert _send(kind, handler, "POST", "/x", json={}).status_code == 502
    assert _send(kind, handler, "GET", "/x").status_code == 502
    assert calls == ["POST", "GET", "GET", "GET"]


@CLIENTS
def test_a_peer_out_of_reach_is_a_503_after_the_retries(kind: str) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(ServiceUnavailable, match="peer"):
        _send(kind, handler, "GET", "/x")
    assert calls == ["GET"] * 3


@CLIENTS
def test_the_request_id_and_the_runners_token_travel(kind: str) -> None:
    seen: list[tuple[str | None, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers.get("x-request-id"), request.headers.get("authorization")))
        return httpx.Response(200)

    token = request_id_var.set("rid-7")
    try:
        _send(kind, handler, "GET", "/x", token="runner")
    finally:
        request_id_var.reset(token)

    assert seen == [("rid-7", "Bearer runner")]


@CLIENTS
def test_a_refused_service_token_is_renewed_by_either_client(kind: str) -> None:
    issued: list[str] = []
    credentials = ClientCredentials(
        "http://td/oauth/token", "plans", "s3cret", "runs:read", transport=_tokendealer(issued)
    )
    seen: list[str] = []

    def peer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(401 if seen[-1] == "Bearer t0" else 200)

    assert _send(kind, peer, "GET", "/runs", credentials=credentials).status_code == 200
    assert seen == ["Bearer t0", "Bearer t1"]


# -- a peer's app in this process -------------------------------------------------------------


def _peer_app() -> FastAPI:
    app = FastAPI()

    @app.get("/echo")
    async def echo(request: Request) -> dict[str, str | None]:
        return {
            "authorization": request.headers.get("authorization"),
            "request_id": request.headers.get("x-request-id"),
            "accept_encoding": request.headers.get("accept-encoding"),
        }

    @app.get("/bug")
    async def bug() -> None:
        raise RuntimeError("a bug in the peer")

    @app.get("/slow")
    async def slow() -> None:
        await anyio.sleep(30)

    return app


def _in_process(path: str, **kwargs: Any) -> httpx.Response:
    async def call() -> httpx.Response:
        client = AsyncServiceClient("http://peer", "peer", timeout=httpx.Timeout(0.2),
                                    retries=0)
        client.serve_in_process(_peer_app())
        try:
            return await client.request("GET", path, **kwargs)
        finally:
            await client.aclose()

    return anyio.run(call)


def test_a_peer_served_in_this_process_gets_the_call_as_over_the_network() -> None:
    token = request_id_var.set("rid-9")
    try:
        response = _in_process("/echo", token="runner")
    finally:
        request_id_var.reset(token)

    assert response.status_code == 200
    assert response.json() == {"authorization": "Bearer runner", "request_id": "rid-9",
                               "accept_encoding": "identity"}


def test_a_failing_peer_in_this_process_answers_500_to_its_caller() -> None:
    assert _in_process("/bug").status_code == 500


def test_a_peer_in_this_process_that_hangs_is_out_of_reach_after_the_read_timeout() -> None:
    with pytest.raises(ServiceUnavailable, match="peer"):
        _in_process("/slow")


def test_every_client_of_a_process_shares_one_tls_context() -> None:
    # httpx makes a context per client otherwise, loading the CA bundle each time: about
    # 20 ms and its memory for each of the thirty-odd clients one process starts with.
    clients = [
        ServiceClient("https://a.example", "a"),
        AsyncServiceClient("https://b.example", "b"),
        ClientCredentials("https://c.example/token", "c", "secret", "runs:read"),
    ]
    contexts = {id(client._http._transport._pool._ssl_context) for client in clients}  # type: ignore[attr-defined]
    assert len(contexts) == 1
