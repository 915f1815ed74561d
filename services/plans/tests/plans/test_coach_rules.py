"""The rules a coach's plan keeps, over every distance (5 km to the marathon), level (VDOT
30 to 70), days a week (3 to 7) and history (none, low, high); then the weekly structure
of published plans at matching levels, within a tolerance."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runnerly_plans.fitness.vdot import predict_time
from runnerly_plans.plans.generator import (
    DANIELS_LONG_RUN_SHARE,
    DANIELS_LOW_VOLUME_SHARE,
    DANIELS_MODERATE_M,
    GOAL_MARGIN,
    LONG_RUN_MAX_MINUTES,
    LONG_RUN_SHARE,
    MARATHON_LONG_RUN_BONUS,
    MARATHON_LONG_RUN_MAX_MINUTES,
    MAX_WEEKLY_RISE,
    QUALITY_KINDS,
    QUALITY_MAX_M,
    UNIT_M,
    GeneratedPlan,
    PlanRequest,
    generate,
    next_monday,
    rules_for,
    target_volume_m,
)

TODAY = date(2026, 3, 4)
MILE = 1609.344
RACES = {"5k": 5000.0, "10k": 10_000.0, "half": 21097.5, "marathon": 42195.0}
HISTORIES = {"none": 0.0, "low": 0.5, "high": 1.4}  # share of the distance's target


# Every cell of the grid (race x days a week x history) is tested every time; hypothesis
# draws only what is continuous within a cell: the level, the weeks to the race, the day the
# plan is made, the long-run day and the goal.
GRID = pytest.mark.parametrize(
    ("race", "days", "history"),
    list(itertools.product(sorted(RACES), range(3, 8), sorted(HISTORIES))),
)
PER_CELL = settings(max_examples=10, deadline=None)


@st.composite
def requests(draw: st.DrawFn, race: str, days: int, history: str) -> PlanRequest:
    distance = RACES[race]
    rules = rules_for(distance)
    vdot = draw(st.floats(30, 70))
    weekly = HISTORIES[history] * target_volume_m(rules, days, vdot)
    today = draw(st.dates(date(2026, 1, 1), date(2027, 12, 31)))
    weeks = draw(st.integers(rules.min_full_weeks + 1, 24))
    race_date = next_monday(today) + timedelta(weeks=weeks - 1, days=draw(st.integers(0, 6)))
    goal = draw(st.none() | st.floats(0.85, 1.1))
    return PlanRequest(
        today=today, race_date=race_date, distance_m=distance, days_per_week=days,
        long_run_day=draw(st.integers(0, 6)), vdot=vdot,
        recent_weekly_m=[weekly] * 4 if weekly else [],
        goal_time_s=None if goal is None else goal * predict_time(distance, vdot),
        goal_mode=draw(st.sampled_from(["predicted", "keep_goal"])),
    )


def _codes(plan: GeneratedPlan) -> set[str]:
    return {remark.code for remark in plan.warnings}


def _training(plan: GeneratedPlan) -> list[int]:
    return [week.distance_m for week in plan.weeks if week.phase != "taper"]


@GRID
@PER_CELL
@given(data=st.data())
def test_workouts_are_specific_to_the_race(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    request = data.draw(requests(race, days, history))
    plan = generate(request)
    kinds = [w.kind for w in plan.workouts]
    name = rules_for(request.distance_m).name
    if name == "marathon":
        assert "marathon_pace" in kinds
        if any(week.phase in ("build", "peak") for week in plan.weeks[1:-3]):
            assert any("at marathon pace" in w.description for w in plan.workouts
                       if w.kind == "long") or len(plan.weeks) < 9
    else:
        assert "race_pace" in kinds
    if any(week.phase == "base" for week in plan.weeks):
        assert {"strides", "hills"} & set(kinds)


@GRID
@PER_CELL
@given(data=st.data())
def test_the_taper_lasts_by_distance_and_keeps_intensity(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    request = data.draw(requests(race, days, history))
    plan = generate(request)
    taper = [week for week in plan.weeks if week.phase == "taper"]
    days = (request.race_date - taper[0].start).days + 1
    name = rules_for(request.distance_m).name
    expected = {"5k": (6, 13), "10k": (6, 13), "half": (8, 14), "marathon": (15, 21)}[name]
    assert expected[0] <= days <= expected[1]
    volumes = [week.distance_m for week in plan.weeks]
    first = len(volumes) - len(taper)
    for before, after in itertools.pairwise(volumes[first - 1:]):
        assert after < before  # cut progressively
    for week in taper[:-1]:
        assert any(w.kind in QUALITY_KINDS for w in week.workouts)  # intensity kept
    assert any(w.kind == "strides" for w in taper[-1].workouts) or len(
        [w for w in taper[-1].workouts if w.kind != "race"]) < 2


@GRID
@PER_CELL
@given(data=st.data())
def test_the_long_run_is_capped_and_reaches_its_minimum_or_says_why(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    request = data.draw(requests(race, days, history))
    plan = generate(request)
    rules = rules_for(request.distance_m)
    share = LONG_RUN_SHARE[request.days_per_week]
    if rules.name == "marathon":
        share += MARATHON_LONG_RUN_BONUS
    longest = 0
    for week in plan.weeks:
        runs = sum(1 for w in week.workouts if w.kind != "race")
        for workout in week.workouts:
            assert workout.duration_s <= LONG_RUN_MAX_MINUTES * 60 + 60 or workout.kind == "race"
            if workout.kind == "long":
                # A week the race leaves two runs: no run longer than the other, so half.
                assert workout.distance_m <= max(share, 1 / runs) * week.distance_m + UNIT_M
                if rules.name == "marathon":
                    assert workout.duration_s <= MARATHON_LONG_RUN_MAX_MINUTES * 60 + 60
                longest = max(longest, workout.distance_m)
    if longest < rules.long_run_min_km * 1000 - UNIT_M:
        assert "long_run_short" in _codes(plan)


@GRID
@PER_CELL
@given(data=st.data())
def test_volume_builds_toward_the_target_or_holds_a_runner_above_it(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    request = data.draw(requests(race, days, history))
    plan = generate(request)
    training = _training(plan)
    for before, after in itertools.pairwise(training):
        assert after <= before * (1 + MAX_WEEKLY_RISE) + UNIT_M
    since_lighter = 0
    for week in [week for week in plan.weeks if week.phase != "taper"][:-1]:
        since_lighter = 0 if week.cutback else since_lighter + 1
        assert since_lighter < 4
    target = target_volume_m(rules_for(request.distance_m), request.days_per_week,
                             request.vdot)
    first = training[0]
    if first >= target:
        assert min(training) >= 0.9 * first - 2 * UNIT_M  # held, lighter weeks aside
    elif len(training) >= 3:
        assert max(training) > first
        assert max(training) >= 0.8 * target or "volume_short" in _codes(plan)


@GRID
@PER_CELL
@given(data=st.data())
def test_a_goal_beyond_fitness_is_said_and_the_runners_choice_kept(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    request = data.draw(requests(race, days, history))
    plan = generate(request)
    predicted = predict_time(request.distance_m, request.vdot)
    goal = request.goal_time_s
    if goal is None or goal >= predicted * (1 - GOAL_MARGIN):
        assert not {"goal_beyond_fitness", "goal_kept_beyond_fitness"} & _codes(plan)
        return
    if request.goal_mode == "keep_goal":
        assert "goal_kept_beyond_fitness" in _codes(plan)
        assert plan.target_time_s == goal
    else:
        assert "goal_beyond_fitness" in _codes(plan)
        assert plan.target_time_s == pytest.approx(predicted)


def _runs_over_their_long_run(plan: GeneratedPlan) -> list[str]:
    """Every run of a training week longer than that week's long run (race week aside)."""
    over = []
    for week in plan.weeks:
        if any(w.kind == "race" for w in week.workouts):
            continue
        longest = max((w.distance_m for w in week.workouts if w.kind == "long"), default=None)
        if longest is None:
            continue  # a week whose long-run day is the day before the race
        over += [f"week {week.index}: {w.kind} {w.distance_m} m against a {longest} m long run"
                 for w in week.workouts if w.kind != "long" and w.distance_m > longest]
    return over


