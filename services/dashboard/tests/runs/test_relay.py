"""The relay of the runs list: on the event loop, uncompressed between services, gzipped to a
browser, and still refusing what a failing or contract-breaking peer answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from runnerly_dashboard.runs.schemas import RunList

RUNS = 30


def _many_runs(fake: Any, owner: Any) -> None:
    for run_id in range(1, RUNS + 1):
        fake.add_run(owner, run_id, started_at=f"2026-03-{run_id:02d}T07:00:00Z",
                     summary_polyline="a" * 200)


def test_every_call_to_a_peer_asks_for_the_body_uncompressed(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()
    _many_runs(fake, me.account)
    bearer = {"Authorization": f"Bearer {me.tokens['access_token']}"}
    for path in ("/api/runs", "/api/runs?limit=5", "/api/runs/3", "/api/stats", "/api/me"):
        assert client.get(path).status_code == 200
        assert client.get(path, headers=bearer).status_code == 200
    client.post("/api/auth/logout", headers=me.csrf)

    assert fake.requests
    assert {request.headers.get("accept-encoding") for request in fake.requests} == {"identity"}


def test_a_large_list_reaches_the_browser_gzipped_and_whole(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()
    _many_runs(fake, me.account)

    zipped = client.get("/api/runs?limit=30", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/api/runs?limit=30", headers={"Accept-Encoding": "identity"})

    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-type"] == plain.headers["content-type"] == "application/json"
    assert zipped.content == plain.content  # decoded by the client
    assert [run["id"] for run in plain.json()["items"]] == list(range(RUNS, 0, -1))
    [sent, _] = fake.sent("dataservice", "GET", "/runs")
    assert sent.headers["accept-encoding"] == "identity"


def test_the_list_is_the_peers_answer_in_the_public_shape(
    client: TestClient, fake: Any, login: Any
) -> None:
    me = login()
    _many_runs(fake, me.account)
    answer = client.get("/api/runs?limit=2")
    [sent] = fake.sent("dataservice", "GET", "/runs")
    peer = fake.handle(httpx.Request("GET", sent.url, headers=sent.headers))

    # As FastAPI's response model would give it: every field, by its public name.
    assert answer.json() == RunList.model_validate_json(peer.content).model_dump(
        mode="json", by_alias=True)
    assert [run["id"] for run in answer.json()["items"]] == [RUNS, RUNS - 1]
    assert answer.headers["etag"] and answer.headers["cache-control"] == "private, no-cache"


def _connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def _failed(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, text="boom")


def _wrong_shape(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"items": [{"id": "not a run"}]})


def _not_json(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"<html>", headers={"Content-Type": "text/html"})


@pytest.mark.parametrize(
    "peer", [_connect_error, _read_timeout, _failed, _wrong_shape, _not_json],
    ids=["down", "timeout", "5xx", "wrong shape", "not json"],
)
def test_a_failing_or_contract_breaking_peer_is_a_503(
    client: TestClient, fake: Any, login: Any, assert_problem: Any,
    peer: Callable[[httpx.Request], httpx.Response],
) -> None:
    login()
    fake._dataservice = peer
    fake.breaks_contract = True

    assert_problem(client.get("/api/runs"), 503)


def test_a_peers_problem_is_relayed_unchanged(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    login()

    def refused(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            429, json={"type": "about:blank", "title": "Too many requests", "status": 429,
                       "detail": "Slow down."},
            headers={"Content-Type": "application/problem+json", "Retry-After": "7"},
        )

    fake._dataservice = refused
    response = client.get("/api/runs")

    assert assert_problem(response, 429)["detail"] == "Slow down."
    assert response.headers["retry-after"] == "7"
