from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_kit.errors import InvalidInput, NotFound
from runnerly_kit.testing import TestKeys, bearer
from runnerly_tokendealer.accounts import service
from runnerly_tokendealer.models import Account, AccountToken, MailRequest, RefreshToken
from runnerly_tokendealer.runtime import Runtime

PROBLEM = "application/problem+json"


def accounts_in(runtime: Runtime) -> list[Account]:
    with runtime.database.transaction() as session:
        return list(session.scalars(sa.select(Account)))


def test_sign_up_answers_202_stores_an_unconfirmed_account_and_mails_a_link(
    client: TestClient,
    runtime: Runtime,
    outbox: Callable[[], list[Any]],
    mails: Callable[[str], list[dict[str, Any]]],
    password: str,
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
    # The id only: an address in a kept outbox row would outlive the account.
    assert created.payload == {"user_id": account.id}
    [mail] = mails("ada@example.com")
    assert mail["user_id"] == account.id
    assert mail["subject"] == "Confirm your email address"
    assert "https://runnerly.example/confirm?token=" in mail["text"]
    assert "https://runnerly.example/confirm?token=" in mail["html"]


def test_a_weak_password_is_refused_with_a_clear_message_and_nothing_is_stored(
    client: TestClient,
    runtime: Runtime,
    outbox: Callable[[], list[Any]],
) -> None:
    cases = {
        "short1234": "Choose a password of at least 10 characters.",
        "x" * 129: "Choose a password of at most 128 characters.",
        "Password123": "This is a very common password: choose a less obvious password. "
        "Add another word or two. Uncommon words are better. "
        "Capitalization doesn't help very much.",
        "aaaaaaaaaa": 'Repeats like "aaa" are easy to guess: choose a less obvious password. '
        "Add another word or two. Uncommon words are better. "
        "Avoid repeated words and characters.",
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
    client: TestClient,
    runtime: Runtime,
    registered: Callable[..., Any],
    outbox: Callable[[], list[Any]],
    mails: Callable[[str], list[dict[str, Any]]],
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
    assert set(body) == {"id", "email", "confirmed", "created_at", "roles"}
    assert body["roles"] == ["runner"]
    again = client.post("/accounts/confirm", json={"token": token})
    assert again.status_code == 400
    assert again.headers["content-type"] == PROBLEM
    assert again.json()["reason"] == "already_confirmed"
    assert again.json()["detail"] == "This account is already confirmed: log in."


def test_any_link_of_a_confirmed_account_says_it_is_confirmed(
    client: TestClient, runtime: Runtime, signed_up: Callable[..., str]
) -> None:
    older = signed_up("ada@example.com")
    newer = signed_up("ada@example.com")
    assert client.post("/accounts/confirm", json={"token": newer}).status_code == 200
    with runtime.database.transaction() as session:
        session.execute(
            sa.update(AccountToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    for token in (older, newer):
        response = client.post("/accounts/confirm", json={"token": token})

        assert response.status_code == 400
        assert response.json()["reason"] == "already_confirmed"


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
    client: TestClient,
    runtime: Runtime,
    registered: Callable[..., Any],
    outbox: Callable[[], list[Any]],
    password: str,
) -> None:
    tokens = registered("ada@example.com")
    registered("grace@example.com")
    [ada] = [a for a in accounts_in(runtime) if a.email == "ada@example.com"]
    client.post("/password-reset", json={"email": "ada@example.com"})
    counted = mail_request_subjects(runtime)
    # The mail limits count addresses by digest: no row names her.
    assert counted and not [s for s in counted if "ada@example.com" in s]

    response = client.delete("/accounts/me", headers=bearer(tokens["access_token"]))

    assert response.status_code == 204
    assert [a.email for a in accounts_in(runtime)] == ["grace@example.com"]
    with runtime.database.transaction() as session:
        assert (
            session.scalars(sa.select(RefreshToken).where(RefreshToken.account_id == ada.id)).all()
            == []
        )
        assert (
            session.scalars(sa.select(AccountToken).where(AccountToken.account_id == ada.id)).all()
            == []
        )
    deleted = [row for row in outbox() if row.name == "user.deleted"]
    assert [(row.kind, row.payload) for row in deleted] == [
        ("event", {"user_id": ada.id, "email": "ada@example.com"})
    ]
    refresh = client.post("/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401
    login = client.post("/login", json={"email": "ada@example.com", "password": password})
    assert login.status_code == 401
    # The access token is refused from the deletion's commit on, though it has not expired.
    gone = client.get("/accounts/me", headers=bearer(tokens["access_token"]))
    assert gone.status_code == 401
    assert gone.json()["title"] == "Account deleted"
    assert client.delete("/accounts/me", headers=bearer(tokens["access_token"])).status_code == 401
    # Her mail requests are forgotten with her; Grace's stay counted.
    assert len(mail_request_subjects(runtime)) == len(counted) - 2
    # Nothing kept names her but the event every service still has to hear (sent, then gone).
    assert [row.name for row in outbox() if "ada@example.com" in str(row.payload)] == [
        "user.deleted"
    ]


def mail_request_subjects(runtime: Runtime) -> list[str]:
    with runtime.database.transaction() as session:
        return list(session.scalars(sa.select(MailRequest.subject)))


def test_a_service_token_cannot_use_the_runner_endpoints(
    client: TestClient, dashboard_secret: str
) -> None:
    token = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("dashboard", dashboard_secret),
    ).json()["access_token"]

    response = client.get("/accounts/me", headers=bearer(token))

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM


def _service_headers(client: TestClient, scope: str) -> dict[str, str]:
    response = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "scope": scope,
            "client_id": "reports",
            "client_secret": "reports-secret-0123456789",
        },
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_service_holding_accounts_read_lists_confirmed_accounts_a_page_at_a_time(
    client: TestClient,
    registered: Callable[..., dict[str, Any]],
    signed_up: Callable[..., str],
    settings_factory: Callable[..., Any],
) -> None:
    for name in ("ada", "bo", "cy"):
        registered(f"{name}@example.com")
    signed_up("unconfirmed@example.com")
    reports = _service_headers(client, "accounts:read")

    first = client.get("/accounts?limit=2", headers=reports).json()
    second = client.get(f"/accounts?limit=2&cursor={first['next_cursor']}", headers=reports)

    emails = [item["email"] for item in first["items"] + second.json()["items"]]
    assert sorted(emails) == ["ada@example.com", "bo@example.com", "cy@example.com"]
    assert second.json()["next_cursor"] is None
    assert all(item["confirmed_at"] for item in first["items"])
    assert client.get("/accounts?cursor=../../x", headers=reports).status_code == 422


def test_listing_accounts_takes_the_accounts_read_scope(
    client: TestClient, registered: Callable[..., dict[str, Any]]
) -> None:
    runner = registered()
    other_service = _service_headers(client, "runs:read")

    as_runner = client.get(
        "/accounts", headers={"Authorization": f"Bearer {runner['access_token']}"}
    )

    assert as_runner.status_code == 403
    assert client.get("/accounts", headers=other_service).status_code == 403
    assert client.get("/accounts").status_code == 401


def test_an_admin_role_adds_its_scopes_to_the_next_token(
    client: TestClient,
    runtime: Runtime,
    registered: Callable[..., dict[str, Any]],
    password: str,
) -> None:
    before = registered("ada@example.com")
    with runtime.database.transaction() as session:
        service.grant_role(session, "Ada@Example.com", "admin")
        service.grant_role(session, "ada@example.com", "admin")  # twice is once

    after = client.post("/login", json={"email": "ada@example.com", "password": password})
    me = client.get(
        "/accounts/me", headers={"Authorization": f"Bearer {after.json()['access_token']}"}
    )

    assert "races:moderate" not in _scopes(before["access_token"])
    assert {"races:moderate", "accounts:read", "runs:read"} <= _scopes(after.json()["access_token"])
    assert me.json()["roles"] == ["runner", "admin"]
    with runtime.database.transaction() as session:
        service.revoke_role(session, "ada@example.com", "admin")
    again = client.post("/login", json={"email": "ada@example.com", "password": password})
    assert "races:moderate" not in _scopes(again.json()["access_token"])


def test_only_known_roles_are_granted_and_only_to_existing_accounts(
    runtime: Runtime, registered: Callable[..., dict[str, Any]]
) -> None:
    registered("ada@example.com")
    with runtime.database.transaction() as session:
        with pytest.raises(InvalidInput, match="not a role"):
            service.grant_role(session, "ada@example.com", "superuser")
        with pytest.raises(NotFound, match="No account has the email"):
            service.grant_role(session, "nobody@example.com", "admin")


def _scopes(access_token: str) -> set[str]:
    claims = jwt.decode(access_token, options={"verify_signature": False})
    return set(claims["scope"].split())


@pytest.mark.parametrize(
    ("schema", "field"),
    [("AccountCreate", "password"), ("PasswordResetConfirm", "password")],
)
def test_the_contract_states_the_password_rule_the_service_applies(
    client: TestClient, schema: str, field: str
) -> None:
    # Forms show the rule from the contract: it must be the rule the service enforces.
    prop = client.get("/openapi.json").json()["components"]["schemas"][schema]["properties"][field]

    assert prop["minLength"] == service.MIN_PASSWORD_LENGTH
    assert prop["maxLength"] == service.MAX_PASSWORD_LENGTH
