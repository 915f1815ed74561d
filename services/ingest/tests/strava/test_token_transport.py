"""Strava's access tokens travel only in ``Authorization: Bearer``: never in a URL (which
proxies and logs keep) nor in a form. Every kind of call ingest makes to Strava is made,
against the simulator, and what reached it is read back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import httpx2
from fastapi.testclient import TestClient

from runnerly_ingest.runtime import Runtime
from runnerly_ingest.strava import streams, webhooks
from runnerly_ingest.strava.schemas import WebhookEvent
from runnerly_stravasim.clock import FakeClock

Headers = dict[str, str]
ATHLETE = 1234567


class Recorder(httpx.BaseTransport):
    """Passes every request on to the simulator and keeps it with its answer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.exchanges.append((request, response))
        return response

    def issued_tokens(self) -> set[str]:
        tokens: set[str] = set()
        for request, response in self.exchanges:
            if request.url.path == "/oauth/token" and response.status_code == 200:
                tokens.add(response.json()["access_token"])
        return tokens


def _event(object_id: int, aspect: str, object_type: str = "activity",
           updates: dict[str, str] | None = None) -> WebhookEvent:
    return WebhookEvent.model_validate({
        "object_type": object_type, "object_id": object_id, "aspect_type": aspect,
        "owner_id": ATHLETE, "subscription_id": 1, "event_time": 1_700_000_000,
        "updates": updates or {}})


def test_no_access_token_reaches_strava_outside_the_authorization_header(
    runtime: Runtime, simulator: TestClient, peers: Any, client: TestClient, alice: Headers,
    link_strava: Callable[..., httpx2.Response], run_backfill: Callable[..., int],
    clock: FakeClock,
) -> None:
    recorder = Recorder(peers.router.routes["strava.test"])
    peers.router.routes["strava.test"] = recorder

    assert link_strava(alice).status_code == 200  # the code exchanged
    run_backfill()  # list pages
    streams.streams_step(runtime, 1)  # a turn of streams
    created = simulator.post("/admin/activities", json={"sport_type": "Run"}).json()
    webhooks.handle_event(runtime, _event(created["activity"]["id"], "create"))  # one activity
    simulator.post("/admin/tokens/expire")
    clock.advance(3600)
    simulator.post("/admin/activities", json={"sport_type": "Run"})
    webhooks.reconcile(runtime, 1)  # a refused token, refreshed, then a list
    webhooks.handle_event(runtime, _event(ATHLETE, "update", "athlete", {"authorized": "true"}))
    runtime.strava.subscriptions()  # the app's own call: no athlete's token
    assert client.delete("/strava", headers=alice).status_code == 204  # revoked at Strava

    tokens = recorder.issued_tokens()
    paths = {request.url.path for request, _ in recorder.exchanges}
    assert len(tokens) >= 2  # the first one and its refresh
    assert {"/oauth/token", "/oauth/revoke", "/api/v3/athlete/activities"} <= paths
    assert any(path.endswith("/streams") for path in paths)
    for request, response in recorder.exchanges:
        said = f"{request.method} {request.url.path} → {response.status_code}"
        body = request.content.decode(errors="replace")
        for token in tokens:
            assert token not in str(request.url), said
            assert token not in body, said
        if request.url.path.startswith("/api/v3/push_subscriptions"):
            assert "authorization" not in request.headers, said
        elif request.url.path != "/oauth/token":
            assert request.headers["authorization"].removeprefix("Bearer ") in tokens, said
            assert response.status_code < 400 or response.status_code == 401, said
