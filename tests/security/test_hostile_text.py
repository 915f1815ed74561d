"""Text other runners, mails and files see, through the public API on the real processes:
hostile names are refused with a problem naming the field and the character class, race
dates stay sane, and an address with an internationalised domain gets its mail."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from email.message import Message
from typing import Any

import pytest

from ..system import System

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]
PASSWORD = "correct horse battery staple"
_CONFIRM_LINK = re.compile(r"/confirm\?token=([A-Za-z0-9_\-]+)")
HOSTILE = {
    "Paris\r\nMarathon": "contains a line break",
    "Paris\u2028Marathon": "contains a line break",
    "Paris\x00Marathon": "contains a control character (U+0000)",
    "Paris\x1b[2JMarathon": "contains a control character (U+001B)",
    "Paris \u202enohtaraM": "contains a bidirectional override (U+202E)",
    "Paris\u2067Marathon": "contains a bidirectional override (U+2067)",
    "Paris\u200bMarathon": "contains an invisible formatting character (U+200B)",
    " \u3000 ": "must not be empty or only spaces",
}


def _text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text part")


def _sign_up(system: System, email: str, delivered_to: str) -> dict[str, str]:
    """Sign up, confirm through the link mailed to ``delivered_to``, log in: bearer headers."""
    response = system.http.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 202, response.text
    mail = system.wait_for_mail(delivered_to)
    match = _CONFIRM_LINK.search(_text_of(mail))
    assert match, _text_of(mail)
    confirmed = system.http.post("/api/auth/confirm", json={"token": match.group(1)})
    assert confirmed.status_code == 200, confirmed.text
    login = system.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _race(**fields: Any) -> dict[str, Any]:
    day = (date.today() + timedelta(days=60)).isoformat()
    return {"name": "City Marathon", "date": day, "distance_m": 42195, "location": "Paris",
            **fields}


def test_an_address_with_an_internationalised_domain_gets_its_confirmation(
    system: System,
) -> None:
    local = f"runner-{uuid.uuid4().hex[:10]}"

    headers = _sign_up(system, f"{local}@bücher.example", f"{local}@xn--bcher-kva.example")

    me = system.http.get("/api/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["account"]["email"] == f"{local}@bücher.example"


def test_hostile_race_text_is_refused_and_real_names_are_kept(system: System) -> None:
    local = f"runner-{uuid.uuid4().hex[:10]}"
    headers = _sign_up(system, f"{local}@example.com", f"{local}@example.com")

    for field in ("name", "location"):
        for value, reason in HOSTILE.items():
            response = system.http.post("/api/races", json=_race(**{field: value}),
                                        headers=headers)
            assert response.status_code == 422, (field, value, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["detail"] == f"{field.capitalize()} {reason}."
    for day in ("9999-12-31", (date.today() + timedelta(days=6 * 366)).isoformat()):
        response = system.http.post("/api/races", json=_race(date=day), headers=headers)
        assert response.status_code == 422, response.text
        assert "at most five years ahead" in response.json()["detail"]

    kept = system.http.post(
        "/api/races", json=_race(name=" Zu\u0308rich 東京 🏃‍♀️ ", location="تل אביב"),
        headers=headers,
    )
    assert kept.status_code == 201, kept.text
    assert (kept.json()["name"], kept.json()["location"]) == ("Zürich 東京 🏃‍♀️", "تل אביב")


def test_hostile_profile_and_plan_names_are_refused(system: System) -> None:
    local = f"runner-{uuid.uuid4().hex[:10]}"
    headers = _sign_up(system, f"{local}@example.com", f"{local}@example.com")
    plan = {"distance_m": 10000, "date": (date.today() + timedelta(days=70)).isoformat(),
            "days_per_week": 4}

    for value, reason in HOSTILE.items():
        profile = system.http.patch("/api/me", json={"display_name": value}, headers=headers)
        assert profile.status_code == 422, profile.text
        assert profile.json()["detail"] == f"Display name {reason}."
        planned = system.http.post("/api/plans", json={**plan, "name": value}, headers=headers)
        assert planned.status_code == 422, planned.text
        assert planned.json()["detail"] == f"Name {reason}."
