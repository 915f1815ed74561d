"""The reports API's models: a report's content (what ``content.build_content`` computes,
in SI units), the reports as listed and read, and the subscription."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from runnerly_kit.i18n import DEFAULT_LANGUAGE, Language
from runnerly_reports.reports.percent import whole_percent

CONTENT_VERSION = 1
ReportStatus = Literal["built", "sent"]


class Totals(BaseModel):
    """Totals over the runs of a month."""

    runs: int
    distance_m: float
    moving_time_s: int
    elevation_gain_m: float


class Comparison(BaseModel):
    """The month against another: the one before it, or the same month a year earlier."""

    kind: Literal["previous_month", "last_year"]
    month: str = Field(description="The other month, YYYY-MM.")
    totals: Totals = Field(description="The other month's totals.")
    distance_change_m: float = Field(description="This month's distance minus the other's.")
    distance_change_pct: int | None = Field(
        description="The change in whole percent of the other month's distance (halves away "
        "from zero), to be shown as it is; null when the other month had no distance to "
        "compare with."
    )
    moving_time_change_s: int
    runs_change: int

    @model_validator(mode="before")
    @classmethod
    def _whole_percent(cls, data: Any) -> Any:
        # Reports stored before the whole-percent rule kept a tenth of a percent: worked out
        # again from the distances, by the same rule as a new report.
        if isinstance(data, dict):
            pct = data.get("distance_change_pct")
            if isinstance(pct, float) and not pct.is_integer():
                then = data["totals"]["distance_m"]
                data = {**data, "distance_change_pct": whole_percent(
                    data["distance_change_m"], then)}
        return data


class RunHighlight(BaseModel):
    """One run of the month that stood out: the longest, or the fastest pace over 3 km or
    more."""

    run_id: int
    name: str
    day: date = Field(description="The day it started, on the runner's clock.")
    distance_m: float
    moving_time_s: int
    pace_s_per_km: float


class EffortSet(BaseModel):
    """A best effort of the month that beat every earlier one at its distance."""

    distance: str = Field(description="The standard distance: 1k, 5k, 10k, half, marathon.")
    distance_m: float
    elapsed_time_s: int
    run_id: int
    day: date
    previous_best_s: int | None = Field(
        description="The best before the month; null when this is the first effort at the "
        "distance."
    )

    @property
    def first(self) -> bool:
        return self.previous_best_s is None


class WeekDistance(BaseModel):
    """A Monday-to-Sunday week's distance, counting only the month's days (the weeks add up
    to the month)."""

    week_start: date = Field(description="The week's Monday (it may be in the month before).")
    first_day: date = Field(description="The week's first day in the month.")
    last_day: date = Field(description="The week's last day in the month.")
    runs: int
    distance_m: float


class PlanAdherence(BaseModel):
    """How the month went against the runner's training plan: its workouts dated in the
    month, rest days aside."""

    plan_id: int
    name: str | None
    planned: int = Field(description="Workouts dated in the month.")
    done: int = Field(description="Workouts past and matched by a run.")
    missed: int = Field(description="Workouts past and not matched by a run.")
    share: float | None = Field(
        description="done / (done + missed); null when no workout of the month is past yet."
    )
    share_pct: int | None = Field(
        default=None,
        description="The share in whole percent (halves away from zero), to be shown as it is.",
    )

    @model_validator(mode="after")
    def _share_pct(self) -> PlanAdherence:
        # Also for reports stored before the field: the same rule from the same counts.
        due = self.done + self.missed
        self.share_pct = whole_percent(self.done, due) if due else None
        return self


class Prediction(BaseModel):
    """A race time predicted with Riegel's formula from the prediction basis."""

    distance: str = Field(description="5k, 10k, half or marathon.")
    distance_m: float
    time_s: int


class PredictionBasis(BaseModel):
    """The effort the predictions come from: among the best efforts of 5 km or more in the
    8 weeks ending with the month, the one that predicts the fastest 10 km."""

    distance: str
    distance_m: float
    elapsed_time_s: int
    run_id: int
    day: date


class RaceCountdown(BaseModel):
    """The first race the runner entered on or after the as_of day."""

    race_id: int
    name: str
    date: date
    distance_m: float
    days_to_go: int = Field(description="Days from the report's as_of day to the race.")
    predicted_time_s: int | None = Field(
        description="Riegel's prediction for the race's distance; null without a basis."
    )


class ReportContent(BaseModel):
    """What a monthly report says. Every figure is in SI units (metres, seconds); ``units``
    is how the runner reads them. A run belongs to the month of its start on the runner's
    clock (``time_zone``)."""

    version: int = Field(default=CONTENT_VERSION, description="The shape's version.")
    runner_id: str
    display_name: str | None
    month: str = Field(description="YYYY-MM.")
    time_zone: str = Field(description="The runner's IANA time zone when it was built.")
    units: Literal["km", "mi"]
    language: Language = Field(
        default=DEFAULT_LANGUAGE,
        description="The language it is written in: the runner's when it was built.",
    )
    as_of: date = Field(description="The day it was built, on the runner's clock.")
    has_runs: bool
    totals: Totals
    comparisons: list[Comparison] = Field(description="The month before, then a year before.")
    longest_run: RunHighlight | None
    fastest_run: RunHighlight | None = Field(description="The fastest pace over 3 km or more.")
    best_efforts: list[EffortSet]
    weeks: list[WeekDistance]
    plan: PlanAdherence | None = Field(
        description="The plan with the most workouts in the month; null when none has any "
        "(or the plans service could not tell)."
    )
    next_race: RaceCountdown | None
    prediction_basis: PredictionBasis | None
    predictions: list[Prediction]



class ReportSummary(BaseModel):
    month: str = Field(description="YYYY-MM, on the runner's clock.")
    status: ReportStatus = Field(description="built: stored, not mailed; sent: mailed.")
    created_at: datetime
    sent_at: datetime | None = Field(description="When the last mail was asked for.")
    send_count: int = Field(description="Mails asked for: the scheduled one and resends.")
    has_runs: bool
    runs: int
    distance_m: float


class ReportList(BaseModel):
    items: list[ReportSummary] = Field(description="Newest month first.")


class ReportRead(ReportSummary):
    content: ReportContent = Field(
        description="The report's figures in SI units (metres, seconds), with the runner's "
        "`units` and `time_zone`."
    )


class SubscriptionRead(BaseModel):
    subscribed: bool = Field(description="Whether the monthly report is mailed.")


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: "no" or 0 are not a yes/no answer.
    subscribed: bool = Field(strict=True)
