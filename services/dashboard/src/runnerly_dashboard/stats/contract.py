"""Generated from contracts/dataservice.json (StatsRead, BestEffortList) by `make contracts`: do not edit."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field


class StatsBestEffortRead(BaseModel):
    """
    The fastest effort over one standard distance among the runs asked about.
    """

    distance: Annotated[Literal["1k", "5k", "10k", "half", "marathon"], Field(title="Distance")]
    distance_m: Annotated[
        float,
        Field(
            description="The distance's length: 1000, 5000, 10000, 21097.5 or 42195 metres.",
            title="Distance M",
        ),
    ]
    elapsed_time_s: Annotated[
        int, Field(description="Seconds the runner took over the distance.", title="Elapsed Time S")
    ]
    run_id: Annotated[int, Field(description="The run it was set in.", title="Run Id")]
    started_at: Annotated[
        AwareDatetime, Field(description="When that run started.", title="Started At")
    ]


class StatsBucket(BaseModel):
    distance_m: Annotated[float, Field(title="Distance M")]
    elevation_gain_m: Annotated[float, Field(title="Elevation Gain M")]
    moving_time_s: Annotated[int, Field(title="Moving Time S")]
    runs: Annotated[int, Field(title="Runs")]
    start: Annotated[
        date, Field(description="First day of the week (a Monday), month or year.", title="Start")
    ]


class StatsRead(BaseModel):
    buckets: Annotated[
        list[StatsBucket], Field(description="Oldest first, empty ones included.", title="Buckets")
    ]
    period: Annotated[Literal["week", "month", "year"], Field(title="Period")]
    time_zone: Annotated[
        str, Field(description="The runner's time zone the buckets are cut in.", title="Time Zone")
    ]


class StatsBestEffortList(BaseModel):
    items: Annotated[
        list[StatsBestEffortRead],
        Field(
            description="One per distance some run covered, shortest distance first.", title="Items"
        ),
    ]