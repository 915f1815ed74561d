from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Period = Literal["week", "month", "year"]


class StatsBucket(BaseModel):
    """Totals over one week, month or year (dataservice's shape passes through)."""

    model_config = ConfigDict(extra="allow")


class Stats(BaseModel):
    model_config = ConfigDict(extra="allow")

    period: Period
    time_zone: str
    buckets: list[StatsBucket]
