"""Generated from contracts/plans.json (PlanCreate, PlanList, PlanRead, PlanRebuild) by `make contracts`: do not edit."""

from __future__ import annotations

from datetime import date as date_aliased
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class PlanAdherence(BaseModel):
    done_distance_m: Annotated[
        float, Field(description="Distance run, workouts or not.", title="Done Distance M")
    ]
    planned_distance_m: Annotated[
        int, Field(description="Distance of the workouts due.", title="Planned Distance M")
    ]
    ratio: Annotated[
        float | None,
        Field(description="workouts_done / workouts_due; null when none due.", title="Ratio"),
    ]
    workouts_done: Annotated[int, Field(title="Workouts Done")]
    workouts_due: Annotated[
        int,
        Field(description="Workouts dated before today, or done already.", title="Workouts Due"),
    ]


class PlanEffortRead(BaseModel):
    distance_m: Annotated[float, Field(title="Distance M")]
    run_id: Annotated[int | None, Field(title="Run Id")]
    started_at: Annotated[AwareDatetime | None, Field(title="Started At")]
    time_s: Annotated[float, Field(title="Time S")]


class PlanFitnessRead(BaseModel):
    effort: PlanEffortRead | None
    source: Annotated[
        Literal["best_efforts", "runs", "profile", "default"],
        Field(
            description="best_efforts or runs of the last 8 weeks, the profile's VO2max, or the default for a runner with no history.",
            title="Source",
        ),
    ]
    vdot: Annotated[float, Field(title="Vdot")]


class PlanMatchedRunRead(BaseModel):
    date: Annotated[date_aliased, Field(title="Date")]
    distance_m: Annotated[float, Field(title="Distance M")]
    moving_time_s: Annotated[int, Field(title="Moving Time S")]
    run_id: Annotated[int, Field(title="Run Id")]


class PlanPace(BaseModel):
    fast_s_per_km: Annotated[float, Field(title="Fast S Per Km")]
    slow_s_per_km: Annotated[float, Field(title="Slow S Per Km")]


class PlanPacesRead(BaseModel):
    easy: PlanPace
    interval: PlanPace
    marathon: PlanPace
    recovery: PlanPace
    repetition: PlanPace
    threshold: PlanPace


class PlanPhaseRead(BaseModel):
    end: Annotated[date_aliased, Field(title="End")]
    phase: Annotated[Literal["base", "build", "peak", "taper"], Field(title="Phase")]
    start: Annotated[date_aliased, Field(title="Start")]
    weeks: Annotated[int, Field(title="Weeks")]


