from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from runnerly_kit.text import SingleLine

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)
Phase = Literal["base", "build", "peak", "taper"]
WorkoutKind = Literal[
    "easy", "long", "tempo", "intervals", "recovery", "race", "marathon_pace", "race_pace",
    "hills", "strides",
]
WorkoutStatus = Literal["planned", "done", "missed"]
Judgement = Literal[
    "planned", "done", "done_off_pace", "partly_done", "done_too_long", "missed"
]
GoalMode = Literal["predicted", "keep_goal"]
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
    goal_mode: GoalMode = Field(
        default="predicted",
        description="When the goal is faster than current fitness predicts (by more than "
        "2 %): aim at the predicted time (`predicted`), or keep the goal and train at goal "
        "pace (`keep_goal`); the plan's remarks show the gap either way.",
    )

    @model_validator(mode="after")
    def _one_race(self) -> Self:
        own = (self.distance_m, self.date, self.name)
        if self.race_id is not None:
            if any(value is not None for value in own):
                raise ValueError("give either race_id or distance_m and date, not both")
        elif self.distance_m is None or self.date is None:
            raise ValueError("give race_id, or distance_m and date")
        return self


class PlanRebuild(BaseModel):
    goal_mode: GoalMode | None = Field(
        default=None,
        description="Change how the plan treats its goal time (as in `PlanCreate`): the "
        "weeks to come are rebuilt for it. Unset: the plan keeps its own.",
    )


class Pace(BaseModel):
    slow_s_per_km: float
    fast_s_per_km: float


class MatchedRunRead(BaseModel):
    run_id: int
    date: dt.date
    distance_m: float
    moving_time_s: int


class WorkoutRead(BaseModel):
    id: int
    date: dt.date
    kind: WorkoutKind
    distance_m: int
    duration_s: int
    pace: Pace
    description: str
    status: WorkoutStatus = Field(
        description="done: a run that day; missed: the day is past without one."
    )
    judgement: Judgement = Field(
        description="The day's runs judged against the workout: done (85 % of its distance "
        "to 1.5 times it, at its pace within 3 %), done_off_pace (the distance, not the pace), "
        "partly_done (less than 85 % of the distance), done_too_long (more than 1.5 times "
        "its distance, the race aside), missed, or planned."
    )
    runs: list[MatchedRunRead]


class Adherence(BaseModel):
    workouts_due: int = Field(description="Workouts dated before today, or done already.")
    workouts_done: int
    planned_distance_m: int = Field(description="Distance of the workouts due.")
    done_distance_m: float = Field(description="Distance run, workouts or not.")
    ratio: float | None = Field(description="workouts_done / workouts_due; null when none due.")


class WeekRead(BaseModel):
    index: int
    start: dt.date
    end: dt.date
    phase: Phase
    cutback: bool = Field(description="A lighter week.")
    planned_distance_m: int = Field(description="Training volume, the race excluded.")
    adherence: Adherence
    workouts: list[WorkoutRead]
    unplanned_runs: list[MatchedRunRead] = Field(description="Runs on rest days.")


class PhaseRead(BaseModel):
    phase: Phase
    start: dt.date
    end: dt.date
    weeks: int


class PredictionRead(BaseModel):
    distance: Literal["5k", "10k", "half", "marathon"]
    distance_m: float
    vdot_time_s: int = Field(description="By the Daniels-Gilbert equations.")
    riegel_time_s: int | None = Field(
        description="By Riegel's formula from the effort the fitness comes from."
    )


class EffortRead(BaseModel):
    distance_m: float
    time_s: float
    run_id: int | None
    started_at: dt.datetime | None


class FitnessRead(BaseModel):
    vdot: float
    source: FitnessSource = Field(
        description="best_efforts or runs of the last 8 weeks, the profile's VO2max, "
        "or the default for a runner with no history."
    )
    effort: EffortRead | None


class PacesRead(BaseModel):
    recovery: Pace
    easy: Pace
    marathon: Pace
    threshold: Pace
    interval: Pace
    repetition: Pace


class RemarkRead(BaseModel):
    code: str = Field(description="Stable, for a machine: goal_beyond_fitness, "
                      "goal_kept_beyond_fitness, goal_pace_at_threshold, goal_below_fitness, "
                      "volume_short, volume_capped_by_days, long_run_short, fitness_default; note "
                      "for older plans.")
    text: str


class PlanSummary(BaseModel):
    id: int
    race_id: int | None
    race_name: str
    race_date: dt.date
    distance_m: float
    start_date: dt.date
    days_per_week: int
    long_run_day: Weekday
    goal_time_s: int | None
    goal_mode: GoalMode
    target_time_s: int = Field(description="The race time the plan aims at.")
    vdot: float
    fitness_source: FitnessSource
    time_zone: str
    today: dt.date = Field(description="Today in the runner's time zone.")
    current_week: int | None = Field(description="Index of this week; null outside the plan.")
    adherence: Adherence
    behind: bool = Field(
        description="Fewer than 60 % of the last 14 days' workouts (at least 3) were done: "
        "offer to regenerate."
    )
    rebuild_reason: Literal["behind", "fitness_improved"] | None = Field(
        description="Why rebuilding the plan (`POST /plans/{id}/regenerate`) is offered: "
        "`behind` (as `behind`), or `fitness_improved`: a run matched since the plan was "
        "built shows a VDOT at least 1 point above the plan's. Null when the plan holds."
    )
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanRead(PlanSummary):
    fitness: FitnessRead
    paces: PacesRead
    predictions: list[PredictionRead]
    warnings: list[str] = Field(description="The remarks' texts.")
    remarks: list[RemarkRead]
    phases: list[PhaseRead]
    weeks: list[WeekRead]


class PlanList(BaseModel):
    items: list[PlanSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
