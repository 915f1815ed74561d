"""Generated from contracts/reports.json (ReportList, ReportRead, SubscriptionRead, SubscriptionUpdate) by `make contracts`: do not edit."""

from __future__ import annotations

from datetime import date as date_aliased
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class ReportEffortSet(BaseModel):
    """
    A best effort of the month that beat every earlier one at its distance.
    """

    day: Annotated[date_aliased, Field(title="Day")]
    distance: Annotated[
        str,
        Field(description="The standard distance: 1k, 5k, 10k, half, marathon.", title="Distance"),
    ]
    distance_m: Annotated[float, Field(title="Distance M")]
    elapsed_time_s: Annotated[int, Field(title="Elapsed Time S")]
    previous_best_s: Annotated[
        int | None,
        Field(
            description="The best before the month; null when this is the first effort at the distance.",
            title="Previous Best S",
        ),
    ]
    run_id: Annotated[int, Field(title="Run Id")]


class ReportPlanAdherence(BaseModel):
    """
    How the month went against the runner's training plan: its workouts dated in the
    month, rest days aside.
    """

    done: Annotated[int, Field(description="Workouts past and matched by a run.", title="Done")]
    missed: Annotated[
        int, Field(description="Workouts past and not matched by a run.", title="Missed")
    ]
    name: Annotated[str | None, Field(title="Name")]
    plan_id: Annotated[int, Field(title="Plan Id")]
    planned: Annotated[int, Field(description="Workouts dated in the month.", title="Planned")]
    share: Annotated[
        float | None,
        Field(
            description="done / (done + missed); null when no workout of the month is past yet.",
            title="Share",
        ),
    ]
    share_pct: Annotated[
        int | None,
        Field(
            description="The share in whole percent (halves away from zero), to be shown as it is.",
            title="Share Pct",
        ),
    ] = None


class ReportPrediction(BaseModel):
    """
    A race time predicted with Riegel's formula from the prediction basis.
    """

    distance: Annotated[str, Field(description="5k, 10k, half or marathon.", title="Distance")]
    distance_m: Annotated[float, Field(title="Distance M")]
    time_s: Annotated[int, Field(title="Time S")]


class ReportPredictionBasis(BaseModel):
    """
    The effort the predictions come from: among the best efforts of 5 km or more in the
    8 weeks ending with the month, the one that predicts the fastest 10 km.
    """

    day: Annotated[date_aliased, Field(title="Day")]
    distance: Annotated[str, Field(title="Distance")]
    distance_m: Annotated[float, Field(title="Distance M")]
    elapsed_time_s: Annotated[int, Field(title="Elapsed Time S")]
    run_id: Annotated[int, Field(title="Run Id")]


class ReportRaceCountdown(BaseModel):
    """
    The first race the runner entered on or after the as_of day.
    """

    date: Annotated[date_aliased, Field(title="Date")]
    days_to_go: Annotated[
        int, Field(description="Days from the report's as_of day to the race.", title="Days To Go")
    ]
    distance_m: Annotated[float, Field(title="Distance M")]
    name: Annotated[str, Field(title="Name")]
    predicted_time_s: Annotated[
        int | None,
        Field(
            description="Riegel's prediction for the race's distance; null without a basis.",
            title="Predicted Time S",
        ),
    ]
    race_id: Annotated[int, Field(title="Race Id")]


class ReportSummary(BaseModel):
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    distance_m: Annotated[float, Field(title="Distance M")]
    has_runs: Annotated[bool, Field(title="Has Runs")]
    month: Annotated[str, Field(description="YYYY-MM, on the runner's clock.", title="Month")]
    runs: Annotated[int, Field(title="Runs")]
    send_count: Annotated[
        int,
        Field(description="Mails asked for: the scheduled one and resends.", title="Send Count"),
    ]
    sent_at: Annotated[
        AwareDatetime | None,
        Field(description="When the last mail was asked for.", title="Sent At"),
    ]
    status: Annotated[
        Literal["built", "sent"],
        Field(description="built: stored, not mailed; sent: mailed.", title="Status"),
    ]


class ReportRunHighlight(BaseModel):
    """
    One run of the month that stood out: the longest, or the fastest pace over 3 km or
    more.
    """

    day: Annotated[
        date_aliased, Field(description="The day it started, on the runner's clock.", title="Day")
    ]
    distance_m: Annotated[float, Field(title="Distance M")]
    moving_time_s: Annotated[int, Field(title="Moving Time S")]
    name: Annotated[str, Field(title="Name")]
    pace_s_per_km: Annotated[float, Field(title="Pace S Per Km")]
    run_id: Annotated[int, Field(title="Run Id")]


class ReportSubscriptionRead(BaseModel):
    subscribed: Annotated[
        bool, Field(description="Whether the monthly report is mailed.", title="Subscribed")
    ]


class ReportSubscriptionUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    subscribed: Annotated[bool, Field(title="Subscribed")]


