from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from runnerly_dataservice.deps import OutboxDep, RaceReader, RaceWriter, SessionDep
from runnerly_dataservice.fields import RowId
from runnerly_dataservice.races import service
from runnerly_dataservice.races.schemas import RaceCreate, RaceList, RaceRead
from runnerly_kit.caching import ConditionalRoute

router = APIRouter(prefix="/races", tags=["races"], route_class=ConditionalRoute)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such race."}}


@router.post("", status_code=201)
def create_race(
    body: RaceCreate, session: SessionDep, outbox: OutboxDep, runner: RaceWriter
) -> RaceRead:
    """Add a race every runner will see."""
    return service.create(session, outbox, runner.sub, body)


@router.get("")
def list_races(
    session: SessionDep,
    runner: RaceReader,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> RaceList:
    """Upcoming races from every runner, soonest first, a page at a time."""
    return service.list_upcoming(session, runner.runner_id, limit=limit, cursor=cursor)


@router.get("/{race_id}", responses=NOT_FOUND)
def get_race(race_id: RowId, session: SessionDep, runner: RaceReader) -> RaceRead:
    """One race, past or upcoming."""
    return service.read(session, race_id, runner.runner_id)


@router.put("/{race_id}/entry", responses={**NOT_FOUND, 409: {"description": "Race is over."}})
def enter_race(race_id: RowId, session: SessionDep, runner: RaceWriter) -> RaceRead:
    """Enter the race (entering twice is entering once)."""
    return service.enter(session, race_id, runner.sub)


@router.delete("/{race_id}/entry", responses=NOT_FOUND)
def withdraw_from_race(race_id: RowId, session: SessionDep, runner: RaceWriter) -> RaceRead:
    """Withdraw from the race (withdrawing twice is withdrawing once)."""
    return service.withdraw(session, race_id, runner.sub)


@router.delete(
    "/{race_id}",
    status_code=204,
    responses={
        **NOT_FOUND,
        403: {"description": "Neither the race's creator nor a moderator."},
        409: {"description": "Other runners entered it (a moderator may still remove it)."},
    },
)
def delete_race(
    race_id: RowId, session: SessionDep, outbox: OutboxDep, runner: RaceWriter
) -> Response:
    """Remove a race: the runner who added it, while no one else entered; or a moderator."""
    service.delete(session, outbox, race_id, runner)
    return Response(status_code=204)
