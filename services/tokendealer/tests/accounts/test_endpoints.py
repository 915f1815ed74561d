from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_kit.testing import TestKeys, bearer
from runnerly_tokendealer.models import Account, AccountToken, RefreshToken
from runnerly_tokendealer.runtime import Runtime

PROBLEM = "application/problem+json"


def accounts_in(runtime: Runtime) -> list[Account]:
    with runtime.database.transaction() as session:
        return list(session.scalars(sa.select(Account)))


def test_sign_up_answers_202_stores_an_unconfirmed_account_and_mails_a_link(
    client: TestClient, runtime: Runtime, outbox: Callable[[], list[Any]],
    mails: Callable[[str], list[dict[str, Any]]], password: str,
) -> None:
    response = client.post("/accounts", json={"email": " Ada@Example.COM", "password": password})

    assert response.status_code == 202
    assert response.json() == {"status": "confirmation_sent", "email": "ada@example.com"}
    [account] = accounts_in(runtime)
    assert account.email == "ada@example.com"
    assert account.confirmed_at is None
    assert account.password_hash.startswith("$argon2id$")
    assert password not in account.password_hash
    [created] = [row for row in outbox() if row.kind == "event"]
    assert created.name == "user.created"
    assert created.payload == {"user_id": account.id, "email": "ada@example.com"}
    [mail] = mails("ada@example.com")
    assert mail["user_id"] == account.id
    assert mail["subject"] == "Confirm your email address"
    assert "https://runnerly.example/confirm?token=" in mail["text"]
    assert "https://runnerly.example/confirm?token=" in mail["html"]


def test_a_weak_password_is_refused_with_a_clear_message_and_nothing_is_stored(
    client: TestClient, runtime: Runtime, outbox: Callable[[], list[Any]],
) -> None:
    cases = {
        "short1234": "Choose a password of at least 10 characters.",
        "x" * 129: "Choose a password of at most 128 characters.",
        "Password123": "This password is one of the most common ones: choose a less obvious one.",
        "my-ada.lovelace-pw": "Choose a password that does not contain your email address.",
    }
    for password, message in cases.items():
        response = client.post(
            "/accounts", json={"email": "ada.lovelace@example.com", "password": password}
        )

        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["detail"] == message
        assert response.json()["errors"] == [{"field": "password", "message": message}]
    assert accounts_in(runtime) == []
    assert outbox() == []


def test_bad_sign_up_bodies_are_refused_as_problems(
    client: TestClient, runtime: Runtime, password: str
) -> None:
    bodies: list[Any] = [
        {"email": "not-an-email", "password": password},
        {"email": "ada@example.com"},
        {"email": "ada@example.com", "password": password, "admin": True},
        {"email": "a" * 400 + "@example.com", "password": password},
        {"email": "ada@example.com", "password": "p" * 2000},
        ["ada@example.com", password],
    ]
    for body in bodies:
        response = client.post("/accounts", json=body)

        assert response.status_code == 422, body
        assert response.headers["content-type"] == PROBLEM
    assert accounts_in(runtime) == []


def test_signing_up_again_reveals_nothing_and_mails_the_owner(
    client: TestClient, runtime: Runtime, registered: Callable[..., Any],
    outbox: Callable[[], list[Any]], mails: Callable[[str], list[dict[str, Any]]],
) -> None:
    registered("ada@example.com")

    response = client.post(
        "/accounts", json={"email": "ada@example.com", "password": "another long password"}
    )

    assert response.status_code == 202
    assert response.json() == {"status": "confirmation_sent", "email": "ada@example.com"}
    assert len(accounts_in(runtime)) == 1
    assert [row.name for row in outbox() if row.kind == "event"] == ["user.created"]
    last = mails("ada@example.com")[-1]
    assert last["subject"] == "You already have a Runnerly account"
    assert "https://runnerly.example/reset-password" in last["text"]
    assert "token=" not in last["text"]


def test_signing_up_again_before_confirming_mails_a_fresh_link(
    client: TestClient, signed_up: Callable[..., str], password: str
) -> None:
    first = signed_up("ada@example.com")
    second = signed_up("ada@example.com")

    assert first != second
    assert client.post("/accounts/confirm", json={"token": second}).status_code == 200


def test_the_confirmation_link_confirms_once(
    client: TestClient, runtime: Runtime, signed_up: Callable[..., str]
) -> None:
    token = signed_up("ada@example.com")

    response = client.post("/accounts/confirm", json={"token": token})

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["confirmed"] is True
    assert set(body) == {"id", "email", "confirmed", "created_at"}
    again = client.post("/accounts/confirm", json={"token": token})
    assert again.status_code == 400
    assert again.headers["content-type"] == PROBLEM
    assert again.json()["detail"] == "This confirmation link has expired or was already used."


def test_an_expired_or_unknown_confirmation_link_is_refused(
    client: TestClient, runtime: Runtime, signed_up: Callable[..., str]
) -> None:
    token = signed_up("ada@example.com")
    with runtime.database.transaction() as session:
        session.execute(
            sa.update(AccountToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    for candidate in (token, "not-a-token"):
        response = client.post("/accounts/confirm", json={"token": candidate})

        assert response.status_code == 400
        assert "expired or was already used" in response.json()["detail"]
    [account] = accounts_in(runtime)
    assert account.confirmed_at is None


def test_me_is_the_callers_account(
    client: TestClient, registered: Callable[..., Any], foreign_keys: TestKeys
) -> None:
    tokens = registered("ada@example.com")

    response = client.get("/accounts/me", headers=bearer(tokens["access_token"]))

    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.com"
    assert response.json()["confirmed"] is True
    assert client.get("/accounts/me").status_code == 401
    forged = foreign_keys.token(response.json()["id"], "profile:read profile:write")
    refused = client.get("/accounts/me", headers=bearer(forged))
    assert refused.status_code == 401
    assert refused.headers["content-type"] == PROBLEM


def test_deleting_my_account_forgets_it_and_tells_every_service(
    client: TestClient, runtime: Runtime, registered: Callable[..., Any],
    outbox: Callable[[], list[Any]], password: str,
) -> None:
    tokens = registered("ada@example.com")
    registered("grace@example.com")
    [ada] = [a for a in accounts_in(runtime) if a.email == "ada@example.com"]

    response = client.delete("/accounts/me", headers=bearer(tokens["access_token"]))

    assert response.status_code == 204
    assert [a.email for a in accounts_in(runtime)] == ["grace@example.com"]
    with runtime.database.transaction() as session:
        assert session.scalars(
            sa.select(RefreshToken).where(RefreshToken.account_id == ada.id)
        ).all() == []
        assert session.scalars(
            sa.select(AccountToken).where(AccountToken.account_id == ada.id)
        ).all() == []
    deleted = [row for row in outbox() if row.name == "user.deleted"]
    assert [(row.kind, row.payload) for row in deleted] == [
        ("event", {"user_id": ada.id, "email": "ada@example.com"})
    ]
    refresh = client.post("/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401
    login = client.post("/login", json={"email": "ada@example.com", "password": password})
    assert login.status_code == 401
    # The access token outlives the account for its few minutes; it reaches nothing.
    gone = client.get("/accounts/me", headers=bearer(tokens["access_token"]))
    assert gone.status_code == 404
    assert client.delete("/accounts/me", headers=bearer(tokens["access_token"])).status_code == 404


def test_a_service_token_cannot_use_the_runner_endpoints(
    client: TestClient, dashboard_secret: str
) -> None:
    token = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"},
        auth=("dashboard", dashboard_secret),
    ).json()["access_token"]

    response = client.get("/accounts/me", headers=bearer(token))

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
