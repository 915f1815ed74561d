"""A plan's name is one clean line, and the calendar file escapes whatever a row holds."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from icalendar import Calendar
from icalendar.parser import Contentline

from runnerly_plans.runtime import Runtime

Headers = dict[str, str]
HALF = {"distance_m": 21097.5, "date": "2026-06-14", "name": "Spring half",
        "days_per_week": 4, "long_run_day": "sunday"}
# What older rows may hold: names written before the one-line rule.
OLD_NAMES = {
    "crlf injection": ("Spring\r\nATTENDEE:mailto:evil@example.org",
                       "Spring ATTENDEE:mailto:evil@example.org"),
    "bare lf": ("Spring\nhalf", "Spring half"),
    "bare cr": ("Spring\rhalf", "Spring half"),
    # PostgreSQL stores no NUL: the writer's own test below covers it.
    "bell and escape": ("Spring\x07 half\x1b", "Spring half"),
    "bidi override": ("Spring \u202eflah", "Spring flah"),
    "separators": ("Spring\u2028half\u2029", "Spring half"),
    "ical specials": ("Spring; half, \\ again", "Spring; half, \\ again"),
}
# A content line ends with CRLF; a long one folds to CRLF + one space (RFC 5545, 3.1).
CONTENT_LINE = re.compile(rb"[^\r\n]*\r\n")


@pytest.mark.parametrize(
    ("value", "reason"),
    [("Spring\nhalf", "contains a line break"),
     ("Spring\u202ehalf", "contains a bidirectional override (U+202E)"),
     ("Spring\x00half", "contains a control character (U+0000)"),
     ("\u200b", "contains an invisible formatting character (U+200B)"),
     ("   ", "must not be empty or only spaces")],
)
def test_a_hostile_plan_name_is_refused(
    client: TestClient, alice: Headers, value: str, reason: str
) -> None:
    response = client.post("/plans", json={**HALF, "name": value}, headers=alice)

    assert response.status_code == 422
    assert response.json()["detail"] == f"Name {reason}."


def test_a_plan_name_is_kept_normalised(client: TestClient, alice: Headers) -> None:
    response = client.post("/plans", json={**HALF, "name": " Zu\u0308rich 東京 "}, headers=alice)

    assert response.status_code == 201
    assert response.json()["race_name"] == "Zürich 東京"


def _store_race_name(runtime: Runtime, plan_id: int, name: str) -> None:
    with runtime.database.transaction() as session:
        session.execute(sa.text("UPDATE plans SET race_name = :name WHERE id = :id"),
                        {"name": name, "id": plan_id})


def _content_lines(body: bytes) -> list[bytes]:
    lines = CONTENT_LINE.findall(body)
    assert b"".join(lines) == body, "a line ends without CRLF"
    return lines


@pytest.mark.parametrize("case", list(OLD_NAMES), ids=str)
def test_an_old_hostile_name_is_escaped_in_the_calendar(
    client: TestClient, alice: Headers, runtime: Runtime, case: str
) -> None:
    stored, shown = OLD_NAMES[case]
    plan = client.post("/plans", json=HALF, headers=alice).json()
    _store_race_name(runtime, plan["id"], stored)

    response = client.get(f"/plans/{plan['id']}.ics", headers=alice)

    assert response.status_code == 200
    lines = _content_lines(response.content)
    properties = [line.split(b":", 1)[0].split(b";", 1)[0] for line in lines
                  if not line.startswith(b" ")]
    assert b"ATTENDEE" not in properties
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", response.content.replace(b"\r\n", b""))
    calendar = Calendar.from_ical(response.content)
    # The library leaves an extension property's value escaped: read its content line.
    unfolded = response.content.replace(b"\r\n ", b"").decode().split("\r\n")
    calname = next(line for line in unfolded if line.startswith("X-WR-CALNAME"))
    assert Contentline(calname).parts()[2] == f"Runnerly: {shown}"
    races = [e for e in calendar.walk("VEVENT") if "race" in e.get("categories").cats]
    assert [str(e["summary"]) for e in races] == [f"Race: {shown}"]


def test_the_calendar_writer_escapes_without_asserts() -> None:
    """The iCalendar library guards its content lines with ``assert``, which ``python -O``
    removes: the writer must escape by itself."""
    script = textwrap.dedent("""
        import sys
        from datetime import UTC, date, datetime
        from runnerly_plans.models import Plan, Workout
        from runnerly_plans.plans.calendar import plan_calendar
        assert False, "-O is off"
        plan = Plan(id=1, race_name="Half\\r\\nATTENDEE:evil\\nX-A:\\x00\\u2028",
                    updated_at=datetime(2026, 3, 4, tzinfo=UTC))
        race = Workout(date=date(2026, 6, 14), kind="race", distance_m=21097.5,
                       description="Race day\\r\\nATTENDEE:evil")
        sys.stdout.buffer.write(plan_calendar(plan, [race], "km"))
    """)
    done = subprocess.run([sys.executable, "-O", "-c", script], capture_output=True, check=True)

    lines = _content_lines(done.stdout)
    starts = [line.split(b":", 1)[0] for line in lines if not line.startswith(b" ")]
    assert b"ATTENDEE" not in starts
    assert b"X-A" not in starts
    assert b"\x00" not in done.stdout


