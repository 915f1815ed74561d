"""Planned versus done: the events plans consume, through the worker's handlers, read back
over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from runnerly_kit.messages import RunCreated, RunDeleted, UserDeleted
from runnerly_kit.tasks import RunnerlyTask
from runnerly_plans.plans import service, tasks
from runnerly_plans.runtime import Runtime

Headers = dict[str, str]
# 4 days a week, long run on Sunday: Tuesday, Wednesday, Friday and Sunday.
HALF = {"distance_m": 21097.5, "date": "2026-06-14", "days_per_week": 4,
        "long_run_day": "sunday"}


def at(day: date, hour: int = 7, zone: str = "UTC") -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(zone))


def workouts_by_day(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["date"]: w for week in plan["weeks"] for w in week["workouts"]}


@pytest.fixture
def plan_id(client: TestClient, alice: Headers, dataservice: Any) -> int:
    dataservice.set_profile("alice", time_zone="Europe/Paris")
    response = client.post("/plans", json=HALF, headers=alice)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_runs_are_matched_to_the_workouts_of_their_local_day(
    client: TestClient, alice: Headers, runtime: Runtime, dataservice: Any, clock: Any,
    plan_id: int, count_rows: Callable[[str], int],
) -> None:
    tuesday = dataservice.add_run("alice", at(date(2026, 3, 10)), 6000, 2100)
    thursday = dataservice.add_run("alice", at(date(2026, 3, 12)), 5000, 1800)  # a rest day
    # 23:30 UTC on Saturday is 00:30 on Sunday in Paris: Sunday's long run.
    late = dataservice.add_run("alice", datetime(2026, 3, 14, 23, 30, tzinfo=UTC), 11000, 4000)
    before_plan = dataservice.add_run("alice", at(date(2026, 3, 8)), 5000, 1800)
    clock.now = at(date(2026, 3, 16), 9)  # Monday of week 2

    tasks.runs_created(runtime, RunCreated(runner_id="alice",
                                           run_ids=[tuesday, thursday, late, before_plan]))
    plan = client.get(f"/plans/{plan_id}", headers=alice).json()
    days = workouts_by_day(plan)
    assert days["2026-03-10"]["status"] == "done"
    assert days["2026-03-10"]["runs"] == [{"run_id": tuesday, "date": "2026-03-10",
                                           "distance_m": 6000.0, "moving_time_s": 2100}]
    assert (days["2026-03-11"]["status"], days["2026-03-13"]["status"]) == ("missed", "missed")
    assert days["2026-03-15"]["status"] == "done"
    assert [run["run_id"] for run in days["2026-03-15"]["runs"]] == [late]
    week = plan["weeks"][0]
    assert [run["run_id"] for run in week["unplanned_runs"]] == [thursday]
    assert week["adherence"]["workouts_due"] == 4
    assert week["adherence"]["workouts_done"] == 2
    assert week["adherence"]["ratio"] == 0.5
    assert week["adherence"]["done_distance_m"] == 22000.0
    assert plan["weeks"][1]["adherence"]["workouts_due"] == 0
    assert plan["current_week"] == 1
    assert plan["today"] == "2026-03-16"
    # 2 of 4 workouts in the last two weeks: behind.
    assert plan["behind"] is True
    listed = client.get("/plans", headers=alice).json()["items"][0]
    assert (listed["behind"], listed["adherence"]["workouts_done"]) == (True, 2)

    # Redelivered: nothing changes.
    matched = count_rows("matched_runs")
    tasks.runs_created(runtime, RunCreated(runner_id="alice", run_ids=[tuesday, late]))
    assert count_rows("matched_runs") == matched == 3


def test_a_deleted_run_is_unmatched(
    client: TestClient, alice: Headers, runtime: Runtime, dataservice: Any, clock: Any,
    plan_id: int,
) -> None:
    tuesday = dataservice.add_run("alice", at(date(2026, 3, 10)), 6000, 2100)
    clock.now = at(date(2026, 3, 12), 9)
    tasks.runs_created(runtime, RunCreated(runner_id="alice", run_ids=[tuesday]))
    assert workouts_by_day(client.get(f"/plans/{plan_id}", headers=alice).json())[
        "2026-03-10"]["status"] == "done"
    payload = {"runner_id": "alice",
               "runs": [{"run_id": tuesday, "source": "file", "external_id": "x"}]}
    tasks.runs_deleted(runtime, RunDeleted.model_validate(payload))
    tasks.runs_deleted(runtime, RunDeleted.model_validate(payload))  # twice is once
    assert workouts_by_day(client.get(f"/plans/{plan_id}", headers=alice).json())[
        "2026-03-10"]["status"] == "missed"


def test_another_runners_runs_never_touch_a_plan(
    client: TestClient, alice: Headers, runtime: Runtime, dataservice: Any, clock: Any,
    plan_id: int, count_rows: Callable[[str], int],
) -> None:
    bobs = dataservice.add_run("bob", at(date(2026, 3, 10)), 6000, 2100)
    clock.now = at(date(2026, 3, 12), 9)
    # An event naming alice with bob's run: the dataservice says there is no such run.
    tasks.runs_created(runtime, RunCreated(runner_id="alice", run_ids=[bobs]))
    tasks.runs_created(runtime, RunCreated(runner_id="bob", run_ids=[bobs]))
    assert count_rows("matched_runs") == 0
    tasks.runs_deleted(runtime, RunDeleted.model_validate(
        {"runner_id": "bob", "runs": [{"run_id": bobs, "source": "file", "external_id": "x"}]}
    ))


def test_runners_without_plans_cost_no_request(
    runtime: Runtime, dataservice: Any
) -> None:
    run = dataservice.add_run("carol", at(date(2026, 3, 10)), 6000, 2100)
    tasks.runs_created(runtime, RunCreated(runner_id="carol", run_ids=[run]))
    assert dataservice.requests == []


def test_a_large_batch_is_read_in_one_listing(
    client: TestClient, alice: Headers, runtime: Runtime, dataservice: Any, clock: Any,
    plan_id: int,
) -> None:
    days = [date(2026, 3, 9) + timedelta(days=n) for n in range(14)]
    run_ids = [dataservice.add_run("alice", at(day), 5000, 1700) for day in days]
    clock.now = at(date(2026, 3, 23), 9)
    dataservice.requests.clear()
    tasks.runs_created(runtime, RunCreated(runner_id="alice", run_ids=run_ids))
    assert not any(path.startswith("/runs/") for path in dataservice.paths())
    plan = client.get(f"/plans/{plan_id}", headers=alice).json()
    assert [week["adherence"]["ratio"] for week in plan["weeks"][:2]] == [1.0, 1.0]
    assert plan["behind"] is False


def test_a_failing_dataservice_makes_the_event_retry(
    runtime: Runtime, dataservice: Any, plan_id: int, count_rows: Callable[[str], int]
) -> None:
    run = dataservice.add_run("alice", at(date(2026, 3, 10)), 6000, 2100)
    dataservice.failing_with = 503
    with pytest.raises(RunnerlyTask.autoretry_for):  # retried by every task
        tasks.runs_created(runtime, RunCreated(runner_id="alice", run_ids=[run]))
    assert count_rows("matched_runs") == 0


def test_regenerate_rebuilds_the_weeks_to_come_and_keeps_the_past(
    client: TestClient, alice: Headers, runtime: Runtime, dataservice: Any, clock: Any,
    plan_id: int,
) -> None:
    before = client.get(f"/plans/{plan_id}", headers=alice).json()
    assert before["fitness"]["source"] == "default"
    tuesday = dataservice.add_run("alice", at(date(2026, 3, 10)), 6000, 2100)
    clock.now = at(date(2026, 3, 18), 9)  # Wednesday of week 2
    tasks.runs_created(runtime, RunCreated(runner_id="alice", run_ids=[tuesday]))
    # Since then, a fast 10 km: the plan can be rebuilt from the new fitness.
    dataservice.add_record("alice", "10k", 10_000, 45 * 60, at(date(2026, 3, 17)))

    response = client.post(f"/plans/{plan_id}/regenerate", headers=alice)
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["fitness"]["source"] == "best_efforts"
    assert after["vdot"] > before["vdot"]
    assert after["weeks"][:2] == [
        {**week, "adherence": after["weeks"][i]["adherence"],
         "workouts": after["weeks"][i]["workouts"]}
        for i, week in enumerate(before["weeks"][:2])
    ]
    kept = [w for week in after["weeks"][:2] for w in week["workouts"]]
    assert kept == [
        {**w, "status": kept[i]["status"], "judgement": kept[i]["judgement"],
         "runs": kept[i]["runs"]}
        for i, w in enumerate(w for week in before["weeks"][:2] for w in week["workouts"])
    ]
    assert workouts_by_day(after)["2026-03-10"]["status"] == "done"
    assert [week["index"] for week in after["weeks"]] == list(range(len(before["weeks"])))
    assert after["weeks"][2]["start"] == "2026-03-23"
    rebuilt = [w for week in after["weeks"][2:] for w in week["workouts"]]
    assert rebuilt[-1]["kind"] == "race"
    faster = next(w for w in rebuilt if w["kind"] == "tempo")["pace"]["fast_s_per_km"]
    slower = next(w for week in before["weeks"][2:] for w in week["workouts"]
              if w["kind"] == "tempo")["pace"]["fast_s_per_km"]
    assert faster < slower
    # The calendar follows.
    assert client.get(f"/plans/{plan_id}.ics", headers=alice).status_code == 200


def test_regenerating_after_the_race_is_a_conflict(
    client: TestClient, alice: Headers, clock: Any, plan_id: int
) -> None:
    clock.now = at(date(2026, 6, 20), 9)
    response = client.post(f"/plans/{plan_id}/regenerate", headers=alice)
    assert response.status_code == 409
    assert response.json()["reason"] == "race_over"
    clock.now = at(date(2026, 6, 10), 9)  # race week: no full week left
    response = client.post(f"/plans/{plan_id}/regenerate", headers=alice)
    assert response.status_code == 409
    assert response.json()["reason"] == "race_too_close"


def test_a_deleted_user_loses_their_plans(
    client: TestClient, alice: Headers, bob: Headers, runtime: Runtime, plan_id: int,
    count_rows: Callable[[str], int],
) -> None:
    bobs = client.post("/plans", json=HALF, headers=bob).json()["id"]
    tasks.user_deleted(runtime, UserDeleted(user_id="alice", email="alice@example.com"))
    tasks.user_deleted(runtime, UserDeleted(user_id="alice", email="alice@example.com"))
    assert client.get(f"/plans/{plan_id}", headers=alice).status_code == 404
    assert client.get(f"/plans/{bobs}", headers=bob).status_code == 200
    assert count_rows("plans") == 1
    assert count_rows("workouts") == len(
        [w for week in client.get(f"/plans/{bobs}", headers=bob).json()["weeks"]
         for w in week["workouts"]])


def test_a_plan_asked_for_as_the_account_is_deleted_is_not_kept(
    client: TestClient, alice: Headers, runtime: Runtime, dataservice: Any,
    count_rows: Callable[[str], int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    dataservice.set_profile("alice", time_zone="Europe/Paris")
    read_fitness = service.read_fitness

    def deleted_meanwhile(*args: Any, **kwargs: Any) -> Any:
        read = read_fitness(*args, **kwargs)  # the request's token was checked before this
        handlers = runtime.revocations.event_handlers(tasks.handlers(runtime), forget=None)
        handlers[UserDeleted](UserDeleted(user_id="alice"))
        return read

    monkeypatch.setattr(service, "read_fitness", deleted_meanwhile)
    response = client.post("/plans", json=HALF, headers=alice)

    assert response.status_code == 401, response.text
    assert response.json()["title"] == "Account deleted"
    assert count_rows("plans") == 0
    assert count_rows("outbox") == 0


def test_the_worker_registers_a_handler_for_each_subscribed_event(runtime: Runtime) -> None:
    from runnerly_kit.tasks import EVENT_SUBSCRIPTIONS

    registered = runtime.revocations.event_handlers(
        tasks.handlers(runtime), forget=runtime.outbox.forget
    )
    assert {event.name for event in registered} == set(EVENT_SUBSCRIPTIONS["plans"])
