from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from runnerly_kit.db import UTCDateTime
from runnerly_kit.outbox import OutboxMixin
from runnerly_kit.revocations import RevocationMixin
from runnerly_plans.db import Model

__all__ = ["MatchedRun", "Model", "OutboxMessage", "Plan", "Revocation", "Workout"]


class Plan(Model):
    """A runner's plan for one race: the request, the fitness it was built from, its weeks."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    runner_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    # The dataservice's race, when the plan was made for one of the races list.
    race_id: Mapped[int | None] = mapped_column(sa.Integer)
    race_name: Mapped[str] = mapped_column(sa.String(200))
    race_date: Mapped[date] = mapped_column(sa.Date)
    distance_m: Mapped[float] = mapped_column(sa.Float)
    days_per_week: Mapped[int] = mapped_column(sa.SmallInteger)
    long_run_day: Mapped[int] = mapped_column(sa.SmallInteger)  # 0 is Monday
    goal_time_s: Mapped[int | None] = mapped_column(sa.Integer)
    # "predicted" or "keep_goal": what a goal beyond current fitness makes the plan aim at
    # (null on plans made before the choice: "predicted").
    goal_mode: Mapped[str | None] = mapped_column(sa.String(16))
    target_time_s: Mapped[int] = mapped_column(sa.Integer)
    start_date: Mapped[date] = mapped_column(sa.Date)
    # The runner's time zone when the plan was last built: "today" and run days are its.
    time_zone: Mapped[str] = mapped_column(sa.String(64))
    vdot: Mapped[float] = mapped_column(sa.Float)
    fitness_source: Mapped[str] = mapped_column(sa.String(16))
    # {distance_m, time_s, run_id, started_at} of the effort the VDOT comes from, if any.
    fitness_effort: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # [{distance, distance_m, vdot_time_s, riegel_time_s}]
    predictions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    # [{code, text}]; plans made before the codes hold bare texts.
    warnings: Mapped[list[dict[str, str] | str]] = mapped_column(sa.JSON)
    # [{index, start, phase, distance_m, cutback}]: the weeks as planned.
    weeks: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Workout(Model):
    """One planned day of a plan (rest days have none)."""

    __tablename__ = "workouts"
    __table_args__ = (sa.UniqueConstraint("plan_id", "date"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[date] = mapped_column(sa.Date)
    week_index: Mapped[int] = mapped_column(sa.SmallInteger)
    kind: Mapped[str] = mapped_column(sa.String(16))
    distance_m: Mapped[int] = mapped_column(sa.Integer)
    duration_s: Mapped[int] = mapped_column(sa.Integer)
    pace_slow_s_per_km: Mapped[float] = mapped_column(sa.Float)
    pace_fast_s_per_km: Mapped[float] = mapped_column(sa.Float)
    description: Mapped[str] = mapped_column(sa.String(500))
    # The part of a quality session run at its pace (null for easy days and older plans).
    main_m: Mapped[int | None] = mapped_column(sa.Integer)


class MatchedRun(Model):
    """A run the runner did during a plan, on the local day it matches (the workout of that
    day, or none on a rest day). One row per plan and run: redelivered events are no-ops."""

    __tablename__ = "matched_runs"
    __table_args__ = (sa.UniqueConstraint("plan_id", "run_id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True
    )
    workout_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workouts.id", ondelete="SET NULL"), index=True
    )
    run_id: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    local_date: Mapped[date] = mapped_column(sa.Date)
    distance_m: Mapped[float] = mapped_column(sa.Float)
    moving_time_s: Mapped[int] = mapped_column(sa.Integer)
    # The fastest stretch of the run's splits as long as its workout's main part, in s/km
    # (null without splits, or for easy days).
    main_pace_s_per_km: Mapped[float | None] = mapped_column(sa.Float)


class OutboxMessage(OutboxMixin, Model):
    pass


class Revocation(RevocationMixin, Model):
    """A runner whose tokens no longer count (deleted, or a password changed)."""
