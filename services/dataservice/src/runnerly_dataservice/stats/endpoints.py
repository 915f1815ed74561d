from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from runnerly_dataservice.deps import SessionDep, StatsReader
from runnerly_dataservice.stats import service
from runnerly_dataservice.stats.schemas import Period, StatsRead
from runnerly_kit.caching import ConditionalRoute

router = APIRouter(prefix="/stats", tags=["stats"], route_class=ConditionalRoute)
# Days outside these bounds name no runner's history, and would overflow the calendar
# when a default range is counted back from them.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2200, 12, 31)


@router.get("")
def get_stats(
    session: SessionDep,
    runner: StatsReader,
    period: Period = "month",
    first_day: Annotated[
        date | None,
        Query(alias="from", ge=EARLIEST_DAY, le=LATEST_DAY,
              description="A day in the first bucket (default: 12 weeks, "
              "12 months or 5 years back)."),
    ] = None,
    last_day: Annotated[
        date | None,
        Query(alias="to", ge=EARLIEST_DAY, le=LATEST_DAY,
              description="A day in the last bucket (default: today)."),
    ] = None,
) -> StatsRead:
    """Distance, time, runs and climb per week, month or year, in the runner's time zone."""
    return service.totals(session, runner.runner_id, period, first_day, last_day)
