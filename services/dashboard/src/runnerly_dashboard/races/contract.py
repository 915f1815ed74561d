"""Generated from contracts/dataservice.json (RaceList, RaceRead) by `make contracts`: do not edit."""

from __future__ import annotations

from datetime import date as date_aliased
from typing import Annotated

from pydantic import BaseModel, Field


class RaceRead(BaseModel):
    date: Annotated[date_aliased, Field(title="Date")]
    distance_m: Annotated[float, Field(title="Distance M")]
    entered: Annotated[bool, Field(description="Whether the caller entered.", title="Entered")]
    entrants: Annotated[int, Field(description="How many runners entered.", title="Entrants")]
    id: Annotated[int, Field(title="Id")]
    location: Annotated[str | None, Field(title="Location")]
    name: Annotated[str, Field(title="Name")]
    url: Annotated[str | None, Field(title="Url")]


class RaceList(BaseModel):
    items: Annotated[list[RaceRead], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` to get the next page; null on the last page.",
            title="Next Cursor",
        ),
    ]