"""Text other runners, mails and files see: every one-line field refuses hidden characters,
and dates stay in a sane range."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from runnerly_kit.validation import label

Headers = dict[str, str]
PROBLEM = "application/problem+json"

HOSTILE = {
    "line feed": ("Paris\nMarathon", "contains a line break"),
    "carriage return": ("Paris\r\nX-Injected: yes", "contains a line break"),
    "line separator": ("Paris\u2028Marathon", "contains a line break"),
    "nul": ("Paris\x00Marathon", "contains a control character (U+0000)"),
    "escape": ("Paris\x1b[31mMarathon", "contains a control character (U+001B)"),
    "c1 control": ("Paris\x9bMarathon", "contains a control character (U+009B)"),
    "delete": ("Paris\x7fMarathon", "contains a control character (U+007F)"),
    "bidi override": ("Paris\u202enohtaraM", "contains a bidirectional override (U+202E)"),
    "bidi isolate": ("Paris\u2066Marathon", "contains a bidirectional override (U+2066)"),
    "zero width space": ("Paris\u200bMarathon",
                         "contains an invisible formatting character (U+200B)"),
    "byte order mark": ("\ufeffParis", "contains an invisible formatting character (U+FEFF)"),
    "only spaces": ("  \u3000 ", "must not be empty or only spaces"),
}


def _race(**fields: Any) -> dict[str, Any]:
    day = (date.today() + timedelta(days=30)).isoformat()
    return {"name": "City Marathon", "date": day, "distance_m": 42195, **fields}


@pytest.mark.parametrize("field", ["name", "location"])
@pytest.mark.parametrize("case", list(HOSTILE), ids=str)
def test_hostile_race_text_is_refused_naming_the_field_and_the_class(
    client: TestClient, alice: Headers, count_rows: Callable[[str], int], field: str, case: str
) -> None:
    value, reason = HOSTILE[case]

    response = client.post("/races", json=_race(**{field: value}), headers=alice)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == f"{label(('body', field))} {reason}."
    assert count_rows("races") == 0


def test_race_text_is_stored_normalised_and_trimmed(client: TestClient, alice: Headers) -> None:
    response = client.post(
        "/races", json=_race(name="  Zu\u0308rich 東京 🏃‍♀️ ", location=" مراتن "), headers=alice
    )

    assert response.status_code == 201
    assert (response.json()["name"], response.json()["location"]) == (
        "Zürich 東京 🏃‍♀️", "مراتن"
    )


def test_race_dates_are_at_most_five_years_ahead(
    client: TestClient, alice: Headers, count_rows: Callable[[str], int]
) -> None:
    today = datetime.now(UTC).date()
    if (today.month, today.day) == (2, 29):
        today = today.replace(day=28)
    last = today.replace(year=today.year + 5)

    for too_far in (last + timedelta(days=1), date(9999, 12, 31)):
        response = client.post("/races", json=_race(date=too_far.isoformat()), headers=alice)
        assert response.status_code == 422, too_far
        assert "at most five years ahead" in response.json()["detail"]
    assert count_rows("races") == 0
    kept = client.post("/races", json=_race(date=last.isoformat()), headers=alice)
    assert kept.status_code == 201


@pytest.mark.parametrize("case", list(HOSTILE), ids=str)
def test_hostile_display_names_are_refused(client: TestClient, alice: Headers, case: str) -> None:
    value, reason = HOSTILE[case]

    response = client.patch("/profile", json={"display_name": value}, headers=alice)

    assert response.status_code == 422
    assert response.json()["detail"] == f"Display name {reason}."
    assert client.get("/profile", headers=alice).json()["display_name"] is None


def test_birth_years_are_not_in_the_future(client: TestClient, alice: Headers) -> None:
    this_year = datetime.now(UTC).year

    refused = client.patch("/profile", json={"birth_year": this_year + 1}, headers=alice)
    kept = client.patch("/profile", json={"birth_year": this_year}, headers=alice)

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "birth_year"
    assert refused.json()["detail"].startswith("Birth year")
    assert kept.status_code == 200


@pytest.mark.parametrize("field", ["name", "sport_type"])
@pytest.mark.parametrize("case", list(HOSTILE), ids=str)
def test_hostile_run_text_refuses_the_batch(
    client: TestClient,
    ingest: Headers,
    make_run: Callable[..., dict[str, Any]],
    count_rows: Callable[[str], int],
    field: str,
    case: str,
) -> None:
    value, reason = HOSTILE[case]

    response = client.post(
        "/runs/batch", json={"runs": [make_run("1", **{field: value})]}, headers=ingest
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": f"runs.0.{field}", "message": f"{label(('body', field))} {reason}."}
    ]
    assert count_rows("runs") == 0
