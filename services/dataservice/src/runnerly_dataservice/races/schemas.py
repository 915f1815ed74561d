from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from runnerly_kit.text import SingleLine

RaceName = Annotated[str, SingleLine(max_length=200)]
PlaceName = Annotated[str, SingleLine(max_length=200)]


class RaceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: RaceName
    date: date
    distance_m: float = Field(gt=0, le=1_000_000)
    location: PlaceName | None = None
    url: Annotated[HttpUrl, Field(max_length=2000)] | None = None


class RaceRead(BaseModel):
    id: int
    name: str
    date: date
    distance_m: float
    location: str | None
    url: str | None
    entrants: int = Field(description="How many runners entered.")
    entered: bool = Field(description="Whether the caller entered.")


class RaceList(BaseModel):
    items: list[RaceRead]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
