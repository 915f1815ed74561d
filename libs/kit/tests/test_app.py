from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Body
from fastapi.testclient import TestClient

from runnerly_kit.app import create_app
from runnerly_kit.settings import KitSettings

from .conftest import DemoSettings, router

PROBLEM = "application/problem+json"


def test_domain_errors_are_problem_json(client: TestClient) -> None:
    response = client.post("/things", json={"name": "taken", "size": 1})

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "A thing with this name exists already.",
    }


def test_validation_errors_name_the_field(client: TestClient) -> None:
    response = client.post("/things", json={"name": "", "size": -1, "extra": True})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"name", "size", "extra"}
    assert response.json()["detail"].startswith("Name ")


def test_malformed_json_is_a_422_problem_that_says_where(client: TestClient) -> None:
    response = client.post(
        "/things", content=b'{"name": ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"] == [
        {
            "field": "body",
            "message": "The body is not valid JSON: Expecting value (at character 9).",
        }
    ]


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b'{"name": "x", "size": 1}', "text/plain", "Send the body as JSON, with the header"),
        (b"name=x&size=1", "application/x-www-form-urlencoded", "Send the body as JSON"),
        (b"", None, "Send the body as JSON"),
        (b"", "application/json", "The request needs a JSON body."),
        (b"[1, 2]", "application/json", "The body must be a JSON object"),
    ],
)
def test_a_body_that_is_not_a_json_object_says_what_to_send(
    client: TestClient, body: bytes, content_type: str | None, message: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}

    response = client.post("/things", content=body, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"].startswith(message)


def test_oversized_bodies_are_refused_before_reading(client: TestClient) -> None:
    response = client.post(
        "/things", content=b"x" * 5000, headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert "2048 bytes" in response.json()["detail"]


def test_oversized_chunked_bodies_are_refused(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"x" * 1000

    response = client.post(
        "/things", content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413


def test_unknown_paths_and_methods_are_problems(client: TestClient) -> None:
    assert client.get("/nope").headers["content-type"] == PROBLEM
    response = client.delete("/things")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM


def test_unexpected_errors_are_a_500_problem_without_internals(client: TestClient) -> None:
    response = client.get("/boom")

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert "a bug" not in response.text


def test_request_id_is_taken_from_the_caller_or_made(client: TestClient) -> None:
    given = client.get("/health/live", headers={"X-Request-ID": "abc123"})
    made = client.get("/health/live")

    assert given.headers["x-request-id"] == "abc123"
    assert len(made.headers["x-request-id"]) == 32


def test_readiness_checks_the_database_and_broker(client: TestClient) -> None:
    response = client.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


def test_readiness_is_503_when_the_database_is_down(client: TestClient) -> None:
    client.app.state.readiness_checks["database"] = _fail  # type: ignore[attr-defined]

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("down")


def _fail() -> None:
    raise ConnectionError("down")


def test_metrics_count_requests_per_route_template(client: TestClient) -> None:
    client.post("/things", json={"name": "a", "size": 1})

    body = client.get("/metrics").text

    assert (
        'runnerly_http_requests_total{method="POST",route="/things",service="demo",status="201"}'
        in body
    )
    assert "runnerly_http_request_duration_seconds_bucket" in body
    assert "process_resident_memory_bytes" in body


def test_metrics_can_be_left_off_a_public_port(settings: KitSettings) -> None:
    app = create_app(settings, title="demo", routers=[], serve_metrics=False)

    with TestClient(app) as client:
        response = client.get("/metrics")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def test_large_responses_are_gzipped(client: TestClient) -> None:
    response = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})

    assert response.headers["content-encoding"] == "gzip"


FORWARDED = {
    # Written by the client, then the client as the outer proxy saw it, then an inner proxy.
    "X-Forwarded-For": "192.0.2.1, 198.51.100.7, 10.0.0.9",
    "X-Forwarded-Proto": "https",
}


def _peer_seen(settings: Any, peer: str) -> dict[str, str]:
    app = create_app(settings, title="demo", routers=[router])
    with TestClient(app, client=(peer, 50000)) as client:
        seen: dict[str, str] = client.get("/peer", headers=FORWARDED).json()
        return seen


@pytest.mark.parametrize("peer", ["127.0.0.1", "10.1.2.3", "203.0.113.9"])
def test_without_trusted_proxies_forwarded_headers_are_ignored(settings: Any, peer: str) -> None:
    assert _peer_seen(settings, peer) == {"host": peer, "scheme": "http"}


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(
    settings: Any,
) -> None:
    behind = settings.model_copy(update={"trusted_proxies": "10.0.0.0/8,::1"})

    assert _peer_seen(behind, "10.1.2.3") == {"host": "198.51.100.7", "scheme": "https"}
    # From anyone else, the same headers count for nothing.
    assert _peer_seen(behind, "203.0.113.9") == {"host": "203.0.113.9", "scheme": "http"}


@pytest.mark.parametrize("value", ["proxy.internal", "10.0.0.0/33", "10.0.0.1, nope"])
def test_a_trusted_proxy_must_be_an_address_or_a_network(tmp_path: Any, value: str) -> None:
    with pytest.raises(ValueError, match="RUNNERLY_TRUSTED_PROXIES"):
        DemoSettings(env="test", data_dir=tmp_path, trusted_proxies=value)


def test_a_body_of_the_wrong_kind_says_what_it_should_be(settings: KitSettings) -> None:
    numbers = APIRouter()

    @numbers.post("/numbers")
    def add_numbers(values: Annotated[list[int], Body()]) -> int:
        return sum(values)

    app = create_app(settings, title="demo", routers=[numbers], verify_tokens=False)

    with TestClient(app) as client:
        response = client.post("/numbers", json={"a": 1})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body", "message": "The body must be a list."}
    ]
