"""The plans service's shapes as the public API shows them (fields it adds pass through)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from runnerly_kit.text import SingleLine

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Phase = Literal["base", "build", "peak", "taper"]
WorkoutKind = Literal["easy", "long", "tempo", "intervals", "recovery", "race"]
WorkoutStatus = Literal["planned", "done", "missed"]
FitnessSource = Literal["best_efforts", "runs", "profile", "default"]


class PlanCreate(BaseModel):
    """A race from the races list (``race_id``), or one of the runner's own
    (``distance_m`` and ``date``, optionally ``name``)."""

    model_config = ConfigDict(extra="forbid")

    race_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    distance_m: float | None = Field(default=None, gt=0, le=1_000_000,
                                     description="Race distance in metres.")
    date: dt.date | None = Field(default=None, description="Race day.")
    name: Annotated[str, SingleLine(max_length=200)] | None = None
    days_per_week: int = Field(ge=3, le=7, description="Days a week the runner can train.")
    long_run_day: Weekday = "sunday"
    goal_time_s: int | None = Field(default=None, ge=60, le=7 * 24 * 3600,
                                    description="Goal race time in seconds.")

    @model_validator(mode="after")
    def _one_race(self) -> Self:
        own = (self.distance_m, self.date, self.name)
        if self.race_id is not None:
            if any(value is not None for value in own):
                raise ValueError("give either race_id or distance_m and date, not both")
        elif self.distance_m is None or self.date is None:
            raise ValueError("give race_id, or distance_m and date")
        return self


class _Relayed(BaseModel):
    model_config = ConfigDict(extra="allow")


class PlanPace(_Relayed):
    slow_s_per_km: float
    fast_s_per_km: float


class PlanMatchedRun(_Relayed):
    run_id: int
    date: dt.date
    distance_m: float
    moving_time_s: int


class PlanWorkout(_Relayed):
    id: int
    date: dt.date
    kind: WorkoutKind
    distance_m: int
    duration_s: int
    pace: PlanPace
    description: str
    status: WorkoutStatus = Field(
        description="done: a run that day; missed: the day is past without one."
    )
    runs: list[PlanMatchedRun]


class PlanAdherence(_Relayed):
    workouts_due: int
    workouts_done: int
    planned_distance_m: int
    done_distance_m: float
    ratio: float | None


class PlanWeek(_Relayed):
    index: int
    start: dt.date
    end: dt.date
    phase: Phase
    cutback: bool
    planned_distance_m: int
    adherence: PlanAdherence
    workouts: list[PlanWorkout]
    unplanned_runs: list[PlanMatchedRun]


class PlanPhase(_Relayed):
    phase: Phase
    start: dt.date
    end: dt.date
    weeks: int


class PlanPrediction(_Relayed):
    distance: Literal["5k", "10k", "half", "marathon"]
    distance_m: float
    vdot_time_s: int
    riegel_time_s: int | None


class PlanEffort(_Relayed):
    distance_m: float
    time_s: float
    run_id: int | None
    started_at: dt.datetime | None


class PlanFitness(_Relayed):
    vdot: float
    source: FitnessSource
    effort: PlanEffort | None


class PlanPaces(_Relayed):
    recovery: PlanPace
    easy: PlanPace
    marathon: PlanPace
    threshold: PlanPace
    interval: PlanPace
    repetition: PlanPace


class PlanSummary(_Relayed):
    id: int
    race_id: int | None
    race_name: str
    race_date: dt.date
    distance_m: float
    start_date: dt.date
    days_per_week: int
    long_run_day: Weekday
    goal_time_s: int | None
    target_time_s: int
    vdot: float
    fitness_source: FitnessSource
    time_zone: str
    today: dt.date
    current_week: int | None
    adherence: PlanAdherence
    behind: bool = Field(description="Well behind the plan: offer to regenerate it.")
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanRead(PlanSummary):
    fitness: PlanFitness
    paces: PlanPaces
    predictions: list[PlanPrediction]
    warnings: list[str]
    phases: list[PlanPhase]
    weeks: list[PlanWeek]


class PlanList(_Relayed):
    items: list[PlanSummary]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page."
    )
