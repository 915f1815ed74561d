from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from runnerly_dataservice.fields import RunnerId, TimeZoneName
from runnerly_kit.text import SingleLine

MAX_STREAM_POINTS = 1000
MAX_BATCH_RUNS = 1000

Source = Literal["strava", "file", "manual"]
ExternalId = Annotated[str, Field(min_length=1, max_length=64)]
Meters = Annotated[float, Field(ge=0, le=10_000_000)]
Seconds = Annotated[int, Field(ge=0, le=100_000_000)]
Elevation = Annotated[float, Field(ge=0, le=100_000)]
HeartRate = Annotated[float, Field(ge=0, le=300)]
Cadence = Annotated[float, Field(ge=0, le=500)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Series = Annotated[list[float], Field(max_length=MAX_STREAM_POINTS)]


class Streams(BaseModel):
    """Downsampled per-point series of a run; every series sent has the same length."""

    model_config = ConfigDict(extra="forbid")

    time: Series | None = None
    distance: Series | None = None
    altitude: Series | None = None
    heartrate: Series | None = None
    cadence: Series | None = None
    velocity_smooth: Series | None = None
    grade_smooth: Series | None = None
    watts: Series | None = None
    temp: Series | None = None
    moving: Annotated[list[bool], Field(max_length=MAX_STREAM_POINTS)] | None = None
    latlng: Annotated[
        list[tuple[Latitude, Longitude]], Field(max_length=MAX_STREAM_POINTS)
    ] | None = None

    @model_validator(mode="after")
    def _same_lengths(self) -> Self:
        lengths = {
            name: len(series)
            for name, series in self
            if series is not None
        }
        if len(set(lengths.values())) > 1:
            described = ", ".join(f"{name}={length}" for name, length in lengths.items())
            raise ValueError(f"every stream must have the same number of points ({described})")
        return self


class Split(BaseModel):
    """One kilometre (or the last, shorter part) of a run."""

    model_config = ConfigDict(extra="forbid")

    distance_m: Meters
    elapsed_time_s: Seconds
    moving_time_s: Seconds | None = None
    elevation_difference_m: Annotated[float, Field(ge=-10_000, le=10_000)] | None = None
    average_hr: HeartRate | None = None


class RunFields(BaseModel):
    name: Annotated[str, SingleLine(max_length=200)]
    sport_type: Annotated[str, SingleLine(max_length=32)] = "Run"
    started_at: AwareDatetime
    time_zone: TimeZoneName | None = None
    distance_m: Meters
    moving_time_s: Seconds
    elapsed_time_s: Seconds
    elevation_gain_m: Elevation | None = None
    average_hr: HeartRate | None = None
    max_hr: HeartRate | None = None
    average_cadence: Cadence | None = None


class RunUpsert(RunFields):
    """A run as a source knows it; ``(runner_id, source, external_id)`` identifies it: the
    same source and external id sent for another runner is another runner's run."""

    model_config = ConfigDict(extra="forbid")

    runner_id: RunnerId
    source: Source
    external_id: ExternalId
    summary_polyline: str | None = Field(default=None, max_length=100_000)
    streams: Streams | None = None
    splits: Annotated[list[Split], Field(max_length=500)] | None = None


class RunBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    runs: list[RunUpsert] = Field(min_length=1, max_length=MAX_BATCH_RUNS)


ListSort = Literal["date", "distance", "pace"]
ListOrder = Literal["desc", "asc"]
RunOutcomeStatus = Literal["created", "updated", "duplicate"]


class RunOutcome(BaseModel):
    """What became of one run of a batch. A ``duplicate`` was not stored: it is the same
    activity as the runner's run ``run_id`` from another source or file (started within
    60 s of it, distance within 2 %)."""

    source: Source
    external_id: str
    status: RunOutcomeStatus
    run_id: int | None


class RunBatchResult(BaseModel):
    created: int
    updated: int
    duplicates: int = 0
    results: list[RunOutcome] = Field(default_factory=list)


class RunSummary(RunFields):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source: Source
    external_id: str
    started_at: datetime


class RunDetail(RunSummary):
    summary_polyline: str | None = None
    streams: Streams | None = None
    splits: list[Split] | None = None
    created_at: datetime
    updated_at: datetime


class RunListQuery(BaseModel):
    """The list's query parameters, validated as one model: per-parameter validation cost
    more than the read itself on this, the busiest endpoint."""

    limit: int = Field(default=20, ge=1, le=100, description="Runs per page.")
    cursor: str | None = Field(
        default=None, max_length=200, description="The next_cursor of the previous page."
    )
    after: datetime | None = Field(
        default=None, description="Runs started at or after (ISO date or datetime)."
    )
    before: datetime | None = Field(
        default=None, description="Runs started before (ISO date or datetime)."
    )
    sort: ListSort = Field(
        default="date",
        description="The order of the list: by start, distance or pace (moving time per "
        "km; runs of no distance count as the slowest).",
    )
    order: ListOrder = Field(default="desc", description="desc: newest, longest or slowest first.")
    year: int | None = Field(
        default=None, ge=1900, le=2200, description="Runs started in this year, in the "
        "runner's time zone."
    )
    month: int | None = Field(
        default=None, ge=1, le=12, description="With `year`: runs started in this month of "
        "it, in the runner's time zone."
    )
    q: str | None = Field(
        default=None, min_length=1, max_length=100,
        description="Runs whose name holds this text (taken literally; case ignored).",
    )

    @model_validator(mode="after")
    def _month_of_a_year(self) -> Self:
        if self.month is not None and self.year is None:
            raise ValueError("'month' needs a 'year'.")
        return self


class RunList(BaseModel):
    items: list[RunSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
    total: int | None = Field(
        default=None,
        description="How many runs match the filters and search; on the first page only "
        "(null on a page asked for with a cursor).",
    )


class RunsDeleted(BaseModel):
    deleted: int
