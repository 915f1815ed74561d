"""Accounts cannot be flooded, hijacked with an old link, kept after a reset, or guessed at
by claiming a new address each time: through the public /api, on the real processes.

Each rule is tested in depth in tokendealer's and the dashboard's own tests; these make
sure the system as started holds them.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from email.message import Message

import httpx
import pytest
import sqlalchemy as sa

from ..system import System, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase"
CONFIRM_LINK = re.compile(r"/confirm\?token=([A-Za-z0-9_\-]+)")
RESET_LINK = re.compile(r"/reset-password\?token=([A-Za-z0-9_\-]+)")


def _text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text part")


def _link(message: Message, pattern: re.Pattern[str]) -> str:
    match = pattern.search(_text(message))
    assert match, _text(message)
    return match.group(1)


def _new_runner(system: System) -> str:
    """A confirmed runner's email (signed up and confirmed through /api)."""
    email = f"runner-{uuid.uuid4().hex[:10]}@example.com"
    response = system.http.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 202, response.text
    token = _link(system.wait_for_mail(email), CONFIRM_LINK)
    assert system.http.post("/api/auth/confirm", json={"token": token}).status_code == 200
    return email


def _browser(system: System, email: str, password: str = PASSWORD) -> httpx.Client:
    """A browser of its own (its own cookie jar), logged in."""
    browser = httpx.Client(base_url=system.url, timeout=30)
    response = browser.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return browser


def _reset_mails(system: System, email: str) -> list[Message]:
    return [m for m in system.mails_to(email) if RESET_LINK.search(_text(m))]


def test_reset_mails_are_limited_per_address_alike_for_known_and_unknown(
    system: System,
) -> None:
    known = _new_runner(system)
    unknown = f"nobody-{uuid.uuid4().hex[:10]}@example.com"

    for email in (known, unknown):
        answers = [
            system.http.post("/api/auth/password-reset", json={"email": email}) for _ in range(30)
        ]
        statuses = [answer.status_code for answer in answers]
        assert statuses == [202] * 3 + [429] * 27, email
        refused = answers[-1]
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert 1 <= int(refused.headers["retry-after"]) <= 3600
        assert "try again in" in refused.json()["detail"]
    # Identical answers: the limit says nothing of which address has an account.
    assert answers[0].json() == {"status": "reset_link_sent"}
    wait_until(lambda: len(_reset_mails(system, known)) == 3, 30, "the three reset mails")


def test_only_the_newest_reset_link_works_and_only_once(system: System) -> None:
    email = _new_runner(system)
    for _ in range(3):
        assert (
            system.http.post("/api/auth/password-reset", json={"email": email}).status_code == 202
        )
    mails = wait_until(
        lambda: (found := _reset_mails(system, email)) and len(found) == 3 and found,
        30,
        "the three reset mails",
    )
    # A Maildir or an SMTP inbox may deliver them in any order; the links tell which is which.
    links = {_link(mail, RESET_LINK) for mail in mails}
    assert len(links) == 3

    worked = []
    for token in links:
        response = system.http.post(
            "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        )
        assert response.status_code in (204, 400), response.text
        if response.status_code == 204:
            worked.append(token)

    assert len(worked) == 1
    newest = _newest_reset_token(system, email)
    assert worked == [newest]
    again = system.http.post(
        "/api/auth/password-reset/confirm", json={"token": newest, "password": PASSWORD}
    )
    assert again.status_code == 400
    login = system.http.post("/api/auth/login", json={"email": email, "password": NEW_PASSWORD})
    assert login.status_code == 200


def _newest_reset_token(system: System, email: str) -> str:
    """The link token tokendealer issued last for the email (only its SHA-256 is stored)."""
    engine = system.database("tokendealer")
    with engine.connect() as connection:
        newest_hash = connection.execute(
            sa.text(
                "SELECT t.token_hash FROM account_tokens t JOIN accounts a ON a.id = t.account_id"
                " WHERE a.email = :email AND t.purpose = 'reset' ORDER BY t.id DESC LIMIT 1"
            ),
            {"email": email},
        ).scalar_one()
    engine.dispose()
    for mail in _reset_mails(system, email):
        token = _link(mail, RESET_LINK)
        if hashlib.sha256(token.encode()).hexdigest() == newest_hash:
            return token
    raise AssertionError("no mailed link is the newest one")


def test_a_reset_ends_every_session_and_refresh_token(system: System) -> None:
    email = _new_runner(system)
    browsers = [_browser(system, email) for _ in range(2)]
    script = system.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    system.http.cookies.clear()
    refresh_tokens = [script.json()["refresh_token"]]
    rotated = system.http.post("/api/auth/refresh", json={"refresh_token": refresh_tokens[0]})
    refresh_tokens.append(rotated.json()["refresh_token"])
    for browser in browsers:
        assert browser.get("/api/me").status_code == 200

    system.http.post("/api/auth/password-reset", json={"email": email})
    token = _link(
        wait_until(lambda: _reset_mails(system, email), 30, "the reset mail")[-1], RESET_LINK
    )
    reset = system.http.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert reset.status_code == 204, reset.text

    # At once, though the sessions' access tokens have minutes left.
    for browser in browsers:
        response = browser.get("/api/me")
        assert response.status_code == 401
        assert response.json()["detail"] == "Your session has ended; log in again."
        browser.close()
    for refresh_token in refresh_tokens:
        refused = system.http.post("/api/auth/refresh", json={"refresh_token": refresh_token})
        assert refused.status_code == 401


def test_a_claimed_forwarded_address_is_not_believed(system: System) -> None:
    email = _new_runner(system)
    for attempt in range(3):
        response = system.http.post(
            "/api/auth/login",
            json={"email": email, "password": f"guess number {attempt}"},
            headers={"X-Forwarded-For": f"198.51.100.{attempt}"},
        )
        assert response.status_code == 401

    engine = system.database("tokendealer")
    with engine.connect() as connection:
        subjects = connection.execute(
            sa.text("SELECT subject FROM login_failures WHERE subject LIKE :pattern"),
            {"pattern": f"client:{email} %"},
        ).scalars().all()
    engine.dispose()
    # Counted against the address the dashboard saw, not the ones the caller claimed.
    assert subjects == [f"client:{email} 127.0.0.1"] * 3
