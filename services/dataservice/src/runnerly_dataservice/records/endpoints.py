from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from runnerly_dataservice.deps import SessionDep, StatsReader
from runnerly_dataservice.records import service
from runnerly_dataservice.records.schemas import BestEffortList
from runnerly_kit.caching import ConditionalRoute

router = APIRouter(prefix="/records", tags=["records"], route_class=ConditionalRoute)


@router.get("")
def get_records(
    session: SessionDep,
    runner: StatsReader,
    after: Annotated[
        datetime | None,
        Query(description="Among runs started at or after (ISO date or datetime; UTC when "
              "no offset is given)."),
    ] = None,
    before: Annotated[
        datetime | None,
        Query(description="Among runs started before (ISO date or datetime)."),
    ] = None,
) -> BestEffortList:
    """The runner's best efforts over 1 km, 5 km, 10 km, half and marathon, all time or
    among the runs started in [after, before)."""
    return service.records(session, runner.runner_id, after, before)
