"""The runs as the public API shows them: the dataservice's own shapes (``contract``,
generated from its contract), which the dashboard passes on whole, and the one thing it
adds: whether a Strava run's streams are on their way."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from runnerly_dashboard.runs.contract import RunDetail, RunList, RunSplit, RunStreams, RunSummary

__all__ = [
    "RunDetail",
    "RunList",
    "RunListQuery",
    "RunRead",
    "RunSplit",
    "RunStreams",
    "RunSummary",
    "StreamsRequested",
]


class RunListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int | None = Field(default=None, ge=1, le=100, description="Runs per page.")
    cursor: str | None = Field(
        default=None, max_length=200, description="The next_cursor of the previous page."
    )
    after: datetime | None = Field(default=None, description="Only runs started after this.")
    before: datetime | None = Field(default=None, description="Only runs started before this.")
    sort: Literal["date", "distance", "pace"] | None = Field(
        default=None, description="By start (the default), distance or pace."
    )
    order: Literal["desc", "asc"] | None = Field(
        default=None, description="desc (the default): newest, longest or slowest first."
    )
    year: int | None = Field(
        default=None, ge=1900, le=2200,
        description="Only runs started in this year, in the runner's time zone.",
    )
    month: int | None = Field(
        default=None, ge=1, le=12, description="With `year`: only runs of this month of it."
    )
    q: str | None = Field(
        default=None, min_length=1, max_length=100,
        description="Only runs whose name holds this text (literally; case ignored).",
    )

    @model_validator(mode="after")
    def _month_of_a_year(self) -> Self:
        if self.month is not None and self.year is None:
            raise ValueError("'month' needs a 'year'.")
        return self


class RunRead(RunDetail):
    """A run with its downsampled streams and per-km splits."""

    streams_pending: bool = Field(
        default=False,
        description="true: the run's streams (and splits) are being fetched from Strava "
        "right now; read the run again in a few seconds.",
    )


class StreamsRequested(BaseModel):
    """Ingest's answer: whether the run's streams are on their way."""

    pending: bool
