"""Plan generation: its invariants over any request (hypothesis), and its refusals."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runnerly_plans.fitness.paces import training_paces
from runnerly_plans.plans import units
from runnerly_plans.plans.generator import (
    LONG_RUN_MAX_MINUTES,
    MAX_LONG_RUN_SHARE,
    MAX_WEEKLY_RISE,
    MIN_START_M,
    MIN_START_PER_DAY_M,
    UNIT_M,
    GeneratedPlan,
    PlanRefused,
    PlanRequest,
    generate,
    next_monday,
    rules_for,
    training_days,
)

TODAY = date(2026, 3, 4)  # a Wednesday
DISTANCES = [1500.0, 5000.0, 10000.0, 15000.0, 21097.5, 30000.0, 42195.0, 50000.0, 100000.0]


@st.composite
def requests(draw: st.DrawFn) -> PlanRequest:
    today = draw(st.dates(date(2024, 1, 1), date(2030, 12, 31)))
    distance = draw(st.sampled_from(DISTANCES) | st.floats(1000, 100_000))
    rules = rules_for(distance)
    earliest = next_monday(today) + timedelta(weeks=rules.min_full_weeks)
    race = draw(st.dates(earliest, today + timedelta(days=365)))
    recent = draw(st.lists(st.floats(0, 200_000), max_size=6))
    goal = draw(st.none() | st.floats(distance / 6.5, distance / 1.2))  # 6.5 to 1.2 m/s
    return PlanRequest(
        today=today,
        race_date=race,
        distance_m=distance,
        days_per_week=draw(st.integers(3, 7)),
        long_run_day=draw(st.integers(0, 6)),
        vdot=draw(st.floats(20, 85)),
        recent_weekly_m=recent,
        goal_time_s=goal,
    )


def _starting_cap(request: PlanRequest) -> float:
    recent = list(request.recent_weekly_m)[-4:]
    mean = sum(recent) / len(recent) if recent else 0.0
    return max(mean * (1 + MAX_WEEKLY_RISE), MIN_START_M,
               MIN_START_PER_DAY_M * request.days_per_week)


@settings(max_examples=300, deadline=None)
@given(requests())
def test_no_week_rises_more_than_the_cap(request: PlanRequest) -> None:
    plan = generate(request)
    volumes = [week.distance_m for week in plan.weeks]
    assert volumes[0] <= _starting_cap(request)
    for before, after in itertools.pairwise(volumes):
        assert after <= before * (1 + MAX_WEEKLY_RISE)


@settings(max_examples=300, deadline=None)
@given(requests())
def test_taper_volume_falls(request: PlanRequest) -> None:
    plan = generate(request)
    phases = [week.phase for week in plan.weeks]
    assert phases[-1] == "taper"
    first_taper = phases.index("taper")
    assert all(phase == "taper" for phase in phases[first_taper:])
    volumes = [week.distance_m for week in plan.weeks]
    for before, after in itertools.pairwise(volumes[first_taper - 1:]):
        assert after < before


@settings(max_examples=300, deadline=None)
@given(requests())
def test_every_workout_is_on_an_allowed_day_up_to_race_day(request: PlanRequest) -> None:
    plan = generate(request)
    allowed = set(training_days(request.days_per_week, request.long_run_day))
    workouts = plan.workouts
    days = [workout.date for workout in workouts]
    assert len(days) == len(set(days)), "two workouts on one day"
    assert days == sorted(days)
    assert plan.start == next_monday(request.today) and plan.start.weekday() == 0
    for workout in workouts[:-1]:
        assert plan.start <= workout.date < request.race_date
        assert workout.date.weekday() in allowed
        assert workout.kind != "race"
        assert workout.distance_m > 0 and workout.duration_s > 0
    race = workouts[-1]
    assert (race.kind, race.date) == ("race", request.race_date)
    assert race.date - timedelta(days=1) not in days, "the day before the race is rest"


@settings(max_examples=300, deadline=None)
@given(requests())
def test_the_long_run_is_a_sane_share_of_its_week(request: PlanRequest) -> None:
    plan = generate(request)
    for week in plan.weeks:
        assert week.distance_m == sum(w.distance_m for w in week.workouts if w.kind != "race")
        runs = sum(1 for w in week.workouts if w.kind != "race")
        for workout in week.workouts:
            if workout.kind == "long":
                # A week the race leaves two runs: no run longer than the other, so half.
                assert workout.distance_m <= max(MAX_LONG_RUN_SHARE, 1 / runs) * week.distance_m
                assert workout.date.weekday() == request.long_run_day
                others = [w.distance_m for w in week.workouts if w.kind not in ("long", "race")]
                if len(others) + 1 < request.days_per_week:
                    continue  # a week cut short by the race
                # The long run is the longest run of its week, to the rounding, unless the
                # week is so big that the distance's cap or the time cap holds it back.
                easy = training_paces(request.vdot).easy.middle_s_per_km
                ceiling = min(
                    rules_for(request.distance_m).long_run_cap_km * 1000,
                    LONG_RUN_MAX_MINUTES * 60_000 / easy,
                )
                assert workout.distance_m >= max(others, default=0) - UNIT_M or (
                    workout.distance_m >= ceiling - UNIT_M
                )
                assert workout.distance_m >= max(others, default=0)


@settings(max_examples=200, deadline=None)
@given(requests())
def test_lighter_weeks_come_every_three_or_four_weeks(request: PlanRequest) -> None:
    plan = generate(request)
    training = [week for week in plan.weeks if week.phase != "taper"]
    since_lighter = 0
    for week in training[:-1]:
        since_lighter = 0 if week.cutback else since_lighter + 1
        assert since_lighter < 4
        if week.cutback:
            assert not any(w.kind in ("tempo", "intervals") for w in week.workouts) or (
                request.days_per_week >= 5
            )


def _plan(**changes: object) -> GeneratedPlan:
    fields: dict[str, object] = {
        "today": TODAY, "race_date": date(2026, 6, 14), "distance_m": 21097.5,
        "days_per_week": 4, "long_run_day": 6, "vdot": 45.0,
        "recent_weekly_m": [30_000.0, 32_000.0, 28_000.0, 31_000.0],
    }
    fields.update(changes)
    return generate(PlanRequest(**fields))  # type: ignore[arg-type]


def test_a_plan_starts_next_monday_and_runs_through_its_phases() -> None:
    plan = _plan()
    assert plan.start == date(2026, 3, 9)
    assert len(plan.weeks) == 14
    phases = [week.phase for week in plan.weeks]
    assert phases == sorted(phases, key=["base", "build", "peak", "taper"].index)
    assert set(phases) == {"base", "build", "peak", "taper"}
    assert plan.weeks[0].distance_m == 30_200  # the mean of the last four weeks
    race_day = plan.weeks[-1].workouts[-1].description
    assert units.render(race_day, "km").startswith("Race day: 21.0975 km")
    assert units.render(race_day, "mi").startswith("Race day: 13.1 mi")


def test_workouts_carry_paces_from_the_vdot() -> None:
    plan = _plan(vdot=50.0)
    tempo = next(w for w in plan.workouts if w.kind == "tempo")
    assert tempo.pace.fast_s_per_km == pytest.approx(255, abs=2)  # T pace at 50: 4:15
    long_run = next(w for w in plan.workouts if w.kind == "long")
    assert long_run.pace.slow_s_per_km > 300
    assert "threshold pace" in tempo.description


def test_on_a_monday_the_plan_starts_the_monday_after() -> None:
    assert _plan(today=date(2026, 3, 9)).start == date(2026, 3, 16)


@pytest.mark.parametrize(
    ("race_date", "distance_m", "reason"),
    [
        (date(2026, 3, 3), 10000.0, "race_in_past"),
        (date(2026, 3, 20), 5000.0, "race_too_close"),
        (date(2026, 3, 28), 10000.0, "race_too_close"),  # 2 full weeks; 10 km needs 3
        (date(2026, 4, 12), 42195.0, "race_too_close"),
        (date(2027, 3, 5), 10000.0, "race_too_far"),
        (date(2076, 3, 5), 10000.0, "race_too_far"),
        (date(2026, 9, 5), 500.0, "distance_out_of_range"),
        (date(2026, 9, 5), 250_000.0, "distance_out_of_range"),
    ],
)
def test_refusals_say_why(race_date: date, distance_m: float, reason: str) -> None:
    with pytest.raises(PlanRefused) as refused:
        _plan(race_date=race_date, distance_m=distance_m)
    assert refused.value.reason == reason
    assert refused.value.message


def test_the_shortest_plans_each_distance_allows() -> None:
    assert len(_plan(race_date=date(2026, 3, 23), distance_m=5000.0).weeks) == 3
    assert len(_plan(race_date=date(2026, 4, 26), distance_m=42195.0).weeks) == 7


def test_an_unrealistic_goal_is_warned_and_replaced() -> None:
    plan = _plan(goal_time_s=75 * 60)  # a VDOT 62 half for a VDOT 45 runner
    assert any("asks for a VDOT of" in warning.text for warning in plan.warnings)
    assert plan.target_time_s > 75 * 60


def test_a_reachable_goal_is_the_target() -> None:
    plan = _plan(goal_time_s=100 * 60)  # VDOT ~45.6
    assert plan.target_time_s == 100 * 60
    assert not any("VDOT" in warning.text for warning in plan.warnings)


def test_a_runner_with_no_history_starts_from_the_floor() -> None:
    plan = _plan(recent_weekly_m=[], days_per_week=3)
    assert plan.weeks[0].distance_m == 9000


def test_a_plan_can_continue_from_a_later_monday() -> None:
    plan = _plan(start=date(2026, 4, 6), first_week_index=4)
    assert plan.start == date(2026, 4, 6)
    assert [week.index for week in plan.weeks][:2] == [4, 5]


@pytest.mark.parametrize(("stored", "in_miles"), [
    ("6.7 km easy (5:30-4:54/km)", "4.2 mi easy (8:51-7:53/mi)"),
    ("Long run: 16.0 km at an easy, conversational pace (5:30-4:54/km)",
     "Long run: 9.9 mi at an easy, conversational pace (8:51-7:53/mi)"),
    ("1.5 km easy, 6.0 km at threshold pace (4:20-4:14/km), 1.5 km easy",
     "0.9 mi easy, 3.7 mi at threshold pace (6:58-6:49/mi), 0.9 mi easy"),
    ("Warm up, 5 x 1000 m at interval pace (4:00-3:55/km) with an easy jog as long as each "
     "rep between them, cool down; 10.0 km in all",
     "Warm up, 5 x 1000 m at interval pace (6:26-6:18/mi) with an easy jog as long as each "
     "rep between them, cool down; 6.2 mi in all"),
    ("Race day: 21.0975 km, aiming at 1:40:14 (4:45/km)",
     "Race day: 13.1 mi, aiming at 1:40:14 (7:39/mi)"),
    ("The longest run of this plan is 22 km; a marathon usually asks for long runs of "
     "28-32 km.", "The longest run of this plan is 14 mi; a marathon usually asks for long "
     "runs of 17-20 mi."),
])
def test_texts_stored_before_the_markers_read_in_miles_too(stored: str, in_miles: str) -> None:
    assert units.render(stored, "mi") == in_miles
    assert units.render(stored, "km") == stored
