"""A training plan on the real processes: made from the runner's history and a race through
``/api``, then a run done on a planned day matched to its workout by the ``run.created``
event (dataservice -> broker -> plans worker), and the plan forgotten with the account."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from .conftest import System, wait_until
from .test_user_journey import auth, sign_up

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def _history(runner_id: str, weeks: int = 8) -> list[dict[str, Any]]:
    """Four runs a week of the last weeks: 5 km at 5:00/km, a 10 km long run at 5:30/km."""
    today = datetime.now(UTC).replace(hour=7, minute=0, second=0, microsecond=0)
    runs = []
    for day in range(1, weeks * 7):
        if day % 7 not in (1, 3, 5, 6):
            continue
        long_run = day % 7 == 6
        distance = 10_000.0 if long_run else 5_000.0
        seconds = int(distance / 1000 * (330 if long_run else 300))
        runs.append({
            "runner_id": runner_id, "source": "manual", "external_id": f"history-{day}",
            "name": "Long run" if long_run else "Easy run", "sport_type": "Run",
            "started_at": (today - timedelta(days=day)).isoformat(),
            "distance_m": distance, "moving_time_s": seconds, "elapsed_time_s": seconds + 30,
        })
    return runs


def test_a_plan_for_a_race_follows_the_runs_done(system: System) -> None:
    _, tokens = sign_up(system)
    runner_id = system.http.get("/api/me", headers=auth(tokens)).json()["account"]["id"]
    system.store_runs(_history(runner_id))
    race_day = date.today() + timedelta(weeks=12)
    race = system.http.post(
        "/api/races", headers=auth(tokens),
        json={"name": "Autumn Half", "date": race_day.isoformat(), "distance_m": 21097.5,
              "location": "Lyon"},
    )
    assert race.status_code == 201, race.text

    too_soon = system.http.post("/api/plans", headers=auth(tokens), json={
        "distance_m": 42195, "date": (date.today() + timedelta(days=10)).isoformat(),
        "days_per_week": 4,
    })
    created = system.http.post("/api/plans", headers=auth(tokens), json={
        "race_id": race.json()["id"], "days_per_week": 4, "long_run_day": "sunday",
    })
    two_races = system.http.post("/api/plans", headers=auth(tokens), json={
        "race_id": race.json()["id"], "distance_m": 42195, "date": race_day.isoformat(),
        "days_per_week": 4,
    })

    assert too_soon.status_code == 422, too_soon.text
    assert too_soon.headers["content-type"] == "application/problem+json"
    # One race per plan is the plans service's rule: its refusal reaches the runner whole.
    assert two_races.status_code == 422, two_races.text
    assert two_races.headers["content-type"] == "application/problem+json"
    assert "not both" in two_races.json()["detail"]
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["race_date"] == race_day.isoformat()
    assert plan["fitness"]["source"] != "default"  # it read the history
    workouts = [w for week in plan["weeks"] for w in week["workouts"]]
    assert workouts[-1]["date"] == race_day.isoformat()
    assert {w["kind"] for w in workouts} >= {"easy", "long", "race"}
    assert system.http.get("/api/plans", headers=auth(tokens)).json()["items"][0]["id"] == (
        plan["id"]
    )

    # The first workout, done: the run's event reaches the plans worker, which matches it.
    first = workouts[0]
    done_at = datetime.fromisoformat(first["date"]).replace(hour=12, tzinfo=UTC)
    system.store_runs([{
        "runner_id": runner_id, "source": "manual", "external_id": "planned-1",
        "name": "As planned", "sport_type": "Run", "started_at": done_at.isoformat(),
        "distance_m": float(first["distance_m"]), "moving_time_s": first["duration_s"],
        "elapsed_time_s": first["duration_s"] + 20,
    }])

    def matched() -> dict[str, Any] | None:
        current = system.http.get(f"/api/plans/{plan['id']}", headers=auth(tokens)).json()
        workout = current["weeks"][0]["workouts"][0]
        return workout if workout["runs"] else None

    workout = wait_until(matched, 60, "the run to be matched to its workout")
    assert workout["runs"][0]["distance_m"] == first["distance_m"]
    assert workout["status"] == "done"

    calendar = system.http.get(f"/api/plans/{plan['id']}.ics", headers=auth(tokens))
    assert calendar.status_code == 200, calendar.text
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert calendar.text.count("BEGIN:VEVENT") == len(workouts)

    deleted = system.http.delete(f"/api/plans/{plan['id']}", headers=auth(tokens))
    assert deleted.status_code == 204, deleted.text
    assert system.http.get(f"/api/plans/{plan['id']}", headers=auth(tokens)).status_code == 404


def _workouts(plan: dict[str, Any], *kinds: str) -> list[dict[str, Any]]:
    return [w for week in plan["weeks"] for w in week["workouts"] if w["kind"] in kinds]


def _codes(plan: dict[str, Any]) -> set[str]:
    return {remark["code"] for remark in plan["remarks"]}


def _sunday_in(weeks: int) -> date:
    today = date.today()
    return today + timedelta(weeks=weeks, days=(6 - today.weekday()) % 7)


def test_the_coachs_cases_through_the_api(system: System) -> None:
    # The plans service's own tests hold every rule; here the same cases reach the runner
    # whole through the dashboard: remarks with their codes, the goal's choice, phases.
    _, tokens = sign_up(system)
    runner_id = system.http.get("/api/me", headers=auth(tokens)).json()["account"]["id"]
    system.store_runs(_history(runner_id))  # about 30 km a week

    def plan(**fields: Any) -> dict[str, Any]:
        created = system.http.post("/api/plans", headers=auth(tokens), json=fields)
        assert created.status_code == 201, created.text
        body: dict[str, Any] = created.json()
        return body

    marathon = {"distance_m": 42195, "date": _sunday_in(12).isoformat(), "days_per_week": 5,
                "long_run_day": "sunday", "goal_time_s": 3 * 3600}
    predicted = plan(**marathon)
    kept = plan(**marathon, goal_mode="keep_goal")
    # A 3:00 marathon is far beyond a runner of 5:00/km easy runs: said, and a choice.
    assert "goal_beyond_fitness" in _codes(predicted)
    assert predicted["goal_mode"] == "predicted"
    assert predicted["target_time_s"] > 3 * 3600
    assert kept["goal_mode"] == "keep_goal" and kept["target_time_s"] == 3 * 3600
    assert "goal_kept_beyond_fitness" in _codes(kept)
    for made in (predicted, kept):
        assert len(_workouts(made, "marathon_pace")) >= 4
        assert [p["weeks"] for p in made["phases"] if p["phase"] == "taper"] == [3]
        assert all(w["duration_s"] <= 3 * 3600 for w in _workouts(made, "long"))

    ten_k = plan(distance_m=10_000, date=_sunday_in(10).isoformat(), days_per_week=3,
                 long_run_day="saturday")
    longest = max(w["distance_m"] for w in _workouts(ten_k, "long"))
    assert longest >= 5000
    assert longest >= 8000 or "long_run_short" in _codes(ten_k)
    assert [p["weeks"] for p in ten_k["phases"] if p["phase"] == "taper"] == [1]