@GRID
@PER_CELL
@given(data=st.data())
def test_no_run_is_longer_than_its_weeks_long_run(
    race: str, days: int, history: str, data: st.DataObject,
) -> None:
    request = data.draw(requests(race, days, history))
    plan = generate(request)
    assert _runs_over_their_long_run(plan) == []
    for workout in plan.workouts:
        if workout.kind in QUALITY_KINDS:
            assert workout.distance_m <= QUALITY_MAX_M[workout.kind]


@pytest.mark.parametrize(("distance", "vdot"), [(10_000.0, 60.0), (5000.0, 60.0)])
def test_a_high_volume_on_three_days_is_held_under_the_long_run_and_said(
    distance: float, vdot: float,
) -> None:
    """Three days a week and a history far above the target: the long run reaches its cap
    (18 km for 10 km), and the surplus would make 24 km easy days; the plan holds the week
    to what three runs no longer than the long run hold, and says so."""
    weekly = HISTORIES["high"] * target_volume_m(rules_for(distance), 3, vdot)
    plan = generate(PlanRequest(
        today=TODAY, race_date=date(2026, 6, 28), distance_m=distance, days_per_week=3,
        long_run_day=6, vdot=vdot, recent_weekly_m=[weekly] * 4,
    ))
    assert _runs_over_their_long_run(plan) == []
    cap = rules_for(distance).long_run_cap_km * 1000
    assert max(_training(plan)) <= 3 * cap
    assert plan.weeks[0].distance_m < weekly
    remark = next(r for r in plan.warnings if r.code == "volume_capped_by_days")
    assert "3 days a week" in remark.text