class PlanCreate(BaseModel):
    """
    A race from the races list (``race_id``), or one of the runner's own
    (``distance_m`` and ``date``, optionally ``name``).
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    date: Annotated[date_aliased | None, Field(description="Race day.", title="Date")] = None
    days_per_week: Annotated[
        int,
        Field(description="Days a week the runner can train.", ge=3, le=7, title="Days Per Week"),
    ]
    distance_m: Annotated[
        float | None,
        Field(description="Race distance in metres.", gt=0.0, le=1000000.0, title="Distance M"),
    ] = None
    goal_mode: Annotated[
        Literal["predicted", "keep_goal"],
        Field(
            description="When the goal is faster than current fitness predicts (by more than 2 %): aim at the predicted time (`predicted`), or keep the goal and train at goal pace (`keep_goal`); the plan's remarks show the gap either way.",
            title="Goal Mode",
        ),
    ] = "predicted"
    goal_time_s: Annotated[
        int | None,
        Field(description="Goal race time in seconds.", ge=60, le=604800, title="Goal Time S"),
    ] = None
    long_run_day: Annotated[
        Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        Field(title="Long Run Day"),
    ] = "sunday"
    name: Annotated[str | None, Field(max_length=200, min_length=1, title="Name")] = None
    race_id: Annotated[int | None, Field(ge=1, le=2147483647, title="Race Id")] = None


class PlanRebuild(BaseModel):
    goal_mode: Annotated[
        Literal["predicted", "keep_goal"] | None,
        Field(
            description="Change how the plan treats its goal time (as in `PlanCreate`): the weeks to come are rebuilt for it. Unset: the plan keeps its own.",
            title="Goal Mode",
        ),
    ] = None


class PlanSummary(BaseModel):
    adherence: PlanAdherence
    behind: Annotated[
        bool,
        Field(
            description="Fewer than 60 % of the last 14 days' workouts (at least 3) were done: offer to regenerate.",
            title="Behind",
        ),
    ]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    current_week: Annotated[
        int | None,
        Field(description="Index of this week; null outside the plan.", title="Current Week"),
    ]
    days_per_week: Annotated[int, Field(title="Days Per Week")]
    distance_m: Annotated[float, Field(title="Distance M")]
    fitness_source: Annotated[
        Literal["best_efforts", "runs", "profile", "default"], Field(title="Fitness Source")
    ]
    goal_mode: Annotated[Literal["predicted", "keep_goal"], Field(title="Goal Mode")]
    goal_time_s: Annotated[int | None, Field(title="Goal Time S")]
    id: Annotated[int, Field(title="Id")]
    long_run_day: Annotated[
        Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        Field(title="Long Run Day"),
    ]
    race_date: Annotated[date_aliased, Field(title="Race Date")]
    race_id: Annotated[int | None, Field(title="Race Id")]
    race_name: Annotated[str, Field(title="Race Name")]
    rebuild_reason: Annotated[
        Literal["behind", "fitness_improved"] | None,
        Field(
            description="Why rebuilding the plan (`POST /plans/{id}/regenerate`) is offered: `behind` (as `behind`), or `fitness_improved`: a run matched since the plan was built shows a VDOT at least 1 point above the plan's. Null when the plan holds.",
            title="Rebuild Reason",
        ),
    ]
    start_date: Annotated[date_aliased, Field(title="Start Date")]
    target_time_s: Annotated[
        int, Field(description="The race time the plan aims at.", title="Target Time S")
    ]
    time_zone: Annotated[str, Field(title="Time Zone")]
    today: Annotated[
        date_aliased, Field(description="Today in the runner's time zone.", title="Today")
    ]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    vdot: Annotated[float, Field(title="Vdot")]


class PlanPredictionRead(BaseModel):
    distance: Annotated[Literal["5k", "10k", "half", "marathon"], Field(title="Distance")]
    distance_m: Annotated[float, Field(title="Distance M")]
    riegel_time_s: Annotated[
        int | None,
        Field(
            description="By Riegel's formula from the effort the fitness comes from.",
            title="Riegel Time S",
        ),
    ]
    vdot_time_s: Annotated[
        int, Field(description="By the Daniels-Gilbert equations.", title="Vdot Time S")
    ]


class PlanRemarkRead(BaseModel):
    code: Annotated[
        str,
        Field(
            description="Stable, for a machine: goal_beyond_fitness, goal_kept_beyond_fitness, goal_pace_at_threshold, goal_below_fitness, volume_short, volume_capped_by_days, long_run_short, fitness_default; note for older plans.",
            title="Code",
        ),
    ]
    text: Annotated[str, Field(title="Text")]


class PlanWorkoutRead(BaseModel):
    date: Annotated[date_aliased, Field(title="Date")]
    description: Annotated[str, Field(title="Description")]
    distance_m: Annotated[int, Field(title="Distance M")]
    duration_s: Annotated[int, Field(title="Duration S")]
    id: Annotated[int, Field(title="Id")]
    judgement: Annotated[
        Literal["planned", "done", "done_off_pace", "partly_done", "done_too_long", "missed"],
        Field(
            description="The day's runs judged against the workout: done (85 % of its distance to 1.5 times it, at its pace within 3 %), done_off_pace (the distance, not the pace), partly_done (less than 85 % of the distance), done_too_long (more than 1.5 times its distance, the race aside), missed, or planned.",
            title="Judgement",
        ),
    ]
    kind: Annotated[
        Literal[
            "easy",
            "long",
            "tempo",
            "intervals",
            "recovery",
            "race",
            "marathon_pace",
            "race_pace",
            "hills",
            "strides",
        ],
        Field(title="Kind"),
    ]
    pace: PlanPace
    runs: Annotated[list[PlanMatchedRunRead], Field(title="Runs")]
    status: Annotated[
        Literal["planned", "done", "missed"],
        Field(
            description="done: a run that day; missed: the day is past without one.", title="Status"
        ),
    ]


class PlanList(BaseModel):
    items: Annotated[list[PlanSummary], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` to get the next page; null on the last page.",
            title="Next Cursor",
        ),
    ]


class PlanWeekRead(BaseModel):
    adherence: PlanAdherence
    cutback: Annotated[bool, Field(description="A lighter week.", title="Cutback")]
    end: Annotated[date_aliased, Field(title="End")]
    index: Annotated[int, Field(title="Index")]
    phase: Annotated[Literal["base", "build", "peak", "taper"], Field(title="Phase")]
    planned_distance_m: Annotated[
        int, Field(description="Training volume, the race excluded.", title="Planned Distance M")
    ]
    start: Annotated[date_aliased, Field(title="Start")]
    unplanned_runs: Annotated[
        list[PlanMatchedRunRead], Field(description="Runs on rest days.", title="Unplanned Runs")
    ]
    workouts: Annotated[list[PlanWorkoutRead], Field(title="Workouts")]


class PlanRead(BaseModel):
    adherence: PlanAdherence
    behind: Annotated[
        bool,
        Field(
            description="Fewer than 60 % of the last 14 days' workouts (at least 3) were done: offer to regenerate.",
            title="Behind",
        ),
    ]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    current_week: Annotated[
        int | None,
        Field(description="Index of this week; null outside the plan.", title="Current Week"),
    ]
    days_per_week: Annotated[int, Field(title="Days Per Week")]
    distance_m: Annotated[float, Field(title="Distance M")]
    fitness: PlanFitnessRead
    fitness_source: Annotated[
        Literal["best_efforts", "runs", "profile", "default"], Field(title="Fitness Source")
    ]
    goal_mode: Annotated[Literal["predicted", "keep_goal"], Field(title="Goal Mode")]
    goal_time_s: Annotated[int | None, Field(title="Goal Time S")]
    id: Annotated[int, Field(title="Id")]
    long_run_day: Annotated[
        Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        Field(title="Long Run Day"),
    ]
    paces: PlanPacesRead
    phases: Annotated[list[PlanPhaseRead], Field(title="Phases")]
    predictions: Annotated[list[PlanPredictionRead], Field(title="Predictions")]
    race_date: Annotated[date_aliased, Field(title="Race Date")]
    race_id: Annotated[int | None, Field(title="Race Id")]
    race_name: Annotated[str, Field(title="Race Name")]
    rebuild_reason: Annotated[
        Literal["behind", "fitness_improved"] | None,
        Field(
            description="Why rebuilding the plan (`POST /plans/{id}/regenerate`) is offered: `behind` (as `behind`), or `fitness_improved`: a run matched since the plan was built shows a VDOT at least 1 point above the plan's. Null when the plan holds.",
            title="Rebuild Reason",
        ),
    ]
    remarks: Annotated[list[PlanRemarkRead], Field(title="Remarks")]
    start_date: Annotated[date_aliased, Field(title="Start Date")]
    target_time_s: Annotated[
        int, Field(description="The race time the plan aims at.", title="Target Time S")
    ]
    time_zone: Annotated[str, Field(title="Time Zone")]
    today: Annotated[
        date_aliased, Field(description="Today in the runner's time zone.", title="Today")
    ]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    vdot: Annotated[float, Field(title="Vdot")]
    warnings: Annotated[list[str], Field(description="The remarks' texts.", title="Warnings")]
    weeks: Annotated[list[PlanWeekRead], Field(title="Weeks")]