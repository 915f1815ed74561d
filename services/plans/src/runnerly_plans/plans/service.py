"""Plans: made from the runner's fitness, rebuilt when the runner falls behind, and kept in
step with the runs they do; what a read answers is assembled by ``read_model``.

Functions that only touch the database run in the caller's transaction and never commit.
Those that read the dataservice (making, rebuilding, matching) own short transactions
around their database parts, so that none is open, holding its locks and a connection,
while the dataservice answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import structlog
from sqlalchemy.orm import Session

from runnerly_kit.errors import Conflict, InvalidInput, NotFound
from runnerly_kit.messages import PlanCreated
from runnerly_plans.dataservice import Dataservice, Profile, Run
from runnerly_plans.fitness.current import (
    LOOKBACK_DAYS,
    MIN_EFFORT_M,
    Effort,
    Fitness,
    best_effort,
    current_fitness,
    predictions,
)
from runnerly_plans.models import MatchedRun, Plan, Workout
from runnerly_plans.plans import read_model, repository, units
from runnerly_plans.plans.generator import (
    GeneratedPlan,
    GoalMode,
    PlannedWeek,
    PlanRefused,
    PlanRequest,
    check_dates,
    generate,
    next_monday,
)
from runnerly_plans.plans.read_model import zone_of
from runnerly_plans.plans.schemas import WEEKDAYS, PlanCreate, PlanList, PlanRead
from runnerly_plans.runtime import Runtime

log = structlog.get_logger()

# Recent weekly volume: the last complete weeks.
RECENT_WEEKS = 4
# A batch of new runs larger than this is read as one listing of the plans' span rather
# than one request per run (a Strava backfill brings hundreds).
RUNS_READ_ONE_BY_ONE = 10
# Rebuilding a plan under way keeps going down to one full week before race week.
REBUILD_MIN_FULL_WEEKS = 1
MAX_PLANS_PER_RUNNER = 50
# The most runs one listing reads (a year of twice-a-day running, and then some).
MAX_RUNS_LISTED = 5000

# Said of a plan whose fitness could be read from nothing the runner has.
FITNESS_DEFAULT_REMARK = (
    "No recent runs, best efforts or VO2max to read your fitness from: the plan starts "
    "from a conservative VDOT of 30. Regenerate it once you have run a few weeks."
)


@dataclass(frozen=True)
class RunnerDay:
    """A runner's time zone and today in it."""

    profile: Profile
    time_zone: str
    today: date


def _runner_day(runtime: Runtime, runner_id: str) -> RunnerDay:
    profile = runtime.dataservice.profile(runner_id)
    zone = zone_of(profile.time_zone)
    return RunnerDay(profile, zone.key, runtime.now().astimezone(zone).date())


def read_fitness(
    dataservice: Dataservice, runner_id: str, profile: Profile, now: datetime, today: date,
    max_runs: int,
) -> tuple[Fitness, list[float]]:
    """The runner's current fitness and the distance of their last complete weeks."""
    after = now - timedelta(days=LOOKBACK_DAYS)
    efforts = dataservice.best_efforts(runner_id, after)

    def run_efforts() -> Iterator[Effort]:
        # Read only when no best effort counts: the runs are the heavier read.
        if best_effort(efforts, MIN_EFFORT_M) is None:
            for run in dataservice.runs(runner_id, after, max_runs):
                yield run.as_effort()

    fitness = current_fitness(efforts, run_efforts(), profile.vo2max)
    this_monday = today - timedelta(days=today.weekday())
    weeks = dataservice.weekly_distances(
        runner_id, this_monday - timedelta(weeks=RECENT_WEEKS), this_monday - timedelta(days=1)
    )
    recent = [week.distance_m for week in sorted(weeks, key=lambda week: week.start)]
    return fitness, recent[-RECENT_WEEKS:]


def _refusal(refused: PlanRefused, in_units: units.Units, *, rebuilding: bool = False
             ) -> InvalidInput | Conflict:
    message = units.render(refused.message, in_units)
    if rebuilding:
        return Conflict(message, reason=refused.reason)
    return InvalidInput(message, reason=refused.reason)


def _check_room(session: Session, runner_id: str) -> None:
    if len(repository.plan_ids_of(session, runner_id)) >= MAX_PLANS_PER_RUNNER:
        raise Conflict(f"A runner keeps at most {MAX_PLANS_PER_RUNNER} plans; delete one first.")


