from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from runnerly_kit.text import SingleLine


class RaceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, SingleLine(max_length=200)]
    date: dt.date
    distance_m: float = Field(gt=0, le=1_000_000, description="Race distance in metres.")
    location: Annotated[str, SingleLine(max_length=200)]
    url: AnyHttpUrl | None = Field(default=None, max_length=2000)


class RaceRead(BaseModel):
    """A race every runner sees (dataservice's shape; fields it adds pass through)."""

    model_config = ConfigDict(extra="allow")

    id: int
    name: str
    date: dt.date
    distance_m: float
    location: str | None = None
    url: str | None = None
    entrants: int = Field(description="How many runners entered.")
    entered: bool = Field(description="Whether the caller entered.")


class RaceList(BaseModel):
    model_config = ConfigDict(extra="allow")

    items: list[RaceRead]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page."
    )
