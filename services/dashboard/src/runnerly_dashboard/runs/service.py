from __future__ import annotations

import structlog

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.peers import (
    CACHE_HEADERS,
    Fetched,
    PeerProblem,
    Peers,
    call,
    fetch,
    fetch_async,
    parse,
)
from runnerly_dashboard.runs.schemas import RunList, RunListQuery, RunRead, StreamsRequested
from runnerly_kit.errors import ServiceUnavailable

log = structlog.get_logger()


async def list_runs(
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
    for name in ("sort", "order", "year", "month", "q"):
        value = getattr(query, name)
        if value is not None:
            params[name] = value
    return await fetch_async(peers.dataservice_async, "/runs", RunList,
                             token=caller.access_token, if_none_match=if_none_match,
                             params=params)


def get_run(peers: Peers, caller: Caller, run_id: int, if_none_match: str | None
            ) -> Fetched[RunRead]:
    """The run; a Strava run whose streams are not in yet is fetched from Strava at once
    (ingest checks the run is the caller's own, with the caller's token)."""
    fetched = fetch(peers.dataservice, f"/runs/{run_id}", RunRead, token=caller.access_token,
                    if_none_match=if_none_match)
    run = fetched.value
    if run is None or run.source != "strava" or run.streams is not None or not run.external_id:
        return fetched
    try:
        response = call(peers.ingest, "POST", f"/strava/streams/{run.external_id}",
                        token=caller.access_token)
        pending = parse(response, StreamsRequested, "ingest").pending
    except (PeerProblem, ServiceUnavailable) as exc:
        # The run itself is there: it shows without its streams rather than not at all.
        log.warning("run.streams_request_failed", run_id=run_id, error=str(exc))
        return fetched
    if not pending:
        return fetched
    run.streams_pending = True
    # Not to be kept by the browser: the same run, streams in, answers another body.
    headers = {name: value for name, value in fetched.headers.items()
               if name not in CACHE_HEADERS}
    headers["Cache-Control"] = "no-store"
    return Fetched(run, headers)


def delete_run(peers: Peers, caller: Caller, run_id: int) -> None:
    call(peers.dataservice, "DELETE", f"/runs/{run_id}", token=caller.access_token)
