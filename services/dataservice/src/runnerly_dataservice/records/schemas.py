from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field

from runnerly_dataservice.records.efforts import DistanceKey


class BestEffortRead(BaseModel):
    """The fastest effort over one standard distance among the runs asked about."""

    distance: DistanceKey
    distance_m: float = Field(description="The distance's length: 1000, 5000, 10000, "
                              "21097.5 or 42195 metres.")
    elapsed_time_s: int = Field(description="Seconds the runner took over the distance.")
    run_id: int = Field(description="The run it was set in.")
    started_at: AwareDatetime = Field(description="When that run started.")


class BestEffortList(BaseModel):
    items: list[BestEffortRead] = Field(
        description="One per distance some run covered, shortest distance first."
    )
