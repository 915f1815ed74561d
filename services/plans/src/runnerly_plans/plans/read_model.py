"""A plan as it is read: the weeks with planned versus done, adherence, whether the runner
is behind, phases, paces and predictions, assembled from the stored rows as of a moment.
Reads only; never writes."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from runnerly_plans.fitness.current import MIN_RUN_M, Effort
from runnerly_plans.fitness.paces import PaceRange, training_paces
from runnerly_plans.models import MatchedRun, Plan, Workout
from runnerly_plans.plans import repository, units
from runnerly_plans.plans.schemas import (
    WEEKDAYS,
    Adherence,
    EffortRead,
    FitnessRead,
    Judgement,
    MatchedRunRead,
    Pace,
    PacesRead,
    PhaseRead,
    PlanRead,
    PlanSummary,
    PredictionRead,
    RemarkRead,
    WeekRead,
    WorkoutRead,
)

# "Behind": of the workouts of the last two weeks (at least this many), under 60 % done.
BEHIND_WINDOW_DAYS = 14
BEHIND_MIN_DUE = 3
BEHIND_RATIO = 0.6
FALLBACK_ZONE = "UTC"
# Planned versus done: a workout is done when the day's runs cover this share of its
# distance, at its pace within PACE_TOLERANCE. Quality sessions: the fastest stretch of
# the run's splits as long as the main part, no slower than the slow end of its zone;
# without splits, the run's average no slower than the workout's planned average (warm-up
# and cool-down included). Easy days: no faster than the fast end of their zone.
DISTANCE_BAND = 0.85
PACE_TOLERANCE = 0.03
# A run more than half as long again as planned is no longer the workout but another one
# (done_too_long): an easy day is about a fifth of a 5-day week, so half of it again puts
# the week about 10 % over plan in one day, the most the plan lets a whole week rise; an
# easy day 1.5 times as long is a second long run, not the recovery the plan counts on.
# The race is judged without it: a race run often carries its warm-up and cool-down.
OVERDONE_BAND = 1.5
EASY_KINDS = frozenset({"easy", "long", "recovery", "strides", "hills"})
# A run matched since the plan was built whose VDOT is this much above the plan's offers a
# rebuild (whole runs of 3 km or more, as fitness reads them).
REBUILD_VDOT_GAIN = 1.0


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(FALLBACK_ZONE)


def local_today(now: datetime, time_zone: str) -> date:
    return now.astimezone(zone_of(time_zone)).date()


def read(session: Session, plan: Plan, now: datetime, in_units: units.Units) -> PlanRead:
    """What ``GET /plans/{id}`` answers for ``plan``, as of ``now``, its texts in
    ``in_units``."""
    return view(
        plan,
        repository.workouts_of(session, [plan.id]),
        repository.matched_runs_of(session, [plan.id]),
        now,
        in_units,
    )


def summaries(session: Session, plans: Sequence[Plan], now: datetime) -> list[PlanSummary]:
    """What ``GET /plans`` answers for each of ``plans``: the plan's read without its
    weeks."""
    ids = [plan.id for plan in plans]
    workouts = _by_plan(repository.workouts_of(session, ids))
    matched = _by_plan(repository.matched_runs_of(session, ids))
    summary_fields = set(PlanSummary.model_fields)
    items = []
    for plan in plans:
        read = view(plan, workouts[plan.id], matched[plan.id], now, "km")
        items.append(PlanSummary(**{name: value for name, value in read if name in summary_fields}))
    return items


def _by_plan(rows: Sequence[Workout] | Sequence[MatchedRun]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.plan_id].append(row)
    return grouped


def _pace(pace: PaceRange) -> Pace:
    return Pace(slow_s_per_km=round(pace.slow_s_per_km, 1),
                fast_s_per_km=round(pace.fast_s_per_km, 1))


def _matched(run: MatchedRun) -> MatchedRunRead:
    return MatchedRunRead(run_id=run.run_id, date=run.local_date, distance_m=run.distance_m,
                          moving_time_s=run.moving_time_s)


def _adherence(workouts: Sequence[WorkoutRead], runs: Sequence[MatchedRun]) -> Adherence:
    due = [w for w in workouts if w.status != "planned"]
    done = [w for w in due if w.status == "done"]
    return Adherence(
        workouts_due=len(due),
        workouts_done=len(done),
        planned_distance_m=sum(w.distance_m for w in due),
        done_distance_m=round(sum(run.distance_m for run in runs), 1),
        ratio=round(len(done) / len(due), 3) if due else None,
    )


def judge(workout: Workout, runs: Sequence[MatchedRun], today: date) -> Judgement:
    """The day's runs against the workout: distance within the band, pace within the
    workout's zone (see ``DISTANCE_BAND``, ``OVERDONE_BAND``, ``PACE_TOLERANCE``)."""
    if not runs:
        return "missed" if workout.date < today else "planned"
    distance = sum(run.distance_m for run in runs)
    if distance < DISTANCE_BAND * workout.distance_m:
        return "partly_done"
    if workout.kind != "race" and distance > OVERDONE_BAND * workout.distance_m:
        return "done_too_long"
    pace = sum(run.moving_time_s for run in runs) / (distance / 1000)
    planned = workout.duration_s / (workout.distance_m / 1000)
    main = [run.main_pace_s_per_km for run in runs if run.main_pace_s_per_km is not None]
    if workout.kind in EASY_KINDS:
        fastest = min(workout.pace_fast_s_per_km, planned)
        on_pace = pace >= fastest * (1 - PACE_TOLERANCE)
    elif main:
        # The splits show the work itself: its fastest stretch as long as the main part
        # is in the workout's zone (or faster).
        on_pace = min(main) <= workout.pace_slow_s_per_km * (1 + PACE_TOLERANCE)
    else:
        on_pace = pace <= planned * (1 + PACE_TOLERANCE)
    return "done" if on_pace else "done_off_pace"


