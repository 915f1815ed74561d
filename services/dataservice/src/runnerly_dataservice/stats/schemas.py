from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Period = Literal["week", "month", "year"]


class StatsBucket(BaseModel):
    start: date = Field(description="First day of the week (a Monday), month or year.")
    runs: int
    distance_m: float
    moving_time_s: int
    elevation_gain_m: float


class StatsRead(BaseModel):
    period: Period
    time_zone: str = Field(description="The runner's time zone the buckets are cut in.")
    buckets: list[StatsBucket] = Field(description="Oldest first, empty ones included.")
