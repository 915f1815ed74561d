"""Races as the public API takes them; it shows them in the dataservice's own shapes
(``contract``, generated from its contract), which the dashboard passes on whole."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from runnerly_dashboard.races.contract import RaceList, RaceRead
from runnerly_kit.text import SingleLine

__all__ = ["RaceCreate", "RaceList", "RaceRead"]


class RaceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, SingleLine(max_length=200)]
    date: dt.date
    distance_m: float = Field(gt=0, le=1_000_000, description="Race distance in metres.")
    location: Annotated[str, SingleLine(max_length=200)]
    url: AnyHttpUrl | None = Field(default=None, max_length=2000)
