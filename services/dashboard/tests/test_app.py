"""What holds for the whole app: headers, limits, peer failures, the contract."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from runnerly_dashboard.config import Settings
from runnerly_dashboard.main import create_app

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def _assert_secure(response: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self';" in response.headers["content-security-policy"]


def test_security_headers_on_every_kind_of_response(
    client: TestClient, assert_problem: Any
) -> None:
    _assert_secure(client.get("/api/health"))
    _assert_secure(client.get("/"))
    not_found = client.get("/api/nowhere")
    _assert_secure(not_found)
    assert_problem(not_found, 404)
    _assert_secure(client.get("/api/me"))


HSTS = "max-age=63072000; includeSubDomains"


@pytest.fixture
def https_client(settings: Settings, fake: Any) -> Iterator[TestClient]:
    https = settings.model_copy(update={"public_url": "https://runnerly.example.org"})
    app = create_app(https, transport=httpx.MockTransport(fake.handle))
    with TestClient(app, base_url="https://runnerly.example.org") as client:
        yield client


@pytest.mark.parametrize("path", ["/", "/api/health", "/api/nowhere", "/api/me", "/api/docs",
                                  "/api/openapi.json", "/health/live", "/metrics"])
def test_https_responses_tell_browsers_to_stay_on_https(
    https_client: TestClient, path: str
) -> None:
    response = https_client.get(path)
    assert response.headers["strict-transport-security"] == HSTS
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_no_hsts_over_plain_http(client: TestClient) -> None:
    # A browser ignores it over http, and a developer's localhost must not be pinned to https.
    assert "strict-transport-security" not in client.get("/api/health").headers


def test_the_public_port_serves_no_metrics(client: TestClient, assert_problem: Any) -> None:
    client.post("/api/auth/login", json={"email": "a@example.com", "password": "x" * 16})
    response = client.get("/metrics")
    assert_problem(response, 404)
    assert "runnerly_http_requests_total" not in response.text


def test_metrics_are_served_when_turned_on(settings: Settings, fake: Any) -> None:
    app = create_app(settings.model_copy(update={"metrics": True}),
                     transport=httpx.MockTransport(fake.handle))
    with TestClient(app) as client:
        client.get("/api/health")
        response = client.get("/metrics")
    assert response.status_code == 200
    assert 'service="dashboard"' in response.text


def test_docs_page_loads_with_its_own_policy(client: TestClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
    assert "https://cdn.jsdelivr.net" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_openapi_is_the_public_contract(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/auth/login", "/api/auth/logout", "/api/me", "/api/runs",
                 "/api/runs/{run_id}", "/api/stats", "/api/races", "/api/races/{race_id}/entry",
                 "/api/health", "/api/dev/mail"):
        assert path in paths, path
    for methods in paths.values():
        for operation in methods.values():
            assert operation.get("description") or operation.get("summary")
    assert {"HTTPBearer", "APIKeyCookie"} <= set(spec["components"]["securitySchemes"])


def test_oversized_body_is_413_and_reaches_no_peer(
    client: TestClient, fake: Any, assert_problem: Any, settings: Settings
) -> None:
    body = b'{"email":"a@example.com","password":"' + b"x" * settings.max_body_bytes + b'"}'
    response = client.post("/api/auth/signup", content=body,
                           headers={"Content-Type": "application/json"})
    assert_problem(response, 413)
    assert fake.requests == []


def test_malformed_json_is_422(client: TestClient, assert_problem: Any) -> None:
    response = client.post("/api/auth/login", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert_problem(response, 422)


@pytest.mark.parametrize("peer", ["tokendealer", "dataservice"])
def test_peer_down_is_a_fast_503(
    client: TestClient, fake: Any, login: Any, assert_problem: Any, peer: str
) -> None:
    login()
    fake.down.add(peer)
    started = time.monotonic()
    response = client.get("/api/me")
    assert time.monotonic() - started < 3
    assert assert_problem(response, 503)["detail"] == f"The {peer} service is unavailable."


def test_peer_5xx_is_a_503_problem(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    login()

    def fail(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="boom")

    fake._dataservice = fail
    response = client.get("/api/stats")
    assert assert_problem(response, 503)["detail"] == "The dataservice service failed to answer."


def test_peer_breaking_its_contract_is_a_503_problem(
    client: TestClient, fake: Any, login: Any, assert_problem: Any
) -> None:
    login()

    def wrong_shape(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"unexpected": True})

    fake._dataservice = wrong_shape
    fake.breaks_contract = True
    assert_problem(client.get("/api/runs"), 503)


def test_root_points_to_the_api_without_a_built_web_app(
    settings: Settings, fake: Any, tmp_path: Any
) -> None:
    app = create_app(
        settings.model_copy(update={"web_dir": tmp_path / "not-built"}),
        transport=httpx.MockTransport(fake.handle),
    )
    with TestClient(app) as client:
        assert client.get("/").json()["docs"] == "/api/docs"


def test_request_id_travels_to_the_peers(client: TestClient, fake: Any, login: Any) -> None:
    login()
    client.get("/api/me", headers={"X-Request-ID": "trace-me"})
    [sent] = fake.sent("dataservice", "GET", "/profile")
    assert sent.headers["x-request-id"] == "trace-me"
