"""Planned versus done, over every kind of workout a plan holds: a run that matches the
workout is done; too slow for a quality session (or too fast for an easy day) beyond the
tolerance is done off pace; too short is partly done; far longer than planned is done too
long."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runnerly_plans.models import MatchedRun, Workout
from runnerly_plans.plans.generator import (
    PlannedWorkout,
    PlanRequest,
    generate,
    next_monday,
    rules_for,
    target_volume_m,
)
from runnerly_plans.plans.read_model import (
    DISTANCE_BAND,
    EASY_KINDS,
    OVERDONE_BAND,
    PACE_TOLERANCE,
    judge,
)

TODAY = date(2026, 3, 4)
RACES = {"5k": 5000.0, "10k": 10_000.0, "half": 21097.5, "marathon": 42195.0}
HISTORIES = {"none": 0.0, "low": 0.5, "high": 1.4}  # share of the distance's target
# Every race, days a week and history, every time; hypothesis draws the level, the weeks
# and the workout within a cell.
GRID = pytest.mark.parametrize(
    ("race", "days", "history"),
    list(itertools.product(sorted(RACES), range(3, 8), sorted(HISTORIES))),
)
PER_CELL = settings(max_examples=5, deadline=None)
# Far enough from each limit that rounding never decides.
MARGIN = 0.02


@st.composite
def workouts(draw: st.DrawFn, race: str, days: int, history: str) -> Workout:
    """A workout of a plan for the race, days a week and history, at any level and weeks to
    the race (the race itself aside)."""
    distance = RACES[race]
    rules = rules_for(distance)
    vdot = draw(st.floats(30, 70))
    weekly = HISTORIES[history] * target_volume_m(rules, days, vdot)
    weeks = draw(st.integers(rules.min_full_weeks + 1, 24))
    plan = generate(PlanRequest(
        today=TODAY, race_date=next_monday(TODAY) + timedelta(weeks=weeks - 1, days=6),
        distance_m=distance, days_per_week=days, long_run_day=draw(st.integers(0, 6)),
        vdot=vdot, recent_weekly_m=[weekly] * 4 if weekly else [],
    ))
    planned: PlannedWorkout = draw(st.sampled_from(
        [w for w in plan.workouts if w.kind != "race"]))
    return Workout(
        id=1, plan_id=1, date=planned.date, week_index=planned.week_index, kind=planned.kind,
        distance_m=planned.distance_m, duration_s=planned.duration_s,
        pace_slow_s_per_km=planned.pace.slow_s_per_km,
        pace_fast_s_per_km=planned.pace.fast_s_per_km, description=planned.description,
        main_m=planned.main_m,
    )


def run_of(workout: Workout, share: float, pace_factor: float = 1.0) -> MatchedRun:
    """A run of ``share`` of the workout's distance at its planned average pace (times
    ``pace_factor``), its main part in the middle of the workout's zone (times it too)."""
    planned = workout.duration_s / (workout.distance_m / 1000)
    middle = (workout.pace_slow_s_per_km + workout.pace_fast_s_per_km) / 2
    distance = workout.distance_m * share
    return MatchedRun(
        plan_id=1, workout_id=workout.id, run_id=1, local_date=workout.date,
        distance_m=distance, moving_time_s=round(distance / 1000 * planned * pace_factor),
        main_pace_s_per_km=None if workout.kind in EASY_KINDS else middle * pace_factor,
    )


AFTER = TODAY + timedelta(days=400)


@GRID
@PER_CELL
@given(data=st.data())
def test_a_run_that_matches_the_workout_is_done(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    workout = data.draw(workouts(race, days, history))
    share = data.draw(st.floats(DISTANCE_BAND + MARGIN, OVERDONE_BAND - MARGIN))
    assert judge(workout, [run_of(workout, share)], AFTER) == "done"


@GRID
@PER_CELL
@given(data=st.data())
def test_a_run_off_its_zone_beyond_the_tolerance_is_done_off_pace(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    workout = data.draw(workouts(race, days, history))
    share = data.draw(st.floats(DISTANCE_BAND + MARGIN, OVERDONE_BAND - MARGIN))
    if workout.kind in EASY_KINDS:
        # An easy day is judged on not running it too fast.
        factor = (workout.pace_fast_s_per_km * (1 - PACE_TOLERANCE - MARGIN)
                  / (workout.duration_s / (workout.distance_m / 1000)))
        factor = min(factor, 1 - PACE_TOLERANCE - MARGIN)
    else:
        middle = (workout.pace_slow_s_per_km + workout.pace_fast_s_per_km) / 2
        factor = workout.pace_slow_s_per_km * (1 + PACE_TOLERANCE + MARGIN) / middle
    assert judge(workout, [run_of(workout, share, factor)], AFTER) == "done_off_pace"


@GRID
@PER_CELL
@given(data=st.data())
def test_a_run_too_short_is_partly_done(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    workout = data.draw(workouts(race, days, history))
    share = data.draw(st.floats(0.05, DISTANCE_BAND - MARGIN))
    pace = data.draw(st.floats(0.7, 1.3))
    assert judge(workout, [run_of(workout, share, pace)], AFTER) == "partly_done"


@GRID
@PER_CELL
@given(data=st.data())
def test_a_run_far_longer_than_planned_is_done_too_long(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    workout = data.draw(workouts(race, days, history))
    share = data.draw(st.floats(OVERDONE_BAND + MARGIN, 4.0))
    pace = data.draw(st.floats(0.9, 1.1))
    assert judge(workout, [run_of(workout, share, pace)], AFTER) == "done_too_long"


@pytest.mark.parametrize(("share", "judgement"), [
    (0.8, "partly_done"), (1.0, "done"), (1.45, "done"), (1.6, "done_too_long"),
    (3.0, "done_too_long"),
])
def test_an_easy_day_three_times_as_long_is_not_done(share: float, judgement: str) -> None:
    easy = Workout(id=1, plan_id=1, date=TODAY, week_index=0, kind="easy", distance_m=8000,
                   duration_s=8 * 330, pace_slow_s_per_km=350.0, pace_fast_s_per_km=310.0,
                   description="8 km easy", main_m=None)
    assert judge(easy, [run_of(easy, share)], AFTER) == judgement


def test_a_race_run_with_its_warm_up_and_cool_down_is_done() -> None:
    race = Workout(id=1, plan_id=1, date=TODAY, week_index=0, kind="race", distance_m=5000,
                   duration_s=20 * 60, pace_slow_s_per_km=242.0, pace_fast_s_per_km=238.0,
                   description="Race day", main_m=5000)
    run = MatchedRun(plan_id=1, workout_id=1, run_id=1, local_date=TODAY, distance_m=11_000,
                     moving_time_s=20 * 60 + 6 * 330, main_pace_s_per_km=239.0)
    assert judge(race, [run], AFTER) == "done"
