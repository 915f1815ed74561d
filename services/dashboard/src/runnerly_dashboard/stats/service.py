from __future__ import annotations

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.peers import Fetched, Peers, fetch
from runnerly_dashboard.stats.schemas import Period, Stats


def get_stats(peers: Peers, caller: Caller, period: Period, if_none_match: str | None
              ) -> Fetched[Stats]:
    return fetch(peers.dataservice, "/stats", Stats, token=caller.access_token,
                 if_none_match=if_none_match, params={"period": period})
