"""The browser's time zone at sign-up becomes the profile's at the account's first login,
and only for the sign-up that created the account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def _sign_up(client: TestClient, fake: Any, email: str, time_zone: str | None,
             created: datetime | None = None) -> None:
    body: dict[str, Any] = {"email": email, "password": PASSWORD}
    if time_zone is not None:
        body["time_zone"] = time_zone
    response = client.post("/api/auth/signup", json=body)
    assert response.status_code == 202, response.text
    # tokendealer's account, confirmed, created when it says.
    account = fake.accounts[email]
    account.confirmed = True
    account.created_at = (created or datetime.now(UTC)).isoformat().replace("+00:00", "Z")
    # tokendealer never hears of the zone (its schema forbids unknown fields).
    assert "time_zone" not in fake.sent("tokendealer", "POST", "/accounts")[-1].content.decode()


def _zone_after_logins(client: TestClient, email: str, logins: int = 1) -> str:
    for _ in range(logins):
        login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
    me = client.get("/api/me")
    assert me.status_code == 200, me.text
    zone: str = me.json()["profile"]["time_zone"]
    return zone


def test_the_zone_said_at_sign_up_is_the_profiles_after_the_first_login(
    client: TestClient, fake: Any
) -> None:
    _sign_up(client, fake, "ada@example.com", "Europe/Paris")

    assert _zone_after_logins(client, "ada@example.com") == "Europe/Paris"


def test_it_is_applied_once_and_never_over_a_zone_the_runner_chose(
    client: TestClient, fake: Any
) -> None:
    _sign_up(client, fake, "ada@example.com", "Europe/Paris")
    assert _zone_after_logins(client, "ada@example.com") == "Europe/Paris"
    csrf = {"X-CSRF-Token": client.cookies["runnerly_csrf"]}
    changed = client.patch("/api/me", json={"time_zone": "Asia/Tokyo"}, headers=csrf)
    assert changed.status_code == 200

    assert _zone_after_logins(client, "ada@example.com", logins=2) == "Asia/Tokyo"


def test_a_later_sign_up_with_a_taken_address_changes_nothing(
    client: TestClient, fake: Any
) -> None:
    # Someone signs up with an address whose account was created long before.
    _sign_up(client, fake, "ada@example.com", None, created=datetime.now(UTC) - timedelta(days=3))
    fake.accounts.pop("ada@example.com")
    _sign_up(client, fake, "ada@example.com", "Pacific/Kiritimati",
             created=datetime.now(UTC) - timedelta(days=3))

    assert _zone_after_logins(client, "ada@example.com") == "UTC"


def test_an_unknown_zone_is_ignored_and_signup_still_works(
    client: TestClient, fake: Any
) -> None:
    _sign_up(client, fake, "ada@example.com", "Mars/Olympus_Mons")

    assert _zone_after_logins(client, "ada@example.com") == "UTC"