def _marathon_12_weeks(days: int = 5) -> GeneratedPlan:
    """12 weeks to a marathon for a runner of VDOT 50 at 55 km a week, goal 3:00."""
    return generate(PlanRequest(
        today=TODAY, race_date=next_monday(TODAY) + timedelta(weeks=11, days=6),
        distance_m=42195.0, days_per_week=days, long_run_day=6, vdot=50,
        recent_weekly_m=[55_000] * 4, goal_time_s=3 * 3600,
    ))


def test_a_marathon_long_run_keeps_to_daniels_share_until_the_published_distance() -> None:
    """Daniels: the long run at most 25 % of the week from 40 mi (64 km) a week, 30 % below
    (so never under 30 % of 64 km), and 150 minutes; beyond that share only to reach the
    distance the published plans' long runs reach (18 mi), and within the days' share."""
    plan = _marathon_12_weeks()
    rules = rules_for(42195.0)
    assert rules.long_run_min_km * 1000 >= 18 * MILE - UNIT_M
    for week in plan.weeks:
        for long_run in (w for w in week.workouts if w.kind == "long"):
            daniels = max(DANIELS_LONG_RUN_SHARE * week.distance_m,
                          DANIELS_LOW_VOLUME_SHARE * min(week.distance_m, DANIELS_MODERATE_M))
            towards_published = min(rules.long_run_min_km * 1000, 0.32 * week.distance_m)
            assert long_run.distance_m <= max(daniels, towards_published) + UNIT_M
            if week.phase == "base":
                assert long_run.distance_m <= daniels + UNIT_M
            assert long_run.duration_s <= MARATHON_LONG_RUN_MAX_MINUTES * 60 + 60
    longest = max(w.distance_m for w in plan.workouts if w.kind == "long")
    assert longest >= 25_000
    if longest < rules.long_run_min_km * 1000 - UNIT_M:
        assert "long_run_short" in _codes(plan)