def create_plan(runtime: Runtime, runner_id: str, body: PlanCreate) -> PlanRead:
    dataservice = runtime.dataservice
    with runtime.database.transaction() as session:
        _check_room(session, runner_id)  # before any request to the dataservice
    day = _runner_day(runtime, runner_id)
    if body.race_id is not None:
        race = dataservice.race(runner_id, body.race_id)
        if race is None:
            raise InvalidInput(f"There is no race {body.race_id} in the races list.",
                               reason="unknown_race")
        name, race_date, distance_m = race.name, race.date, race.distance_m
    else:
        assert body.date is not None and body.distance_m is not None
        race_date, distance_m = body.date, body.distance_m
        name = body.name or f"{units.render(units.race(distance_m), day.profile.units)} race"
    request = PlanRequest(
        today=day.today, race_date=race_date, distance_m=distance_m,
        days_per_week=body.days_per_week, long_run_day=WEEKDAYS.index(body.long_run_day),
        vdot=0.0, goal_time_s=body.goal_time_s, goal_mode=body.goal_mode,
    )
    try:
        check_dates(request)  # before the heavier reads of the runner's history
    except PlanRefused as refused:
        raise _refusal(refused, day.profile.units) from refused
    now = runtime.now()
    fitness, recent = read_fitness(dataservice, runner_id, day.profile, now, day.today,
                                   runtime.settings.max_runs_read)
    request = replace(request, vdot=fitness.vdot, recent_weekly_m=recent)
    try:
        generated = generate(request)
    except PlanRefused as refused:
        raise _refusal(refused, day.profile.units) from refused
    plan = Plan(
        runner_id=runner_id, race_id=body.race_id, race_name=name, race_date=race_date,
        distance_m=distance_m, days_per_week=body.days_per_week,
        long_run_day=request.long_run_day, goal_time_s=body.goal_time_s,
        goal_mode=body.goal_mode, start_date=generated.start, created_at=now,
    )
    _apply(plan, generated, fitness, day.time_zone, now, kept_weeks=[])
    with runtime.database.transaction() as session:
        # The account may have gone while the dataservice answered: then nothing is stored.
        runtime.revocations.ensure_admitted(session, runner_id)
        _check_room(session, runner_id)  # plans made while the dataservice answered count
        repository.add_plan(session, plan, _workouts(generated))
        runtime.outbox.emit(session, PlanCreated(
            plan_id=plan.id, runner_id=runner_id, race_date=race_date, distance_m=distance_m,
        ))
        log.info("plan.created", plan_id=plan.id, runner_id=runner_id,
                 weeks=len(generated.weeks), vdot=round(fitness.vdot, 1),
                 fitness_source=fitness.source)
        return read_model.read(session, plan, now, day.profile.units)


def _apply(plan: Plan, generated: GeneratedPlan, fitness: Fitness, time_zone: str,
           now: datetime, kept_weeks: list[dict[str, Any]]) -> None:
    """Write what a generation decided onto the plan row."""
    effort = fitness.effort
    plan.vdot = round(fitness.vdot, 2)
    plan.fitness_source = fitness.source
    plan.fitness_effort = None if effort is None else {
        "distance_m": effort.distance_m, "time_s": effort.time_s, "run_id": effort.run_id,
        "started_at": effort.started_at.isoformat() if effort.started_at else None,
    }
    plan.predictions = [
        {"distance": p.distance, "distance_m": p.distance_m,
         "vdot_time_s": round(p.vdot_time_s),
         "riegel_time_s": None if p.riegel_time_s is None else round(p.riegel_time_s)}
        for p in predictions(fitness)
    ]
    warnings: list[dict[str, str] | str] = [
        {"code": remark.code, "text": remark.text} for remark in generated.warnings
    ]
    if fitness.source == "default":
        warnings.insert(0, {"code": "fitness_default", "text": FITNESS_DEFAULT_REMARK})
    plan.warnings = warnings
    plan.target_time_s = round(generated.target_time_s)
    plan.time_zone = time_zone
    plan.weeks = kept_weeks + [_week_json(week) for week in generated.weeks]
    plan.updated_at = now


def _week_json(week: PlannedWeek) -> dict[str, Any]:
    return {"index": week.index, "start": week.start.isoformat(), "phase": week.phase,
            "distance_m": week.distance_m, "cutback": week.cutback}


