from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Period = Literal["week", "month", "year"]
DistanceKey = Literal["1k", "5k", "10k", "half", "marathon"]


class StatsBucket(BaseModel):
    """Totals over one week, month or year (dataservice's shape passes through)."""

    model_config = ConfigDict(extra="allow")


class Stats(BaseModel):
    model_config = ConfigDict(extra="allow")

    period: Period
    time_zone: str
    buckets: list[StatsBucket]


class RecordsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: datetime | None = Field(
        default=None, description="Only runs started at or after this (all time if absent)."
    )
    before: datetime | None = Field(default=None, description="Only runs started before this.")


class BestEffort(BaseModel):
    """The fastest effort over one standard distance, and the run it was set in."""

    model_config = ConfigDict(extra="allow")

    distance: DistanceKey
    distance_m: float
    elapsed_time_s: int
    run_id: int
    started_at: datetime


class Records(BaseModel):
    model_config = ConfigDict(extra="allow")

    items: list[BestEffort] = Field(
        description="One per distance some run covered, shortest distance first."
    )
