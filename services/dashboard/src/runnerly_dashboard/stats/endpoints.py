from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from runnerly_dashboard.deps import CallerDep, IfNoneMatchDep, PeersDep
from runnerly_dashboard.peers import relayed
from runnerly_dashboard.problems import conditional_read_responses
from runnerly_dashboard.stats import service
from runnerly_dashboard.stats.schemas import Period, RecordsQuery, StatsBestEffortList, StatsRead

# Totals and records are both read from the runner's runs; one router serves both paths.
router = APIRouter()


@router.get("/stats", tags=["stats"], response_model=StatsRead,
            responses=conditional_read_responses(401, 403, 503))
async def get_stats(
    caller: CallerDep,
    peers: PeersDep,
    period: Annotated[Period, Query(description="The length of each bucket.")] = "week",
    if_none_match: IfNoneMatchDep = None,
) -> Response:
    """The runner's totals per week, month or year, in their time zone."""
    return relayed(await service.get_stats(peers, caller, period, if_none_match))


@router.get("/records", tags=["records"], response_model=StatsBestEffortList,
            responses=conditional_read_responses(401, 403, 503))
async def get_records(
    query: Annotated[RecordsQuery, Query()],
    caller: CallerDep,
    peers: PeersDep,
    if_none_match: IfNoneMatchDep = None,
) -> Response:
    """The runner's personal records: best efforts over 1 km, 5 km, 10 km, half and
    marathon, all time or among the runs started in [after, before)."""
    return relayed(await service.get_records(peers, caller, query, if_none_match))
