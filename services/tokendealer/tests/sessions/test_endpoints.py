from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_tokendealer.main import create_app
from runnerly_tokendealer.models import LoginFailure, RefreshToken
from runnerly_tokendealer.runtime import Runtime

PROBLEM = "application/problem+json"
USER_SCOPES = {
    "profile:read",
    "profile:write",
    "runs:read",
    "runs:delete",
    "runs:import",
    "races:read",
    "races:write",
    "stats:read",
    "plans:read",
    "plans:write",
    "reports:read",
    "reports:write",
}


DASHBOARD_SECRET = "dashboard-secret-0123456789"


def relay_headers(client: TestClient, address: str, scope: str = "accounts:relay") -> Any:
    """The dashboard relaying a browser at ``address`` (after whatever the browser wrote)."""
    token = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": scope},
        auth=("dashboard", DASHBOARD_SECRET),
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}", "X-Forwarded-For": f"10.0.0.1, {address}"}


def login(client: TestClient, email: str, password: str, address: str = "203.0.113.7") -> Any:
    return client.post(
        "/login",
        json={"email": email, "password": password},
        headers=relay_headers(client, address),
    )


def failures(runtime: Runtime) -> list[str]:
    with runtime.database.transaction() as session:
        return sorted(session.scalars(sa.select(LoginFailure.subject)))


def test_login_gives_a_token_pair(
    client: TestClient, signed_up: Callable[..., str], password: str
) -> None:
    client.post("/accounts/confirm", json={"token": signed_up("ada@example.com")})

    response = login(client, "ADA@example.com", password)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert len(body["refresh_token"]) >= 40
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["iss"] == "runnerly-tokendealer"
    assert claims["aud"] == "runnerly"
    assert set(claims["scope"].split()) == USER_SCOPES
    assert 899 < claims["exp"] - claims["iat"] <= 900
    assert "client_id" not in claims
    me = client.get("/accounts/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert claims["sub"] == me.json()["id"]


def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: TestClient, registered: Callable[..., Any], runtime: Runtime
) -> None:
    registered("ada@example.com")

    wrong_password = login(client, "ada@example.com", "not the password")
    unknown_email = login(client, "nobody@example.com", "not the password")

    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["detail"] == "Wrong email or password."
    assert wrong_password.json() == unknown_email.json()
    assert set(wrong_password.headers) == set(unknown_email.headers)
    # Both count, so the rate limit reveals nothing either.
    assert failures(runtime) == [
        "account:ada@example.com",
        "account:nobody@example.com",
        "address:203.0.113.7",
        "address:203.0.113.7",
        "client:ada@example.com 203.0.113.7",
        "client:nobody@example.com 203.0.113.7",
    ]


def test_login_before_confirming_is_refused_only_once_the_password_matched(
    client: TestClient, signed_up: Callable[..., str], password: str
) -> None:
    signed_up("ada@example.com")

    assert login(client, "ada@example.com", "not the password").status_code == 401
    response = login(client, "ada@example.com", password)

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == "Confirm your email address first: we sent you a link."


def test_failed_logins_lock_the_account_for_the_client_that_made_them(
    client: TestClient, registered: Callable[..., Any], password: str, runtime: Runtime
) -> None:
    registered("ada@example.com")
    registered("grace@example.com")
    for _ in range(5):
        assert login(client, "ada@example.com", "guess number x", "198.51.100.1").status_code == 401

    throttled = login(client, "ada@example.com", password, "198.51.100.1")

    assert throttled.status_code == 429
    assert throttled.headers["content-type"] == PROBLEM
    assert 1 <= int(throttled.headers["retry-after"]) <= 900
    # The same wait, in words: the window is 15 minutes, and the first failure just began it.
    assert throttled.json()["detail"] == "Too many failed logins: try again in 15 minutes."
    assert login(client, "grace@example.com", password, "198.51.100.1").status_code == 200
    # Once the window has passed, the account opens again.
    with runtime.database.transaction() as session:
        session.execute(
            sa.update(LoginFailure).values(failed_at=datetime.now(UTC) - timedelta(minutes=16))
        )
    assert login(client, "ada@example.com", password, "198.51.100.1").status_code == 200


