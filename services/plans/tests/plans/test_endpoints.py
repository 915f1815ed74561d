"""The plans API over HTTP, with the fake dataservice behind it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from runnerly_kit.testing import TestKeys, bearer
from runnerly_plans.fitness.vdot import vdot_from_race

PROBLEM = "application/problem+json"
Headers = dict[str, str]
HALF = {"distance_m": 21097.5, "date": "2026-06-14", "name": "Spring half",
        "days_per_week": 4, "long_run_day": "sunday"}


def at(day: date, hour: int = 7, zone: str = "UTC") -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(zone))


def give_history(dataservice: Any, runner_id: str = "alice") -> None:
    """Four weeks of 30 km (Feb 2 to Mar 1), the last long run holding a 10 km best
    effort of 41:21 (VDOT 50)."""
    run_id = 0
    for week in range(4):
        monday = date(2026, 2, 2) + timedelta(weeks=week)
        for day, km in ((1, 8), (3, 8), (6, 14)):
            run_id = dataservice.add_run(runner_id, at(monday + timedelta(days=day)),
                                         km * 1000, km * 330)
    dataservice.add_record(runner_id, "10k", 10_000, 41 * 60 + 21, at(date(2026, 3, 1)),
                           run_id=run_id)


def test_create_a_plan_for_a_race_of_ones_own(
    client: TestClient, alice: Headers, dataservice: Any,
    outbox_events: Callable[[str], list[dict[str, Any]]],
) -> None:
    give_history(dataservice)
    response = client.post("/plans", json=HALF, headers=alice)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert (plan["race_name"], plan["race_date"], plan["start_date"]) == (
        "Spring half", "2026-06-14", "2026-03-09")
    assert plan["fitness"]["source"] == "best_efforts"
    assert plan["vdot"] == pytest.approx(50, abs=0.5)
    assert plan["weeks"][0]["planned_distance_m"] == 30_000  # what alice runs
    assert [p["phase"] for p in plan["phases"]] == ["base", "build", "peak", "taper"]
    assert sum(p["weeks"] for p in plan["phases"]) == len(plan["weeks"]) == 14
    assert [p["distance"] for p in plan["predictions"]] == ["5k", "10k", "half", "marathon"]
    ten_k = plan["predictions"][1]
    assert ten_k["vdot_time_s"] == pytest.approx(41 * 60 + 21, abs=15)
    assert ten_k["riegel_time_s"] == 41 * 60 + 21
    race = plan["weeks"][-1]["workouts"][-1]
    assert (race["kind"], race["date"], race["status"]) == ("race", "2026-06-14", "planned")
    first = plan["weeks"][0]["workouts"]
    assert {w["date"] for w in first} <= {"2026-03-10", "2026-03-11", "2026-03-13",
                                           "2026-03-15"}
    assert plan["paces"]["threshold"]["fast_s_per_km"] == pytest.approx(255, abs=3)
    assert (plan["current_week"], plan["behind"], plan["today"]) == (None, False, "2026-03-04")
    assert outbox_events("plan.created") == [{
        "plan_id": plan["id"], "runner_id": "alice", "race_date": "2026-06-14",
        "distance_m": 21097.5}]
    # Read back as it was answered, revalidated by its ETag.
    read = client.get(f"/plans/{plan['id']}", headers=alice)
    assert read.json() == plan
    again = client.get(f"/plans/{plan['id']}",
                       headers={**alice, "If-None-Match": read.headers["etag"]})
    assert again.status_code == 304


def test_create_a_plan_for_a_race_of_the_list(
    client: TestClient, alice: Headers, dataservice: Any
) -> None:
    race_id = dataservice.add_race("City 10K", date(2026, 5, 3), 10_000)
    response = client.post("/plans", json={"race_id": race_id, "days_per_week": 5,
                                           "long_run_day": "saturday", "goal_time_s": 3000},
                           headers=alice)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert (plan["race_id"], plan["race_name"], plan["distance_m"]) == (race_id, "City 10K",
                                                                         10_000)
    assert plan["long_run_day"] == "saturday"
    # No history at all: the conservative default, said so.
    assert (plan["fitness"]["source"], plan["vdot"]) == ("default", 30)
    assert "conservative VDOT of 30" in plan["warnings"][0]
    # A 50-minute 10 km is a VDOT 40 goal: out of reach from 30 in 9 weeks.
    assert any("asks for a VDOT of" in warning for warning in plan["warnings"])
    assert plan["target_time_s"] > 3000
    assert "/races/1" in dataservice.paths()


def test_fitness_falls_back_to_runs_then_the_profile(
    client: TestClient, alice: Headers, bob: Headers, dataservice: Any
) -> None:
    dataservice.add_run("alice", at(date(2026, 2, 20)), 8000, 40 * 60)  # VDOT 39.4
    dataservice.add_run("alice", at(date(2026, 2, 24)), 2000, 8 * 60)  # too short to count
    dataservice.add_run("alice", at(date(2025, 12, 1)), 10000, 38 * 60)  # too old
    plan = client.post("/plans", json=HALF, headers=alice).json()
    assert plan["fitness"]["source"] == "runs"
    assert plan["fitness"]["effort"]["distance_m"] == 8000
    assert plan["vdot"] == pytest.approx(vdot_from_race(8000, 40 * 60), abs=0.01)

    dataservice.set_profile("bob", vo2max=52.0)
    plan = client.post("/plans", json=HALF, headers=bob).json()
    assert (plan["fitness"]["source"], plan["vdot"], plan["fitness"]["effort"]) == (
        "profile", 52.0, None)
    assert all(p["riegel_time_s"] is None for p in plan["predictions"])


def test_a_dataservice_without_records_is_read_through_its_runs(
    client: TestClient, alice: Headers, dataservice: Any
) -> None:
    dataservice.has_records = False
    dataservice.add_run("alice", at(date(2026, 2, 20)), 10_000, 41 * 60 + 21)
    plan = client.post("/plans", json=HALF, headers=alice).json()
    assert (plan["fitness"]["source"], round(plan["vdot"])) == ("runs", 50)


@pytest.mark.parametrize(
    ("changes", "status", "reason"),
    [
        ({"date": "2026-03-01"}, 422, "race_in_past"),
        ({"date": "2026-03-20"}, 422, "race_too_close"),
        ({"date": "2076-03-01"}, 422, "race_too_far"),
        ({"date": "2027-03-05"}, 422, "race_too_far"),
        ({"distance_m": 400}, 422, "distance_out_of_range"),
        ({"distance_m": 0}, 422, None),
        ({"distance_m": -5}, 422, None),
        ({"days_per_week": 2}, 422, None),
        ({"days_per_week": 8}, 422, None),
        ({"long_run_day": "someday"}, 422, None),
        ({"goal_time_s": 10}, 422, None),
        ({"race_id": 1}, 422, None),  # a race id and a race of one's own
        ({"date": None}, 422, None),
        ({"colour": "red"}, 422, None),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    client: TestClient, alice: Headers, count_rows: Callable[[str], int],
    changes: dict[str, Any], status: int, reason: str | None,
) -> None:
    body = {key: value for key, value in {**HALF, **changes}.items() if value is not None}
    response = client.post("/plans", json=body, headers=alice)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"]
    if reason is not None:
        assert response.json()["reason"] == reason
    assert (count_rows("plans"), count_rows("workouts"), count_rows("outbox")) == (0, 0, 0)


def test_an_unknown_race_is_refused(
    client: TestClient, alice: Headers, count_rows: Callable[[str], int]
) -> None:
    response = client.post("/plans", json={"race_id": 99, "days_per_week": 4}, headers=alice)
    assert response.status_code == 422
    assert response.json()["reason"] == "unknown_race"
    assert count_rows("plans") == 0


def test_a_failing_dataservice_is_a_503_and_nothing_stored(
    client: TestClient, alice: Headers, dataservice: Any, count_rows: Callable[[str], int]
) -> None:
    dataservice.failing_with = 500
    response = client.post("/plans", json=HALF, headers=alice)
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert count_rows("plans") == 0


def test_another_runners_plan_is_not_found(
    client: TestClient, alice: Headers, bob: Headers
) -> None:
    plan_id = client.post("/plans", json=HALF, headers=alice).json()["id"]
    for method, path in (("GET", f"/plans/{plan_id}"), ("GET", f"/plans/{plan_id}.ics"),
                         ("DELETE", f"/plans/{plan_id}"),
                         ("POST", f"/plans/{plan_id}/regenerate")):
        response = client.request(method, path, headers=bob)
        assert response.status_code == 404, (method, path)
        assert response.headers["content-type"] == PROBLEM
    assert client.get("/plans", headers=bob).json()["items"] == []
    assert client.get(f"/plans/{plan_id}", headers=alice).status_code == 200


def test_list_and_delete(client: TestClient, alice: Headers) -> None:
    ids = [client.post("/plans", json={**HALF, "name": f"Race {n}"}, headers=alice).json()["id"]
           for n in range(3)]
    first = client.get("/plans", params={"limit": 2}, headers=alice).json()
    assert [item["id"] for item in first["items"]] == [ids[2], ids[1]]
    assert first["items"][0]["adherence"] == {
        "workouts_due": 0, "workouts_done": 0, "planned_distance_m": 0,
        "done_distance_m": 0.0, "ratio": None}
    rest = client.get("/plans", params={"cursor": first["next_cursor"]}, headers=alice).json()
    assert ([item["id"] for item in rest["items"]], rest["next_cursor"]) == ([ids[0]], None)
    assert client.get("/plans", params={"cursor": "nope"}, headers=alice).status_code == 422

    assert client.delete(f"/plans/{ids[1]}", headers=alice).status_code == 204
    assert client.get(f"/plans/{ids[1]}", headers=alice).status_code == 404
    assert client.delete(f"/plans/{ids[1]}", headers=alice).status_code == 404
    left = client.get("/plans", headers=alice).json()["items"]
    assert [item["id"] for item in left] == [ids[2], ids[0]]


def test_a_service_lists_a_runners_plans_by_runner_id(
    client: TestClient, alice: Headers, keys: TestKeys
) -> None:
    plan_id = client.post("/plans", json=HALF, headers=alice).json()["id"]
    reports = bearer(keys.service_token("reports", "plans:read"))
    listed = client.get("/plans", params={"runner_id": "alice"}, headers=reports)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [plan_id]
    assert client.get(f"/plans/{plan_id}", params={"runner_id": "alice"},
                      headers=reports).status_code == 200
    assert client.get("/plans", params={"runner_id": "bob"},
                      headers=reports).json()["items"] == []
    # A service names the runner; it never writes.
    assert client.get("/plans", headers=reports).status_code == 422
    assert client.post("/plans", json=HALF, headers=reports).status_code == 403
    assert client.delete(f"/plans/{plan_id}", headers=reports).status_code == 403
    other = bearer(keys.service_token("ingest", "runs:read"))
    assert client.get("/plans", params={"runner_id": "alice"}, headers=other).status_code == 403


def test_runner_tokens_reach_only_their_own_plans(
    client: TestClient, alice: Headers, runner_headers: Callable[..., Headers]
) -> None:
    client.post("/plans", json=HALF, headers=alice)
    bob = runner_headers("bob")
    assert client.get("/plans", params={"runner_id": "alice"}, headers=bob).status_code == 403
    read_only = runner_headers("alice", "plans:read")
    assert client.post("/plans", json=HALF, headers=read_only).status_code == 403
    assert client.get("/plans", headers={}).status_code == 401


def test_the_plan_as_an_icalendar_file(client: TestClient, alice: Headers) -> None:
    plan = client.post("/plans", json=HALF, headers=alice).json()
    response = client.get(f"/plans/{plan['id']}.ics", headers=alice)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    workouts = [w for week in plan["weeks"] for w in week["workouts"]]
    assert len(events) == len(workouts)
    by_day = {event.decoded("dtstart"): event for event in events}
    for workout in workouts:
        event = by_day[date.fromisoformat(workout["date"])]
        assert event.decoded("dtend") == date.fromisoformat(workout["date"]) + timedelta(days=1)
        assert str(event["description"]) == workout["description"]
    uids = [str(event["uid"]) for event in events]
    assert len(set(uids)) == len(uids)
    race = by_day[date(2026, 6, 14)]
    assert str(race["summary"]) == "Race: Spring half"
    # The same file again: the same events.
    again = Calendar.from_ical(client.get(f"/plans/{plan['id']}.ics", headers=alice).content)
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == uids


def test_ids_out_of_range_are_refused(client: TestClient, alice: Headers) -> None:
    assert client.get("/plans/0", headers=alice).status_code == 422
    assert client.get(f"/plans/{2**40}", headers=alice).status_code == 422
    assert client.get("/plans/abc.ics", headers=alice).status_code == 422


MARATHON = {"distance_m": 42195, "date": "2026-08-30", "days_per_week": 5,
            "long_run_day": "sunday"}


def _texts_of(plan: dict[str, Any]) -> list[str]:
    return [w["description"] for week in plan["weeks"] for w in week["workouts"]] + [
        *plan["warnings"]]


def _assert_in_miles(texts: list[str], *, paces: bool = True) -> None:
    assert texts
    for text in texts:
        assert " km" not in text and "/km" not in text, text
    joined = " ".join(texts)
    assert " mi" in joined and ("/mi" in joined or not paces)


@pytest.mark.parametrize("body", [HALF, MARATHON])
def test_a_mile_runner_reads_every_distance_and_pace_of_a_plan_in_miles(
    client: TestClient, alice: Headers, dataservice: Any, body: dict[str, Any]
) -> None:
    # A new runner (warnings about volume) and one with a history, each in miles.
    dataservice.set_profile("alice", units="mi")
    plan = client.post("/plans", json={k: v for k, v in body.items() if k != "name"},
                       headers=alice).json()
    assert plan["race_name"].endswith(" mi race")

    _assert_in_miles(_texts_of(plan))
    read = client.get(f"/plans/{plan['id']}", params={"units": "mi"}, headers=alice).json()
    _assert_in_miles(_texts_of(read))
    calendar = Calendar.from_ical(
        client.get(f"/plans/{plan['id']}.ics", params={"units": "mi"}, headers=alice).content)
    events = list(calendar.walk("VEVENT"))
    _assert_in_miles([str(e["summary"]) for e in events if "Race" not in str(e["summary"])],
                     paces=False)
    _assert_in_miles([str(e["description"]) for e in events])
    # The same plan for a reader in kilometres: the same workouts, in km.
    in_km = client.get(f"/plans/{plan['id']}", params={"units": "km"}, headers=alice).json()
    assert " km" in " ".join(_texts_of(in_km)) and " mi" not in " ".join(_texts_of(in_km))


def test_a_workout_description_in_miles_says_the_same_distances_and_paces(
    client: TestClient, alice: Headers, dataservice: Any
) -> None:
    give_history(dataservice)
    plan = client.post("/plans", json=HALF, headers=alice).json()
    km = client.get(f"/plans/{plan['id']}", params={"units": "km"}, headers=alice).json()
    mi = client.get(f"/plans/{plan['id']}", params={"units": "mi"}, headers=alice).json()
    easy_km, easy_mi = (next(w for week in p["weeks"] for w in week["workouts"]
                             if w["kind"] == "easy") for p in (km, mi))
    assert easy_km["distance_m"] == easy_mi["distance_m"]
    miles = easy_km["distance_m"] / 1609.344
    assert easy_mi["description"].startswith(f"{miles:.1f} mi easy (")
    assert easy_km["description"].startswith(f"{easy_km['distance_m'] / 1000:.1f} km easy (")


def test_a_mile_runner_is_told_the_distances_plans_cover_in_miles(
    client: TestClient, alice: Headers, dataservice: Any
) -> None:
    dataservice.set_profile("alice", units="mi")
    response = client.post("/plans", json={**HALF, "distance_m": 400}, headers=alice)
    assert response.status_code == 422
    assert response.json()["detail"] == "Plans are made for races of 0.6 mi to 62.1 mi."
