"""Every query of the plans domain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_plans.models import MatchedRun, Plan, Workout


def add_plan(session: Session, plan: Plan, workouts: Iterable[Workout]) -> None:
    session.add(plan)
    session.flush()
    add_workouts(session, plan.id, workouts)


def add_workouts(session: Session, plan_id: int, workouts: Iterable[Workout]) -> None:
    for workout in workouts:
        workout.plan_id = plan_id
        session.add(workout)
    session.flush()


def plan_of(session: Session, runner_id: str, plan_id: int, *, lock: bool = False
            ) -> Plan | None:
    query = sa.select(Plan).where(Plan.id == plan_id, Plan.runner_id == runner_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def plans_of(session: Session, runner_id: str, limit: int, before_id: int | None
             ) -> Sequence[Plan]:
    """The runner's plans, newest first, ``limit`` of them after the cursor."""
    query = sa.select(Plan).where(Plan.runner_id == runner_id)
    if before_id is not None:
        query = query.where(Plan.id < before_id)
    return session.scalars(query.order_by(Plan.id.desc()).limit(limit)).all()


def plans_covering(session: Session, runner_id: str, days: Iterable[date]) -> Sequence[Plan]:
    """The runner's plans whose span (start to race day) holds one of ``days``."""
    days = list(days)
    if not days:
        return []
    return session.scalars(
        sa.select(Plan)
        .where(
            Plan.runner_id == runner_id,
            Plan.start_date <= max(days),
            Plan.race_date >= min(days),
        )
        .order_by(Plan.id)
    ).all()


def span_of(session: Session, runner_id: str) -> tuple[date, date] | None:
    """From the first day of the runner's plans to their last race day; None without plans."""
    first, last = session.execute(
        sa.select(sa.func.min(Plan.start_date), sa.func.max(Plan.race_date))
        .where(Plan.runner_id == runner_id)
    ).one()
    return None if first is None else (first, last)


def workouts_of(session: Session, plan_ids: Sequence[int]) -> Sequence[Workout]:
    if not plan_ids:
        return []
    return session.scalars(
        sa.select(Workout).where(Workout.plan_id.in_(plan_ids)).order_by(Workout.date)
    ).all()


def matched_runs_of(session: Session, plan_ids: Sequence[int]) -> Sequence[MatchedRun]:
    if not plan_ids:
        return []
    return session.scalars(
        sa.select(MatchedRun)
        .where(MatchedRun.plan_id.in_(plan_ids))
        .order_by(MatchedRun.local_date, MatchedRun.run_id)
    ).all()


def workout_on(session: Session, plan_id: int, day: date) -> Workout | None:
    return session.scalars(
        sa.select(Workout).where(Workout.plan_id == plan_id, Workout.date == day)
    ).one_or_none()


def matched_run_ids(session: Session, plan_ids: Sequence[int]) -> set[tuple[int, int]]:
    """(plan id, run id) of every run already matched in the plans."""
    if not plan_ids:
        return set()
    rows = session.execute(
        sa.select(MatchedRun.plan_id, MatchedRun.run_id).where(MatchedRun.plan_id.in_(plan_ids))
    )
    return {(plan_id, run_id) for plan_id, run_id in rows}


def add_matched_run(session: Session, matched: MatchedRun) -> None:
    session.add(matched)
    session.flush()


def unmatch_runs(session: Session, runner_id: str, run_ids: Sequence[int]) -> int:
    """Forget the runner's matches of ``run_ids``; how many there were."""
    if not run_ids:
        return 0
    plan_ids = sa.select(Plan.id).where(Plan.runner_id == runner_id).scalar_subquery()
    result = session.execute(
        sa.delete(MatchedRun).where(
            MatchedRun.plan_id.in_(plan_ids), MatchedRun.run_id.in_(list(run_ids))
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_workouts_from(session: Session, plan_id: int, first_day: date) -> None:
    """Drop the plan's workouts from ``first_day`` on; their matches stay, unattached."""
    workout_ids = sa.select(Workout.id).where(
        Workout.plan_id == plan_id, Workout.date >= first_day
    ).scalar_subquery()
    session.execute(
        sa.update(MatchedRun)
        .where(MatchedRun.workout_id.in_(workout_ids))
        .values(workout_id=None)
    )
    session.execute(
        sa.delete(Workout).where(Workout.plan_id == plan_id, Workout.date >= first_day)
    )


def attach_runs(session: Session, plan_id: int, first_day: date) -> None:
    """Point the plan's unattached matches from ``first_day`` on at that day's workout."""
    for matched in session.scalars(
        sa.select(MatchedRun).where(
            MatchedRun.plan_id == plan_id,
            MatchedRun.workout_id.is_(None),
            MatchedRun.local_date >= first_day,
        )
    ):
        workout = workout_on(session, plan_id, matched.local_date)
        matched.workout_id = workout.id if workout else None
    session.flush()


def delete_plans(session: Session, plan_ids: Sequence[int]) -> None:
    """Delete plans with their workouts and matches (explicitly: no reliance on the
    database's cascades)."""
    if not plan_ids:
        return
    ids = list(plan_ids)
    session.execute(sa.delete(MatchedRun).where(MatchedRun.plan_id.in_(ids)))
    session.execute(sa.delete(Workout).where(Workout.plan_id.in_(ids)))
    session.execute(sa.delete(Plan).where(Plan.id.in_(ids)))


def plan_ids_of(session: Session, runner_id: str) -> list[int]:
    return list(session.scalars(sa.select(Plan.id).where(Plan.runner_id == runner_id)))
