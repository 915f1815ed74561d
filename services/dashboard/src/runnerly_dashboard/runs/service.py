from __future__ import annotations

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.peers import Fetched, Peers, call, fetch
from runnerly_dashboard.runs.schemas import RunDetail, RunList, RunListQuery


def list_runs(
    peers: Peers, caller: Caller, query: RunListQuery, if_none_match: str | None
) -> Fetched[RunList]:
    params: dict[str, str | int] = {}
    if query.limit is not None:
        params["limit"] = query.limit
    if query.cursor is not None:
        params["cursor"] = query.cursor
    if query.after is not None:
        params["after"] = query.after.isoformat()
    if query.before is not None:
        params["before"] = query.before.isoformat()
    return fetch(peers.dataservice, "/runs", RunList, token=caller.access_token,
                 if_none_match=if_none_match, params=params)


def get_run(peers: Peers, caller: Caller, run_id: int, if_none_match: str | None
            ) -> Fetched[RunDetail]:
    return fetch(peers.dataservice, f"/runs/{run_id}", RunDetail, token=caller.access_token,
                 if_none_match=if_none_match)


def delete_run(peers: Peers, caller: Caller, run_id: int) -> None:
    call(peers.dataservice, "DELETE", f"/runs/{run_id}", token=caller.access_token)