def test_a_guesser_elsewhere_cannot_lock_the_owner_out(
    client: TestClient, registered: Callable[..., Any], password: str
) -> None:
    registered("ada@example.com")
    # The owner's new client, then a guesser from one address and one spread over many.
    owner_new_client = "192.0.2.50"
    for _ in range(5):
        login(client, "ada@example.com", "guess number x", "198.51.100.1")
    for attempt in range(30):
        login(client, "ada@example.com", "guess number x", f"203.0.113.{attempt}")

    assert login(client, "ada@example.com", password, "198.51.100.1").status_code == 429
    assert login(client, "ada@example.com", password, owner_new_client).status_code == 200


def test_a_guess_spread_over_many_clients_meets_the_account_ceiling(
    client: TestClient, registered: Callable[..., Any], password: str, runtime: Runtime
) -> None:
    registered("ada@example.com")
    assert login(client, "ada@example.com", password, "203.0.113.7").status_code == 200
    ceiling = runtime.settings.login_max_failures_per_account
    for attempt in range(ceiling):
        address = f"198.51.{attempt // 250}.{attempt % 250}"
        assert login(client, "ada@example.com", "guess number x", address).status_code == 401

    # Past the ceiling no new client gets to try, even with the right password...
    refused = login(client, "ada@example.com", password, "192.0.2.99")
    assert refused.status_code == 429
    assert refused.json()["detail"] == "Too many failed logins: try again in 15 minutes."
    assert login(client, "nobody@example.com", "guess number x", "192.0.2.99").status_code == 401
    # ...while a client the owner logged in from before still may.
    assert login(client, "ada@example.com", password, "203.0.113.7").status_code == 200


def test_failed_logins_per_address_are_limited(
    client: TestClient, registered: Callable[..., Any], password: str
) -> None:
    registered("ada@example.com")
    for attempt in range(20):
        email = f"someone{attempt}@example.com"
        assert login(client, email, "guess number x", "192.0.2.1").status_code == 401

    assert login(client, "ada@example.com", password, "192.0.2.1").status_code == 429
    assert login(client, "ada@example.com", password, "192.0.2.2").status_code == 200


def test_a_successful_login_clears_the_accounts_failures(
    client: TestClient, registered: Callable[..., Any], password: str
) -> None:
    registered("ada@example.com")
    for _ in range(4):
        login(client, "ada@example.com", "guess number x")
    assert login(client, "ada@example.com", password).status_code == 200
    for _ in range(4):
        assert login(client, "ada@example.com", "guess number x").status_code == 401
    assert login(client, "ada@example.com", password).status_code == 200


def test_refresh_rotates_the_refresh_token(
    client: TestClient, registered: Callable[..., Any], runtime: Runtime
) -> None:
    first = registered("ada@example.com")

    response = client.post("/refresh", json={"refresh_token": first["refresh_token"]})

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    third = client.post("/refresh", json={"refresh_token": second["refresh_token"]})
    assert third.status_code == 200
    with runtime.database.transaction() as session:
        rows = session.scalars(sa.select(RefreshToken)).all()
        assert len({row.family_id for row in rows}) == 1
        assert [row.used_at is not None for row in rows] == [True, True, False]