class ReportTotals(BaseModel):
    """
    Totals over the runs of a month.
    """

    distance_m: Annotated[float, Field(title="Distance M")]
    elevation_gain_m: Annotated[float, Field(title="Elevation Gain M")]
    moving_time_s: Annotated[int, Field(title="Moving Time S")]
    runs: Annotated[int, Field(title="Runs")]


class ReportWeekDistance(BaseModel):
    """
    A Monday-to-Sunday week's distance, counting only the month's days (the weeks add up
    to the month).
    """

    distance_m: Annotated[float, Field(title="Distance M")]
    first_day: Annotated[
        date_aliased, Field(description="The week's first day in the month.", title="First Day")
    ]
    last_day: Annotated[
        date_aliased, Field(description="The week's last day in the month.", title="Last Day")
    ]
    runs: Annotated[int, Field(title="Runs")]
    week_start: Annotated[
        date_aliased,
        Field(description="The week's Monday (it may be in the month before).", title="Week Start"),
    ]


class ReportComparison(BaseModel):
    """
    The month against another: the one before it, or the same month a year earlier.
    """

    distance_change_m: Annotated[
        float,
        Field(description="This month's distance minus the other's.", title="Distance Change M"),
    ]
    distance_change_pct: Annotated[
        int | None,
        Field(
            description="The change in whole percent of the other month's distance (halves away from zero), to be shown as it is; null when the other month had no distance to compare with.",
            title="Distance Change Pct",
        ),
    ]
    kind: Annotated[Literal["previous_month", "last_year"], Field(title="Kind")]
    month: Annotated[str, Field(description="The other month, YYYY-MM.", title="Month")]
    moving_time_change_s: Annotated[int, Field(title="Moving Time Change S")]
    runs_change: Annotated[int, Field(title="Runs Change")]
    totals: Annotated[ReportTotals, Field(description="The other month's totals.")]


class ReportContent(BaseModel):
    """
    What a monthly report says. Every figure is in SI units (metres, seconds); ``units``
    is how the runner reads them. A run belongs to the month of its start on the runner's
    clock (``time_zone``).
    """

    as_of: Annotated[
        date_aliased,
        Field(description="The day it was built, on the runner's clock.", title="As Of"),
    ]
    best_efforts: Annotated[list[ReportEffortSet], Field(title="Best Efforts")]
    comparisons: Annotated[
        list[ReportComparison],
        Field(description="The month before, then a year before.", title="Comparisons"),
    ]
    display_name: Annotated[str | None, Field(title="Display Name")]
    fastest_run: Annotated[
        ReportRunHighlight | None, Field(description="The fastest pace over 3 km or more.")
    ]
    has_runs: Annotated[bool, Field(title="Has Runs")]
    language: Annotated[
        Literal["en", "zh-Hans"],
        Field(
            description="The language it is written in: the runner's when it was built.",
            title="Language",
        ),
    ] = "en"
    longest_run: ReportRunHighlight | None
    month: Annotated[str, Field(description="YYYY-MM.", title="Month")]
    next_race: ReportRaceCountdown | None
    plan: Annotated[
        ReportPlanAdherence | None,
        Field(
            description="The plan with the most workouts in the month; null when none has any (or the plans service could not tell)."
        ),
    ]
    prediction_basis: ReportPredictionBasis | None
    predictions: Annotated[list[ReportPrediction], Field(title="Predictions")]
    runner_id: Annotated[str, Field(title="Runner Id")]
    time_zone: Annotated[
        str, Field(description="The runner's IANA time zone when it was built.", title="Time Zone")
    ]
    totals: ReportTotals
    units: Annotated[Literal["km", "mi"], Field(title="Units")]
    version: Annotated[int, Field(description="The shape's version.", title="Version")] = 1
    weeks: Annotated[list[ReportWeekDistance], Field(title="Weeks")]


class ReportList(BaseModel):
    items: Annotated[list[ReportSummary], Field(description="Newest month first.", title="Items")]


class ReportRead(BaseModel):
    content: Annotated[
        ReportContent,
        Field(
            description="The report's figures in SI units (metres, seconds), with the runner's `units` and `time_zone`."
        ),
    ]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    distance_m: Annotated[float, Field(title="Distance M")]
    has_runs: Annotated[bool, Field(title="Has Runs")]
    month: Annotated[str, Field(description="YYYY-MM, on the runner's clock.", title="Month")]
    runs: Annotated[int, Field(title="Runs")]
    send_count: Annotated[
        int,
        Field(description="Mails asked for: the scheduled one and resends.", title="Send Count"),
    ]
    sent_at: Annotated[
        AwareDatetime | None,
        Field(description="When the last mail was asked for.", title="Sent At"),
    ]
    status: Annotated[
        Literal["built", "sent"],
        Field(description="built: stored, not mailed; sent: mailed.", title="Status"),
    ]