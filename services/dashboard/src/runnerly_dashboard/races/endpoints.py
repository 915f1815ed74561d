from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from runnerly_dashboard.deps import CallerDep, IfNoneMatchDep, PeersDep
from runnerly_dashboard.peers import relayed
from runnerly_dashboard.problems import conditional_read_responses, problem_responses
from runnerly_dashboard.races import service
from runnerly_dashboard.races.schemas import RaceCreate, RaceList, RaceRead

router = APIRouter(prefix="/races", tags=["races"])

RaceId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get("", response_model=RaceList, responses=conditional_read_responses(401, 403, 503))
async def list_races(
    caller: CallerDep,
    peers: PeersDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Races per page.")] = 20,
    cursor: Annotated[
        str | None, Query(max_length=200, description="The next_cursor of the previous page.")
    ] = None,
    if_none_match: IfNoneMatchDep = None,
) -> Response:
    """Upcoming races from every runner, soonest first, a page at a time."""
    return relayed(await service.list_races(peers, caller, limit, cursor, if_none_match))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RaceRead,
             responses=problem_responses(401, 403, 409, 503))
def create_race(body: RaceCreate, caller: CallerDep, peers: PeersDep) -> RaceRead:
    """Add a race; every runner sees it."""
    return service.create_race(peers, caller, body)


@router.get("/{race_id}", response_model=RaceRead,
            responses=conditional_read_responses(401, 403, 404, 503))
async def get_race(
    race_id: RaceId,
    caller: CallerDep,
    peers: PeersDep,
    if_none_match: IfNoneMatchDep = None,
) -> Response:
    """One race."""
    return relayed(await service.get_race(peers, caller, race_id, if_none_match))


@router.delete("/{race_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               responses=problem_responses(401, 403, 404, 409, 503))
def delete_race(race_id: RaceId, caller: CallerDep, peers: PeersDep) -> Response:
    """Remove a race: the runner who added it, while no one else entered; or a moderator."""
    service.delete_race(peers, caller, race_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{race_id}/entry", response_model=RaceRead,
            responses=problem_responses(401, 403, 404, 503))
def enter_race(race_id: RaceId, caller: CallerDep, peers: PeersDep) -> RaceRead:
    """Enter the race."""
    return service.enter_race(peers, caller, race_id)


@router.delete("/{race_id}/entry", response_model=RaceRead,
               responses=problem_responses(401, 403, 404, 503))
def withdraw_from_race(race_id: RaceId, caller: CallerDep, peers: PeersDep) -> RaceRead:
    """Withdraw from the race."""
    return service.withdraw_from_race(peers, caller, race_id)
