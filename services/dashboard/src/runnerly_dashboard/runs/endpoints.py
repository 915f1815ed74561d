from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from runnerly_dashboard.deps import CallerDep, IfNoneMatchDep, PeersDep
from runnerly_dashboard.peers import cached, relayed
from runnerly_dashboard.problems import conditional_read_responses, problem_responses
from runnerly_dashboard.runs import service
from runnerly_dashboard.runs.schemas import RunList, RunListQuery, RunRead

router = APIRouter(prefix="/runs", tags=["runs"])

RunId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get("", response_model=RunList, responses=conditional_read_responses(401, 403, 503))
async def list_runs(
    query: Annotated[RunListQuery, Query()],
    caller: CallerDep,
    peers: PeersDep,
    if_none_match: IfNoneMatchDep = None,
) -> Response:
    """The runner's runs, sorted, filtered and searched, a page at a time."""
    return relayed(await service.list_runs(peers, caller, query, if_none_match))


@router.get("/{run_id}", response_model=RunRead,
            responses=conditional_read_responses(401, 403, 404, 503))
def get_run(
    run_id: RunId,
    caller: CallerDep,
    peers: PeersDep,
    response: Response,
    if_none_match: IfNoneMatchDep = None,
) -> RunRead | Response:
    """One of the runner's runs, with its streams and splits."""
    return cached(service.get_run(peers, caller, run_id, if_none_match), response)


@router.delete("/{run_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               responses=problem_responses(401, 403, 404, 503))
def delete_run(run_id: RunId, caller: CallerDep, peers: PeersDep) -> Response:
    """Delete one of the runner's runs."""
    service.delete_run(peers, caller, run_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