def _workouts(generated: GeneratedPlan) -> list[Workout]:
    return [
        Workout(
            date=w.date, week_index=w.week_index, kind=w.kind, distance_m=w.distance_m,
            duration_s=w.duration_s, pace_slow_s_per_km=round(w.pace.slow_s_per_km, 1),
            pace_fast_s_per_km=round(w.pace.fast_s_per_km, 1), description=w.description,
            main_m=w.main_m,
        )
        for w in generated.workouts
    ]


def _owned(session: Session, runner_id: str, plan_id: int, *, lock: bool = False) -> Plan:
    plan = repository.plan_of(session, runner_id, plan_id, lock=lock)
    if plan is None:
        raise NotFound(f"There is no plan {plan_id}.")
    return plan


def get_plan(session: Session, runtime: Runtime, runner_id: str, plan_id: int,
             in_units: units.Units) -> PlanRead:
    return read_model.read(session, _owned(session, runner_id, plan_id), runtime.now(), in_units)


def plan_with_workouts(session: Session, runner_id: str, plan_id: int
                       ) -> tuple[Plan, Sequence[Workout]]:
    plan = _owned(session, runner_id, plan_id)
    return plan, repository.workouts_of(session, [plan.id])


def list_plans(session: Session, runtime: Runtime, runner_id: str, limit: int,
               cursor: str | None) -> PlanList:
    before_id = None
    if cursor is not None:
        if not cursor.isdigit() or len(cursor) > 10:
            raise InvalidInput("The cursor is not one this service gave.")
        before_id = int(cursor)
    plans = list(repository.plans_of(session, runner_id, limit + 1, before_id))
    more = len(plans) > limit
    plans = plans[:limit]
    return PlanList(items=read_model.summaries(session, plans, runtime.now()),
                    next_cursor=str(plans[-1].id) if more else None)


def delete_plan(session: Session, runner_id: str, plan_id: int) -> None:
    plan = _owned(session, runner_id, plan_id)
    repository.delete_plans(session, [plan.id])
    log.info("plan.deleted", plan_id=plan_id, runner_id=runner_id)


def regenerate(
    runtime: Runtime, runner_id: str, plan_id: int, *, goal_mode: GoalMode | None = None
) -> PlanRead:
    """Rebuild the weeks from next Monday on from current fitness, for ``goal_mode`` when
    given (the runner's choice once they see the gap), else the plan's own; the past
    stays."""
    with runtime.database.transaction() as session:
        plan = _owned(session, runner_id, plan_id)  # a 404 before any request
    if goal_mode is not None and plan.goal_time_s is None:
        raise InvalidInput("The plan has no goal time to keep or to set aside.",
                           reason="no_goal_time")
    mode = goal_mode or _goal_mode(plan.goal_mode)
    day = _runner_day(runtime, runner_id)
    if plan.race_date < day.today:
        raise Conflict("The race is over: there is nothing left to rebuild.", reason="race_over")
    start = next_monday(day.today)
    first_index = (start - plan.start_date).days // 7
    now = runtime.now()
    fitness, recent = read_fitness(runtime.dataservice, runner_id, day.profile, now, day.today,
                                   runtime.settings.max_runs_read)
    try:
        generated = generate(PlanRequest(
            today=day.today, race_date=plan.race_date, distance_m=plan.distance_m,
            days_per_week=plan.days_per_week, long_run_day=plan.long_run_day,
            vdot=fitness.vdot, recent_weekly_m=recent, goal_time_s=plan.goal_time_s,
            goal_mode=mode, start=start, first_week_index=first_index,
            min_full_weeks=REBUILD_MIN_FULL_WEEKS,
        ))
    except PlanRefused as refused:
        raise _refusal(refused, day.profile.units, rebuilding=True) from refused
    with runtime.database.transaction() as session:
        # Locked now, and read again: deleted or rebuilt while the dataservice answered.
        plan = _owned(session, runner_id, plan_id, lock=True)
        repository.delete_workouts_from(session, plan.id, start)
        repository.add_workouts(session, plan.id, _workouts(generated))
        repository.attach_runs(session, plan.id, start)
        kept = [week for week in plan.weeks if int(week["index"]) < first_index]
        plan.goal_mode = mode
        _apply(plan, generated, fitness, day.time_zone, now, kept_weeks=kept)
        log.info("plan.regenerated", plan_id=plan.id, runner_id=runner_id,
                 from_week=first_index, vdot=round(fitness.vdot, 1))
        return read_model.read(session, plan, now, day.profile.units)