@pytest.mark.parametrize("days", [3, 4, 5, 6, 7])
def test_a_12_week_marathon_has_long_runs_with_a_marathon_pace_finish(days: int) -> None:
    """Pfitzinger's plans finish a long run at marathon pace every few weeks of build and
    peak: a 12-week plan has two or three, never in a lighter week."""
    plan = _marathon_12_weeks(days)
    finishes = [week for week in plan.weeks for w in week.workouts
                if w.kind == "long" and "at marathon pace" in w.description]
    assert len(finishes) >= 2
    assert all(week.phase in ("build", "peak") and not week.cutback for week in finishes)


# Published plans -------------------------------------------------------------------------


def _published(distance_m: float, weeks: int, days: int, vdot: float, weekly_mi: float
               ) -> tuple[float, float, int]:
    """Peak weekly volume and longest run in miles, and taper weeks, of our plan."""
    race = next_monday(TODAY) + timedelta(weeks=weeks - 1, days=6)
    plan = generate(PlanRequest(
        today=TODAY, race_date=race, distance_m=distance_m, days_per_week=days,
        long_run_day=6, vdot=vdot, recent_weekly_m=[weekly_mi * MILE] * 4,
    ))
    peak = max(_training(plan)) / MILE
    longest = max(w.distance_m for w in plan.workouts if w.kind == "long") / MILE
    taper = sum(1 for week in plan.weeks if week.phase == "taper")
    return peak, longest, taper


def test_pfitzinger_18_55() -> None:
    """Pfitzinger & Douglas, *Advanced Marathoning* (2nd ed.), 18 weeks up to 55 miles a
    week: peak 55 mi, longest run 20 mi, a 3-week taper; for a runner of about 3:05
    (VDOT 52) coming from 35 mi a week, 5 to 6 runs a week."""
    peak, longest, taper = _published(42195.0, 18, 5, 52, 35)
    assert peak == pytest.approx(55, rel=0.10)
    assert longest == pytest.approx(20, rel=0.15)
    assert taper == 3


def test_pfitzinger_12_55() -> None:
    """*Advanced Marathoning*, 12 weeks up to 55 miles a week: peak 55 mi, longest run
    20 mi, a 3-week taper, for a runner already at 40 mi a week."""
    peak, longest, taper = _published(42195.0, 12, 5, 52, 40)
    assert peak == pytest.approx(55, rel=0.10)
    assert longest == pytest.approx(20, rel=0.15)
    assert taper == 3


def test_hansons_beginner_marathon() -> None:
    """Humphrey & Hanson, *Hansons Marathon Method*, Beginner program (18 weeks, 6 days a
    week): peak about 57 mi, longest run 16 mi; for a runner of about 3:40 (VDOT 42)
    coming from 25 mi a week."""
    peak, longest, _ = _published(42195.0, 18, 6, 42, 25)
    assert peak == pytest.approx(57, rel=0.12)
    assert longest == pytest.approx(16, rel=0.10)


def test_higdon_novice_half() -> None:
    """Hal Higdon's Novice 1 half marathon program (12 weeks, 4 runs a week): the long
    run builds to 10 mi and the taper is about two weeks; for a runner of VDOT 38 coming
    from 15 mi a week."""
    _, longest, taper = _published(21097.5, 12, 4, 38, 15)
    assert longest == pytest.approx(10, rel=0.15)
    assert taper == 2


def test_the_plan_of_a_monday_race_still_tapers_a_week() -> None:
    race = next_monday(TODAY) + timedelta(weeks=8)  # a Monday
    plan = generate(PlanRequest(today=TODAY, race_date=race, distance_m=10_000.0,
                                days_per_week=4, long_run_day=6, vdot=45))
    taper = [week for week in plan.weeks if week.phase == "taper"]
    assert (race - taper[0].start).days + 1 == 8
    assert date(2026, 3, 9) == plan.start
