from __future__ import annotations

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.peers import Fetched, Peers, fetch_async
from runnerly_dashboard.stats.schemas import Period, RecordsQuery, StatsBestEffortList, StatsRead


async def get_stats(peers: Peers, caller: Caller, period: Period, if_none_match: str | None
                    ) -> Fetched[StatsRead]:
    return await fetch_async(peers.dataservice_async, "/stats", StatsRead,
                             token=caller.access_token, if_none_match=if_none_match,
                             params={"period": period})


async def get_records(peers: Peers, caller: Caller, query: RecordsQuery, if_none_match: str | None
                ) -> Fetched[StatsBestEffortList]:
    params: dict[str, str | int] = {}
    if query.after is not None:
        params["after"] = query.after.isoformat()
    if query.before is not None:
        params["before"] = query.before.isoformat()
    return await fetch_async(peers.dataservice_async, "/records", StatsBestEffortList,
                             token=caller.access_token, if_none_match=if_none_match,
                             params=params)