def test_a_reused_refresh_token_revokes_its_whole_family(
    client: TestClient, registered: Callable[..., Any]
) -> None:
    first = registered("ada@example.com")
    other_login = client.post(
        "/login", json={"email": "ada@example.com", "password": "correct horse battery"}
    ).json()
    second = client.post("/refresh", json={"refresh_token": first["refresh_token"]}).json()

    reuse = client.post("/refresh", json={"refresh_token": first["refresh_token"]})

    assert reuse.status_code == 401
    assert reuse.headers["content-type"] == PROBLEM
    assert reuse.json()["detail"] == "This refresh token was already used: log in again."
    # The thief's (or the owner's) newer token dies with it...
    assert (
        client.post("/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401
    )
    # ...but another login of the same runner goes on.
    assert (
        client.post("/refresh", json={"refresh_token": other_login["refresh_token"]}).status_code
        == 200
    )


def test_an_expired_or_unknown_refresh_token_is_refused(
    client: TestClient, registered: Callable[..., Any], runtime: Runtime
) -> None:
    tokens = registered("ada@example.com")
    with runtime.database.transaction() as session:
        session.execute(
            sa.update(RefreshToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    expired = client.post("/refresh", json={"refresh_token": tokens["refresh_token"]})
    unknown = client.post("/refresh", json={"refresh_token": "made-up"})

    assert expired.status_code == 401
    assert expired.json()["detail"] == "This refresh token has expired: log in again."
    assert unknown.status_code == 401
    assert client.post("/refresh", json={}).status_code == 422
    assert client.post("/refresh", json={"refresh_token": "x" * 201}).status_code == 422


def test_logout_ends_the_login(client: TestClient, registered: Callable[..., Any]) -> None:
    tokens = registered("ada@example.com")
    rotated = client.post("/refresh", json={"refresh_token": tokens["refresh_token"]}).json()

    response = client.post("/logout", json={"refresh_token": rotated["refresh_token"]})

    assert response.status_code == 204
    assert response.content == b""
    assert (
        client.post("/refresh", json={"refresh_token": rotated["refresh_token"]}).status_code == 401
    )
    assert client.post("/logout", json={"refresh_token": "unknown"}).status_code == 204


def test_bad_login_bodies_are_refused_and_not_counted(client: TestClient, runtime: Runtime) -> None:
    for body in (
        {"email": "ada@example.com"},
        {"email": "ada@example.com", "password": "p" * 1025},
        {"email": "", "password": "whatever"},
        {"email": "ada@example.com", "password": "x", "remember": True},
    ):
        response = client.post("/login", json=body)

        assert response.status_code == 422, body
        assert response.headers["content-type"] == PROBLEM
    assert failures(runtime) == []


def test_a_forwarded_address_from_anyone_but_the_relay_is_ignored(
    client: TestClient, registered: Callable[..., Any], password: str, runtime: Runtime
) -> None:
    registered("ada@example.com")
    not_relays = [
        {},  # no token at all
        {"Authorization": "Bearer not-a-token"},
        # A service's token without the relay scope.
        {"Authorization": relay_headers(client, "x", scope="mail:read")["Authorization"]},
    ]
    for attempt in range(5):
        headers = {**not_relays[attempt % 3], "X-Forwarded-For": f"198.51.100.{attempt}"}
        response = client.post(
            "/login",
            json={"email": "ada@example.com", "password": "guess number x"},
            headers=headers,
        )
        assert response.status_code == 401

    # Every guess counted against the peer itself, whatever address it claimed.
    assert {s for s in failures(runtime) if s.startswith("address:")} == {"address:testclient"}
    spoofed = client.post(
        "/login",
        json={"email": "ada@example.com", "password": password},
        headers={"X-Forwarded-For": "192.0.2.200"},
    )
    assert spoofed.status_code == 429


def test_behind_a_trusted_proxy_only_the_right_most_untrusted_hop_counts(
    settings_factory: Callable[..., Any], database_url: str
) -> None:
    settings = settings_factory(database_url=database_url, trusted_proxies="10.0.0.0/8, ::1")
    app = create_app(settings)
    # A client-written address, then the client as the outer proxy saw it, then an inner proxy.
    forwarded = {"X-Forwarded-For": "192.0.2.1, 198.51.100.7, 10.0.0.9"}
    body = {"email": "nobody@example.com", "password": "guess number x"}
    with TestClient(app, client=("10.1.2.3", 50000)) as behind_proxy:
        assert behind_proxy.post("/login", json=body, headers=forwarded).status_code == 401
    with TestClient(app, client=("203.0.113.9", 50000)) as direct:
        assert direct.post("/login", json=body, headers=forwarded).status_code == 401
        # Read while the app runs: its database is closed when it stops.
        addresses = [s for s in failures(app.state.runtime) if s.startswith("address:")]

    assert sorted(addresses) == ["address:198.51.100.7", "address:203.0.113.9"]


def test_a_trusted_proxy_must_be_an_address_or_a_network(
    settings_factory: Callable[..., Any],
) -> None:
    with pytest.raises(ValueError, match="not an IP address or a CIDR network"):
        settings_factory(trusted_proxies="10.0.0.0/8, proxy.internal")
