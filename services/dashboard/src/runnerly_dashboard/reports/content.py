"""Generated from contracts/reports.json (ReportContent) by `make contracts`: do not edit."""

from __future__ import annotations

from datetime import date as date_aliased
from typing import Annotated, Literal

from pydantic import BaseModel, Field


class ReportEffortSet(BaseModel):
    day: Annotated[date_aliased, Field(title="Day")]
    distance: Annotated[str, Field(title="Distance")]
    distance_m: Annotated[float, Field(title="Distance M")]
    elapsed_time_s: Annotated[int, Field(title="Elapsed Time S")]
    previous_best_s: Annotated[int | None, Field(title="Previous Best S")]
    run_id: Annotated[int, Field(title="Run Id")]


class ReportPlanAdherence(BaseModel):
    done: Annotated[int, Field(title="Done")]
    missed: Annotated[int, Field(title="Missed")]
    name: Annotated[str | None, Field(title="Name")]
    plan_id: Annotated[int, Field(title="Plan Id")]
    planned: Annotated[int, Field(title="Planned")]
    share: Annotated[float | None, Field(title="Share")]


class ReportPrediction(BaseModel):
    distance: Annotated[str, Field(title="Distance")]
    distance_m: Annotated[float, Field(title="Distance M")]
    time_s: Annotated[int, Field(title="Time S")]


class ReportPredictionBasis(BaseModel):
    day: Annotated[date_aliased, Field(title="Day")]
    distance: Annotated[str, Field(title="Distance")]
    distance_m: Annotated[float, Field(title="Distance M")]
    elapsed_time_s: Annotated[int, Field(title="Elapsed Time S")]
    run_id: Annotated[int, Field(title="Run Id")]


class ReportRaceCountdown(BaseModel):
    date: Annotated[date_aliased, Field(title="Date")]
    days_to_go: Annotated[int, Field(title="Days To Go")]
    distance_m: Annotated[float, Field(title="Distance M")]
    name: Annotated[str, Field(title="Name")]
    predicted_time_s: Annotated[int | None, Field(title="Predicted Time S")]
    race_id: Annotated[int, Field(title="Race Id")]


class ReportRunHighlight(BaseModel):
    day: Annotated[date_aliased, Field(title="Day")]
    distance_m: Annotated[float, Field(title="Distance M")]
    moving_time_s: Annotated[int, Field(title="Moving Time S")]
    name: Annotated[str, Field(title="Name")]
    pace_s_per_km: Annotated[float, Field(title="Pace S Per Km")]
    run_id: Annotated[int, Field(title="Run Id")]


class ReportTotals(BaseModel):
    distance_m: Annotated[float, Field(title="Distance M")]
    elevation_gain_m: Annotated[float, Field(title="Elevation Gain M")]
    moving_time_s: Annotated[int, Field(title="Moving Time S")]
    runs: Annotated[int, Field(title="Runs")]


class ReportWeekDistance(BaseModel):
    distance_m: Annotated[float, Field(title="Distance M")]
    first_day: Annotated[date_aliased, Field(title="First Day")]
    last_day: Annotated[date_aliased, Field(title="Last Day")]
    runs: Annotated[int, Field(title="Runs")]
    week_start: Annotated[date_aliased, Field(title="Week Start")]


class ReportComparison(BaseModel):
    distance_change_m: Annotated[float, Field(title="Distance Change M")]
    distance_change_pct: Annotated[float | None, Field(title="Distance Change Pct")]
    kind: Annotated[Literal["previous_month", "last_year"], Field(title="Kind")]
    month: Annotated[str, Field(title="Month")]
    moving_time_change_s: Annotated[int, Field(title="Moving Time Change S")]
    runs_change: Annotated[int, Field(title="Runs Change")]
    totals: ReportTotals


class ReportContent(BaseModel):
    as_of: Annotated[date_aliased, Field(title="As Of")]
    best_efforts: Annotated[list[ReportEffortSet], Field(title="Best Efforts")]
    comparisons: Annotated[list[ReportComparison], Field(title="Comparisons")]
    display_name: Annotated[str | None, Field(title="Display Name")]
    fastest_run: ReportRunHighlight | None
    has_runs: Annotated[bool, Field(title="Has Runs")]
    longest_run: ReportRunHighlight | None
    month: Annotated[str, Field(title="Month")]
    next_race: ReportRaceCountdown | None
    plan: ReportPlanAdherence | None
    prediction_basis: ReportPredictionBasis | None
    predictions: Annotated[list[ReportPrediction], Field(title="Predictions")]
    runner_id: Annotated[str, Field(title="Runner Id")]
    time_zone: Annotated[str, Field(title="Time Zone")]
    totals: ReportTotals
    units: Annotated[Literal["km", "mi"], Field(title="Units")]
    version: Annotated[int | None, Field(title="Version")] = 1
    weeks: Annotated[list[ReportWeekDistance], Field(title="Weeks")]