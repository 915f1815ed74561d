"""The runs as the public API shows them: the dataservice's own shapes (``contract``,
generated from its contract), which the dashboard passes on whole, and the one thing it
adds: whether a Strava run's streams are on their way."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

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
