from __future__ import annotations

import base64

import jwt
import pytest
from fastapi.testclient import TestClient

from runnerly_kit.auth import TokenVerifier

FORM = "application/x-www-form-urlencoded"


def basic(client_id: str, secret: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def test_a_service_gets_a_token_with_basic_auth(
    client: TestClient, dashboard_secret: str, verifier: TokenVerifier
) -> None:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic("dashboard", dashboard_secret),
    )

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["scope"] == "accounts:relay mail:read runs:read"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == claims["client_id"] == "dashboard"
    principal = verifier.verify(body["access_token"])
    assert principal.is_service
    assert principal.scopes == {"accounts:relay", "mail:read", "runs:read"}


def test_a_service_may_authenticate_in_the_form_and_ask_for_fewer_scopes(
    client: TestClient, dashboard_secret: str
) -> None:
    response = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "scope": "runs:read",
            "client_id": "dashboard",
            "client_secret": dashboard_secret,
        },
    )

    assert response.status_code == 200
    assert response.json()["scope"] == "runs:read"


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [("dashboard", "wrong-secret-0123456789"), ("stranger", "whatever-0123456789")],
)
def test_a_wrong_secret_or_unknown_client_is_invalid_client(
    client: TestClient, client_id: str, secret: str
) -> None:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Unknown client or wrong secret.",
    }


def test_a_scope_the_client_may_not_have_is_invalid_scope(
    client: TestClient, dashboard_secret: str
) -> None:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "runs:read admin"},
        headers=basic("dashboard", dashboard_secret),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert "admin" in response.json()["error_description"]


def test_another_grant_type_is_unsupported(client: TestClient, dashboard_secret: str) -> None:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "a", "password": "b"},
        headers=basic("dashboard", dashboard_secret),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    ("kwargs", "error", "status"),
    [
        ({"data": {"scope": "runs:read"}}, "invalid_request", 400),
        ({"json": {"grant_type": "client_credentials"}}, "invalid_request", 400),
        (
            {"content": "grant_type=client_credentials&grant_type=client_credentials"},
            "invalid_request",
            400,
        ),
        ({"content": "grant_type=client_credentials&scope=" + "s" * 1001}, "invalid_request", 400),
        ({"content": "grant_type=client_credentials&client_id=dashboard"}, "invalid_request", 400),
        ({"content": "grant_type=client_credentials"}, "invalid_client", 401),
    ],
)
def test_malformed_token_requests_get_rfc_6749_errors(
    client: TestClient, dashboard_secret: str, kwargs: dict[str, object], error: str, status: int
) -> None:
    headers = {} if status == 401 else basic("dashboard", dashboard_secret)
    if "content" in kwargs:
        headers["Content-Type"] = FORM

    response = client.post("/oauth/token", headers=headers, **kwargs)  # type: ignore[arg-type]

    assert response.status_code == status
    assert response.json()["error"] == error


def test_a_garbled_basic_header_is_invalid_client(client: TestClient) -> None:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic !!!not-base64"},
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
