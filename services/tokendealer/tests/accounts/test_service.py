"""Password reset, through HTTP: it spans accounts and logins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_kit.errors import InvalidInput
from runnerly_tokendealer.accounts.service import check_password
from runnerly_tokendealer.models import Account, AccountToken
from runnerly_tokendealer.runtime import Runtime

NEW_PASSWORD = "a brand new passphrase"


@pytest.mark.parametrize(
    "password",
    [
        "123456789",
        "ADA.lovelace is me",
        "y" * 129,
        # Long enough, and still among the first tried: common and breached passwords,
        # repeats, sequences, keyboard rows, dictionary words with digits, the site's name.
        "aaaaaaaaaa",
        "x" * 128,
        "password123",
        "Password123",
        "qwertyuiop",
        "QwertyUiop",
        "1q2w3e4r5t",
        "0123456789a",
        "abcdefghijk",
        "iloveyou123",
        "football2024",
        "sunshine1234",
        "marathon123",
        "runnerly2026",
        "lovelace1815",
    ],
)
def test_check_password_refuses_easily_guessed_ones(password: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password(password, "ada.lovelace@example.com")
    # Every refusal says what to do instead.
    assert "choose a" in refused.value.detail.lower()


@pytest.mark.parametrize(
    "password", ["correct horse battery", "a brand new passphrase", "Tr4ck-and-f1eld!"]
)
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
    first = registered("ada@example.com")
    credentials = {"email": "ada@example.com", "password": password}
    second = client.post("/login", json=credentials).json()
    # A family whose first token was already used, and its live successor.
    third = client.post("/login", json=credentials).json()
    rotated = client.post("/refresh", json={"refresh_token": third["refresh_token"]}).json()
    token = reset_token(client, mails, link_in, "ada@example.com")

    response = client.post(
        "/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )

    assert response.status_code == 200
    # The access tokens issued before are refused here at once, and everywhere by event.
    revoked = response.json()
    earlier = {"Authorization": f"Bearer {first['access_token']}"}
    assert client.get("/accounts/me", headers=earlier).status_code == 401
    claims = jwt.decode(first["access_token"], options={"verify_signature": False})
    assert revoked["user_id"] == claims["sub"]
    [event] = [row for row in outbox() if row.name == "user.sessions_revoked"]
    assert event.payload == revoked and revoked["not_before"] > 0
    assert client.post("/login", json=credentials).status_code == 401
    assert (
        client.post(
            "/login", json={"email": "ada@example.com", "password": NEW_PASSWORD}
        ).status_code
        == 200
    )
    for refresh_token in (first, second, third, rotated):
        assert (
            client.post(
                "/refresh", json={"refresh_token": refresh_token["refresh_token"]}
            ).status_code
            == 401
        )
    again = client.post("/password-reset/confirm", json={"token": token, "password": "x" * 20})
    assert again.status_code == 400
    assert again.json()["detail"] == (
        "This password reset link has expired, was already used or was replaced by a newer "
        "one: use the newest link we sent, or ask for a new one."
    )


def test_a_newer_reset_link_voids_every_older_one(
    client: TestClient,
    registered: Callable[..., Any],
    password: str,
    mails: Callable[[str], list[dict[str, Any]]],
    link_in: Callable[[dict[str, Any], str], str],
) -> None:
    registered("ada@example.com")
    oldest, older, newest = (
        reset_token(client, mails, link_in, "ada@example.com") for _ in range(3)
    )

    for stale in (oldest, older):
        response = client.post(
            "/password-reset/confirm", json={"token": stale, "password": NEW_PASSWORD}
        )
        assert response.status_code == 400
    assert (
        client.post("/login", json={"email": "ada@example.com", "password": password}).status_code
        == 200
    )
    assert (
        client.post(
            "/password-reset/confirm", json={"token": newest, "password": NEW_PASSWORD}
        ).status_code
        == 200
    )
    # Used, the newest is void too: no link of the account resets the password again.
    for token in (oldest, older, newest):
        assert (
            client.post(
                "/password-reset/confirm", json={"token": token, "password": "another passphrase"}
            ).status_code
            == 400
        )


@pytest.mark.parametrize("path", ["reset known", "reset unknown", "signup new", "signup known"])
def test_every_mail_sending_request_is_limited_per_email_alike(
    client: TestClient,
    registered: Callable[..., Any],
    signed_up: Callable[..., str],
    password: str,
    mails: Callable[[str], list[dict[str, Any]]],
    path: str,
) -> None:
    registered("known@example.com")
    signed_up("unconfirmed@example.com")
    before = {
        email: len(mails(email)) for email in ("known@example.com", "unconfirmed@example.com")
    }
    action, kind = path.split()
    email = {
        ("reset", "known"): "known@example.com",
        ("reset", "unknown"): "nobody@example.com",
        ("signup", "new"): "unconfirmed@example.com",
        ("signup", "known"): "known@example.com",
    }[(action, kind)]

    def ask() -> Any:
        if action == "reset":
            return client.post("/password-reset", json={"email": email})
        return client.post("/accounts", json={"email": email, "password": password})

    # Each kind of mail is counted apart; signing up counted once already for the addresses
    # signed up above.
    allowed = 3 - (1 if action == "signup" else 0)
    answers = [ask() for _ in range(allowed)]
    refused = ask()

    assert {answer.status_code for answer in answers} == {202}
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 3000 <= int(refused.headers["retry-after"]) <= 3600
    assert refused.json()["detail"] == (
        "Too many emails asked for: look for the ones already sent (and in the spam folder), "
        "or try again in 60 minutes."
    )
    if email in before:
        assert len(mails(email)) == before[email] + allowed


def test_mail_requests_from_one_client_are_limited_whatever_the_email(
    client: TestClient,
    password: str,
    relayed: Callable[..., dict[str, str]],
    mails: Callable[[str], list[dict[str, Any]]],
) -> None:
    for attempt in range(10):
        body = {"email": f"runner{attempt}@example.com"}
        if attempt % 2:
            response = client.post("/password-reset", json=body, headers=relayed("198.51.100.1"))
        else:
            response = client.post(
                "/accounts", json={**body, "password": password}, headers=relayed("198.51.100.1")
            )
        assert response.status_code == 202

    refused = client.post(
        "/accounts",
        json={"email": "one-more@example.com", "password": password},
        headers=relayed("198.51.100.1"),
    )
    other_client = client.post(
        "/accounts",
        json={"email": "one-more@example.com", "password": password},
        headers=relayed("198.51.100.2"),
    )

    assert refused.status_code == 429
    assert "try again in 60 minutes" in refused.json()["detail"]
    assert other_client.status_code == 202
    assert len(mails("one-more@example.com")) == 1


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
    for guessable in ("aaaaaaaaaa", "password123", "qwertyuiop"):
        refused = client.post(
            "/password-reset/confirm", json={"token": token, "password": guessable}
        )
        assert refused.status_code == 422
        assert "choose a less obvious password" in refused.json()["detail"]
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
