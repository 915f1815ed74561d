from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RunListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int | None = Field(default=None, ge=1, le=100, description="Runs per page.")
    cursor: str | None = Field(
        default=None, max_length=200, description="The next_cursor of the previous page."
    )
    after: datetime | None = Field(default=None, description="Only runs started after this.")
    before: datetime | None = Field(default=None, description="Only runs started before this.")


class RunSummary(BaseModel):
    """A run as listed (dataservice's shape; fields it adds pass through)."""

    model_config = ConfigDict(extra="allow")

    id: int
    name: str | None = None
    sport_type: str | None = None
    started_at: datetime | None = None
    time_zone: str | None = None
    distance_m: float | None = None
    moving_time_s: int | None = None
    elapsed_time_s: int | None = None
    elevation_gain_m: float | None = None
    average_hr: float | None = None
    max_hr: float | None = None
    summary_polyline: str | None = None


class RunRead(RunSummary):
    """A run with its downsampled streams and per-km splits."""

    source: str | None = None
    external_id: str | None = None
    average_cadence: float | None = None
    streams: dict[str, Any] | None = None
    splits: list[dict[str, Any]] | None = None
    streams_pending: bool = Field(
        default=False,
        description="true: the run's streams (and splits) are being fetched from Strava "
        "right now; read the run again in a few seconds.",
    )


class StreamsRequested(BaseModel):
    """Ingest's answer: whether the run's streams are on their way."""

    pending: bool


class RunList(BaseModel):
    items: list[RunSummary]
    next_cursor: str | None = None