def _goal_mode(stored: str | None) -> GoalMode:
    return "keep_goal" if stored == "keep_goal" else "predicted"


# Planned versus done -------------------------------------------------------------------


def record_runs(runtime: Runtime, runner_id: str, run_ids: Sequence[int]) -> int:
    """Match new runs to the runner's plans, on their local day; how many matches were
    made. Runs already matched are left as they are (redelivered events)."""
    if not run_ids:
        return 0
    with runtime.database.transaction() as session:
        span = repository.span_of(session, runner_id)
    if span is None:
        return 0
    profile = runtime.dataservice.profile(runner_id)
    zone = zone_of(profile.time_zone)
    runs = _fetch_runs(runtime.dataservice, runner_id, run_ids, span)
    local_days = {run.id: run.started_at.astimezone(zone).date() for run in runs}
    with runtime.database.transaction() as session:
        if not runtime.revocations.admits(session, runner_id):
            log.info("plan.runs_dropped_deleted_runner", runner_id=runner_id, runs=len(run_ids))
            return 0
        return _match(session, runs, local_days, runner_id)


def _match(session: Session, runs: Sequence[Run], local_days: dict[int, date], runner_id: str
           ) -> int:
    plans = repository.plans_covering(session, runner_id, local_days.values())
    done = repository.matched_run_ids(session, [plan.id for plan in plans])
    made = 0
    for run in runs:
        day = local_days[run.id]
        for plan in plans:
            if not plan.start_date <= day <= plan.race_date or (plan.id, run.id) in done:
                continue
            workout = repository.workout_on(session, plan.id, day)
            main_m = workout.main_m if workout else None
            repository.add_matched_run(session, MatchedRun(
                plan_id=plan.id, workout_id=workout.id if workout else None, run_id=run.id,
                local_date=day, distance_m=run.distance_m, moving_time_s=run.moving_time_s,
                main_pace_s_per_km=None if main_m is None else fastest_stretch(run, main_m),
            ))
            done.add((plan.id, run.id))
            made += 1
            log.info("plan.run_matched", plan_id=plan.id, run_id=run.id, day=day.isoformat(),
                     workout_id=workout.id if workout else None)
    return made


# A stretch of splits counts as the main part from this share of its length (splits are
# whole kilometres: the stretch rarely matches it exactly).
STRETCH_SHARE = 0.9


def fastest_stretch(run: Run, length_m: float) -> float | None:
    """The pace in s/km of the run's fastest run of consecutive splits covering
    ``length_m``; None when the run has no splits, or too few."""
    splits = [(d, t) for d, t in run.splits if d > 0]
    best: float | None = None
    for first in range(len(splits)):
        distance = time_s = 0.0
        for d, t in splits[first:]:
            distance, time_s = distance + d, time_s + t
            if distance >= STRETCH_SHARE * length_m:
                pace = time_s / (distance / 1000)
                best = pace if best is None else min(best, pace)
                break
    return best


def _fetch_runs(dataservice: Dataservice, runner_id: str, run_ids: Sequence[int],
                span: tuple[date, date]) -> list[Run]:
    wanted = set(run_ids)
    if len(wanted) <= RUNS_READ_ONE_BY_ONE:
        found = (dataservice.run(runner_id, run_id) for run_id in sorted(wanted))
        return [run for run in found if run is not None]
    # Many runs: one listing over the runner's plans' span (a day's margin each side for
    # time zones), filtered to the new ones.
    first = span[0] - timedelta(days=1)
    listed = dataservice.runs(runner_id, datetime.combine(first, time(), UTC),
                              limit=MAX_RUNS_LISTED)
    last = span[1] + timedelta(days=2)
    return [run for run in listed if run.id in wanted and run.started_at.date() <= last]


def unmatch_runs(session: Session, runner_id: str, run_ids: Sequence[int]) -> int:
    removed = repository.unmatch_runs(session, runner_id, run_ids)
    if removed:
        log.info("plan.runs_unmatched", runner_id=runner_id, runs=removed)
    return removed


def forget_runner(session: Session, runner_id: str) -> int:
    plan_ids = repository.plan_ids_of(session, runner_id)
    repository.delete_plans(session, plan_ids)
    log.info("plan.runner_forgotten", runner_id=runner_id, plans=len(plan_ids))
    return len(plan_ids)