def view(plan: Plan, workouts: Sequence[Workout], matched: Sequence[MatchedRun],
         now: datetime, in_units: units.Units) -> PlanRead:
    """The plan with its workouts' status, weeks, adherence, phases, paces and predictions."""
    today = local_today(now, plan.time_zone)
    by_workout: dict[int, list[MatchedRun]] = defaultdict(list)
    for run in matched:
        if run.workout_id is not None:
            by_workout[run.workout_id].append(run)
    reads = [
        WorkoutRead(
            id=w.id, date=w.date, kind=w.kind,
            distance_m=w.distance_m, duration_s=w.duration_s,
            pace=Pace(slow_s_per_km=w.pace_slow_s_per_km, fast_s_per_km=w.pace_fast_s_per_km),
            description=units.render(w.description, in_units),
            status="done" if by_workout[w.id] else "missed" if w.date < today else "planned",
            judgement=judge(w, by_workout[w.id], today),
            runs=[_matched(run) for run in by_workout[w.id]],
        )
        for w in workouts
    ]
    weeks = []
    for week in sorted(plan.weeks, key=lambda week: int(week["index"])):
        start = date.fromisoformat(week["start"])
        end = min(start + timedelta(days=6), plan.race_date)
        in_week = [w for w in reads if start <= w.date <= end]
        runs = [run for run in matched if start <= run.local_date <= end]
        weeks.append(WeekRead(
            index=int(week["index"]), start=start, end=end, phase=week["phase"],
            cutback=bool(week["cutback"]), planned_distance_m=int(week["distance_m"]),
            adherence=_adherence(in_week, runs), workouts=in_week,
            unplanned_runs=[_matched(run) for run in runs if run.workout_id is None],
        ))
    window = [w for w in reads if today - timedelta(days=BEHIND_WINDOW_DAYS) <= w.date < today]
    window_done = sum(1 for w in window if w.status == "done")
    behind = (len(window) >= BEHIND_MIN_DUE and window_done < BEHIND_RATIO * len(window)
              and today <= plan.race_date)
    current = next((week.index for week in weeks if week.start <= today <= week.end), None)
    built_on = plan.updated_at.astimezone(zone_of(plan.time_zone)).date()
    shown = max(
        (Effort(run.distance_m, run.moving_time_s).vdot for run in matched
         if run.local_date >= built_on and run.distance_m >= MIN_RUN_M
         and run.moving_time_s > 0),
        default=0.0,
    )
    rebuild_reason: Literal["behind", "fitness_improved"] | None = None
    if today <= plan.race_date:
        if behind:
            rebuild_reason = "behind"
        elif shown >= plan.vdot + REBUILD_VDOT_GAIN:
            rebuild_reason = "fitness_improved"
    paces = training_paces(plan.vdot)
    effort = plan.fitness_effort
    remarks = [
        RemarkRead(code="note", text=units.render(remark, in_units))
        if isinstance(remark, str) else
        RemarkRead(code=remark["code"], text=units.render(remark["text"], in_units))
        for remark in plan.warnings
    ]
    return PlanRead(
        id=plan.id, race_id=plan.race_id, race_name=plan.race_name, race_date=plan.race_date,
        distance_m=plan.distance_m, start_date=plan.start_date,
        days_per_week=plan.days_per_week, long_run_day=WEEKDAYS[plan.long_run_day],
        goal_time_s=plan.goal_time_s, target_time_s=plan.target_time_s, vdot=plan.vdot,
        fitness_source=plan.fitness_source,
        time_zone=plan.time_zone, today=today, current_week=current,
        adherence=_adherence(reads, matched), behind=behind, rebuild_reason=rebuild_reason,
        created_at=plan.created_at, updated_at=plan.updated_at,
        fitness=FitnessRead(
            vdot=plan.vdot, source=plan.fitness_source,
            effort=None if effort is None else EffortRead.model_validate(effort),
        ),
        paces=PacesRead(
            recovery=_pace(paces.recovery), easy=_pace(paces.easy),
            marathon=_pace(paces.marathon), threshold=_pace(paces.threshold),
            interval=_pace(paces.interval), repetition=_pace(paces.repetition),
        ),
        predictions=[PredictionRead.model_validate(p) for p in plan.predictions],
        goal_mode="keep_goal" if plan.goal_mode == "keep_goal" else "predicted",
        warnings=[remark.text for remark in remarks],
        remarks=remarks,
        phases=_phases(weeks),
        weeks=weeks,
    )


def _phases(weeks: Sequence[WeekRead]) -> list[PhaseRead]:
    phases: list[PhaseRead] = []
    for week in weeks:
        if phases and phases[-1].phase == week.phase:
            last = phases[-1]
            phases[-1] = last.model_copy(update={"end": week.end, "weeks": last.weeks + 1})
        else:
            phases.append(PhaseRead(phase=week.phase, start=week.start, end=week.end, weeks=1))
    return phases
