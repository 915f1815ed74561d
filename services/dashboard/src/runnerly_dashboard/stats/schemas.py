"""Totals and records as the public API shows them: the dataservice's own shapes
(``contract``, generated from its contract), which the dashboard passes on whole."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from runnerly_dashboard.stats.contract import (
    StatsBestEffortList,
    StatsBestEffortRead,
    StatsBucket,
    StatsRead,
)

__all__ = ["Period", "RecordsQuery", "StatsBestEffortList", "StatsBestEffortRead", "StatsBucket",
           "StatsRead"]

Period = Literal["week", "month", "year"]


class RecordsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: datetime | None = Field(
        default=None, description="Only runs started at or after this (all time if absent)."
    )
    before: datetime | None = Field(default=None, description="Only runs started before this.")
