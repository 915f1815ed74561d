"""Plans as the public API takes them; it shows them in the plans service's own shapes
(``contract``, generated from its contract), which the dashboard passes on whole."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from runnerly_dashboard.plans.contract import PlanList, PlanRead
from runnerly_kit.text import SingleLine

__all__ = ["PlanCreate", "PlanList", "PlanRead"]

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class PlanCreate(BaseModel):
    """A race from the races list (``race_id``), or one of the runner's own
    (``distance_m`` and ``date``, optionally ``name``)."""

    model_config = ConfigDict(extra="forbid")

    race_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    distance_m: float | None = Field(default=None, gt=0, le=1_000_000,
                                     description="Race distance in metres.")
    date: dt.date | None = Field(default=None, description="Race day.")
    name: Annotated[str, SingleLine(max_length=200)] | None = None
    days_per_week: int = Field(ge=3, le=7, description="Days a week the runner can train.")
    long_run_day: Weekday = "sunday"
    goal_time_s: int | None = Field(default=None, ge=60, le=7 * 24 * 3600,
                                    description="Goal race time in seconds.")

    @model_validator(mode="after")
    def _one_race(self) -> Self:
        own = (self.distance_m, self.date, self.name)
        if self.race_id is not None:
            if any(value is not None for value in own):
                raise ValueError("give either race_id or distance_m and date, not both")
        elif self.distance_m is None or self.date is None:
            raise ValueError("give race_id, or distance_m and date")
        return self
