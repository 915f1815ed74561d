"""The report's figures, exact to the run, from the peers' JSON through the real clients."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from runnerly_reports.reports import service
from runnerly_reports.reports.content import Month

if TYPE_CHECKING:
    from conftest import Build, Clock, FakePeers


def test_a_known_month_gives_exact_figures(build: Build, alice: FakePeers) -> None:
    content = build("alice")

    assert content.has_runs
    assert content.time_zone == "Europe/Paris"
    assert content.as_of == date(2026, 11, 1)
    totals = content.totals
    assert (totals.runs, totals.distance_m, totals.moving_time_s, totals.elevation_gain_m) == (
        6, 61600.0, 20040, 480.0
    )
    previous, last_year = content.comparisons
    assert (previous.kind, previous.month) == ("previous_month", "2026-09")
    assert (previous.totals.runs, previous.totals.distance_m) == (2, 22000.0)
    assert (previous.distance_change_m, previous.distance_change_pct) == (39600.0, 180.0)
    assert (previous.runs_change, previous.moving_time_change_s) == (4, 20040 - 6900)
    assert (last_year.kind, last_year.month) == ("last_year", "2025-10")
    assert (last_year.distance_change_m, last_year.distance_change_pct) == (17600.0, 40.0)
    assert content.longest_run is not None
    assert (content.longest_run.name, content.longest_run.distance_m) == ("Half rehearsal", 21100)
    assert content.fastest_run is not None
    assert content.fastest_run.name == "Parkrun and back"
    assert content.fastest_run.pace_s_per_km == 270.0
    assert content.fastest_run.day == date(2026, 10, 17)
    assert [(e.distance, e.elapsed_time_s, e.previous_best_s) for e in content.best_efforts] == [
        ("1k", 230, 240),
        ("5k", 1330, 1400),
        ("10k", 2700, 2900),
        ("half", 7150, None),
    ]
    assert content.best_efforts[0].day == date(2026, 10, 31)
    assert [(w.first_day, w.last_day, w.runs, w.distance_m) for w in content.weeks] == [
        (date(2026, 10, 1), date(2026, 10, 4), 2, 20000.0),
        (date(2026, 10, 5), date(2026, 10, 11), 1, 8000.0),
        (date(2026, 10, 12), date(2026, 10, 18), 1, 10000.0),
        (date(2026, 10, 19), date(2026, 10, 25), 1, 21100.0),
        (date(2026, 10, 26), date(2026, 10, 31), 1, 2500.0),
    ]
    assert sum(w.distance_m for w in content.weeks) == totals.distance_m
    # Riegel from the 10 km of 17 October (it predicts a faster 10 km than the 5 km or half).
    assert content.prediction_basis is not None
    assert (content.prediction_basis.distance, content.prediction_basis.elapsed_time_s) == (
        "10k", 2700
    )
    assert [(p.distance, p.time_s) for p in content.predictions] == [
        ("5k", 1295), ("10k", 2700), ("half", 5957), ("marathon", 12421)
    ]
    assert content.next_race is not None
    assert (content.next_race.name, content.next_race.days_to_go,
            content.next_race.predicted_time_s) == ("Lyon Marathon", 161, 12421)
    # No plans service: no adherence section, and the report was built anyway.
    assert content.plan is None


def test_plan_adherence_counts_the_months_workouts(build: Build, alice: FakePeers) -> None:
    workouts = [
        {"date": "2026-10-01", "kind": "easy", "status": "done"},
        {"date": "2026-10-02", "kind": "rest", "status": "planned"},
        {"date": "2026-10-04", "kind": "long", "status": "done"},
        {"date": "2026-10-07", "kind": "tempo", "status": "done"},
        {"date": "2026-10-10", "kind": "intervals", "status": "missed"},
        {"date": "2026-10-17", "kind": "easy", "status": "done"},
        {"date": "2026-11-03", "kind": "easy", "status": "planned"},
    ]
    # As the plans service shows a plan (GET /plans/{id}): week rows of workouts.
    weeks = [{"index": 0, "workouts": workouts[:3]}, {"index": 1, "workouts": workouts[3:]}]
    alice.plans = {"alice": [{"id": 7, "race_name": "Lyon Marathon", "weeks": weeks}]}

    content = build("alice")

    assert content.plan is not None
    assert (content.plan.plan_id, content.plan.planned, content.plan.done, content.plan.missed,
            content.plan.share) == (7, 5, 4, 1, 0.8)


def test_a_plans_service_that_is_down_only_drops_adherence(
    build: Build, alice: FakePeers
) -> None:
    alice.down.add("plans.test")

    content = build("alice")

    assert content.plan is None
    assert content.totals.runs == 6


def test_a_month_without_runs(build: Build, peers: FakePeers) -> None:
    peers.add_runner("carol", "carol@example.com")
    peers.add_run("carol", datetime(2026, 9, 12, 8, 0, tzinfo=UTC), 7000, 2500,
                  efforts={"5k": 1700})

    content = build("carol")

    assert not content.has_runs
    assert content.totals.runs == 0 and content.totals.distance_m == 0
    assert content.longest_run is None and content.fastest_run is None
    assert content.best_efforts == []
    assert content.comparisons[0].distance_change_m == -7000.0
    assert content.comparisons[0].distance_change_pct == -100.0
    assert content.comparisons[1].distance_change_pct is None  # nothing a year before


@pytest.mark.parametrize(
    ("zone", "in_october", "not_in_october"),
    [
        # UTC-10: 23:30 on the 31st is 09:30 UTC on 1 November.
        ("Pacific/Honolulu", [(2026, 10, 31, 23, 30), (2026, 10, 1, 0, 15)],
         [(2026, 9, 30, 23, 30), (2026, 11, 1, 0, 30)]),
        # UTC+14: 00:30 on 1 October is still 30 September in UTC.
        ("Pacific/Kiritimati", [(2026, 10, 1, 0, 30), (2026, 10, 31, 23, 30)],
         [(2026, 9, 30, 23, 30), (2026, 11, 1, 0, 30)]),
    ],
)
def test_runs_belong_to_the_month_of_the_runners_clock(
    build: Build,
    peers: FakePeers,
    zone: str,
    in_october: list[tuple[int, ...]],
    not_in_october: list[tuple[int, ...]],
) -> None:
    tz = ZoneInfo(zone)
    peers.add_runner("kai", "kai@example.com", time_zone=zone)
    for moment in in_october:
        peers.add_run("kai", datetime(*moment, tzinfo=tz), 6000, 1800)  # type: ignore[misc]
    for moment in not_in_october:
        peers.add_run("kai", datetime(*moment, tzinfo=tz), 9000, 2700)  # type: ignore[misc]

    content = build("kai")

    assert (content.totals.runs, content.totals.distance_m) == (2, 12000.0)
    last_week = content.weeks[-1]
    assert last_week.last_day == date(2026, 10, 31)
    assert last_week.distance_m == 6000.0  # the 23:30 run of the 31st
    assert content.comparisons[0].totals.runs == 1  # September has its 23:30 run of the 30th


def test_a_month_not_over_on_the_runners_clock_is_refused(
    build: Build, peers: FakePeers, clock: Clock
) -> None:
    peers.add_runner("kai", "kai@example.com", time_zone="Pacific/Honolulu")
    clock.now = datetime(2026, 11, 1, 9, 0, tzinfo=ZoneInfo("UTC"))  # 23:00 on 31 Oct there

    with pytest.raises(service.MonthNotOver, match="has not ended yet in Pacific/Honolulu"):
        build("kai")

    clock.now += timedelta(hours=1)
    assert not build("kai").has_runs


def test_the_month_is_read_with_the_runners_boundaries(
    build: Build, alice: FakePeers
) -> None:
    build("alice")

    runs_request = next(r for r in alice.requests if r.url.path == "/runs")
    assert runs_request.url.params["runner_id"] == "alice"
    assert runs_request.url.params["after"] == "2026-10-01T00:00:00+02:00"
    assert runs_request.url.params["before"] == "2026-11-01T00:00:00+01:00"


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-10", "2026-10-01", "abcd-ef"])
def test_a_malformed_month_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a month"):
        Month.parse(text)
