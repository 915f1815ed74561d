"""Password reset, through HTTP: it spans accounts and logins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_kit.errors import InvalidInput
from runnerly_kit.testing import bearer
from runnerly_tokendealer.accounts.service import check_password
from runnerly_tokendealer.models import Account, AccountToken
from runnerly_tokendealer.runtime import Runtime

NEW_PASSWORD = "a brand new passphrase"


@pytest.mark.parametrize(
    "password",
    ["123456789", "qwertyuiop", "QwertyUiop", "ADA.lovelace is me", "y" * 129],
)
def test_check_password_refuses_weak_ones(password: str) -> None:
    with pytest.raises(InvalidInput):
        check_password(password, "ada.lovelace@example.com")


@pytest.mark.parametrize("password", ["correct horse battery", "0123456789a", "x" * 128])
def test_check_password_accepts_good_ones(password: str) -> None:
    check_password(password, "ada.lovelace@example.com")


def reset_token(
    client: TestClient,
    mails: Callable[[str], list[dict[str, Any]]],
    link_in: Callable[[dict[str, Any], str], str],
    email: str,
) -> str:
    response = client.post("/password-reset", json={"email": email})
    assert response.status_code == 202
    assert response.json() == {"status": "reset_link_sent"}
    mail = mails(email)[-1]
    assert mail["subject"] == "Reset your Runnerly password"
    return link_in(mail, "/reset-password")


def test_password_reset_sets_the_password_and_ends_every_login(
    client: TestClient,
    registered: Callable[..., Any],
    password: str,
    mails: Callable[[str], list[dict[str, Any]]],
    link_in: Callable[[dict[str, Any], str], str],
    outbox: Callable[[], list[Any]],
) -> None:
    before = registered("ada@example.com")
    token = reset_token(client, mails, link_in, "ada@example.com")

    response = client.post(
        "/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )

    assert response.status_code == 200
    # The access tokens issued before are refused here at once, and everywhere by event.
    revoked = response.json()
    assert client.get("/accounts/me", headers=bearer(before["access_token"])).status_code == 401
    [event] = [row for row in outbox() if row.name == "user.sessions_revoked"]
    assert event.payload == revoked and revoked["not_before"] > 0
    assert (
        client.post("/login", json={"email": "ada@example.com", "password": password}).status_code
        == 401
    )
    assert (
        client.post(
            "/login", json={"email": "ada@example.com", "password": NEW_PASSWORD}
        ).status_code
        == 200
    )
    assert (
        client.post("/refresh", json={"refresh_token": before["refresh_token"]}).status_code == 401
    )
    again = client.post("/password-reset/confirm", json={"token": token, "password": "x" * 20})
    assert again.status_code == 400
    assert again.json()["detail"] == "This password reset link has expired or was already used."


def test_a_weak_new_password_is_refused_and_the_link_still_works(
    client: TestClient,
    registered: Callable[..., Any],
    mails: Callable[[str], list[dict[str, Any]]],
    link_in: Callable[[dict[str, Any], str], str],
) -> None:
    registered("ada@example.com")
    token = reset_token(client, mails, link_in, "ada@example.com")

    weak = client.post("/password-reset/confirm", json={"token": token, "password": "short"})

    assert weak.status_code == 422
    assert weak.json()["detail"] == "Choose a password of at least 10 characters."
    assert (
        client.post(
            "/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        ).status_code
        == 200
    )


def test_reset_for_an_unknown_email_answers_the_same_and_mails_nothing(
    client: TestClient, outbox: Callable[[], list[Any]]
) -> None:
    response = client.post("/password-reset", json={"email": "nobody@example.com"})

    assert response.status_code == 202
    assert response.json() == {"status": "reset_link_sent"}
    assert outbox() == []


def test_an_expired_reset_link_is_refused(
    client: TestClient,
    runtime: Runtime,
    registered: Callable[..., Any],
    password: str,
    mails: Callable[[str], list[dict[str, Any]]],
    link_in: Callable[[dict[str, Any], str], str],
) -> None:
    registered("ada@example.com")
    token = reset_token(client, mails, link_in, "ada@example.com")
    with runtime.database.transaction() as session:
        session.execute(
            sa.update(AccountToken)
            .where(AccountToken.purpose == "reset")
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    response = client.post(
        "/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert (
        client.post("/login", json={"email": "ada@example.com", "password": password}).status_code
        == 200
    )


def test_a_reset_confirms_the_email_it_was_sent_to(
    client: TestClient,
    runtime: Runtime,
    signed_up: Callable[..., str],
    mails: Callable[[str], list[dict[str, Any]]],
    link_in: Callable[[dict[str, Any], str], str],
) -> None:
    signed_up("ada@example.com")
    token = reset_token(client, mails, link_in, "ada@example.com")

    client.post("/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})

    with runtime.database.transaction() as session:
        account = session.scalar(sa.select(Account))
        assert account is not None and account.confirmed_at is not None
    assert (
        client.post(
            "/login", json={"email": "ada@example.com", "password": NEW_PASSWORD}
        ).status_code
        == 200
    )
