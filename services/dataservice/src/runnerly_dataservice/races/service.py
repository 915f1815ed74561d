from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import structlog
from sqlalchemy.orm import Session

from runnerly_dataservice.cursors import decode_date_cursor, encode_cursor
from runnerly_dataservice.models import Race
from runnerly_dataservice.races import repository
from runnerly_dataservice.races.schemas import RaceCreate, RaceList, RaceRead
from runnerly_kit.auth import Principal
from runnerly_kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from runnerly_kit.messages import RaceCreated, RaceDeleted
from runnerly_kit.outbox import Outbox

log = structlog.get_logger()
# The westernmost time zone is UTC-12: a date is "past" only once it is past everywhere,
# so no runner is refused a race that is still today where they live.
_EARLIEST_OFFSET = timedelta(hours=12)
# Races are announced months, at most a few years, ahead; a date beyond is a typo (or
# 9999-12-31) that would sit at the end of every list and in calendars for ever.
MAX_YEARS_AHEAD = 5


def earliest_today(now: datetime | None = None) -> date:
    return ((now or datetime.now(UTC)) - _EARLIEST_OFFSET).date()


def latest_race_day(now: datetime | None = None) -> date:
    today = (now or datetime.now(UTC)).date()
    if (today.month, today.day) == (2, 29):  # no twin five years on
        today = today.replace(day=28)
    return today.replace(year=today.year + MAX_YEARS_AHEAD)


def create(session: Session, outbox: Outbox, runner_id: str, body: RaceCreate) -> RaceRead:
    if body.date < earliest_today():
        raise InvalidInput(f"The race date {body.date.isoformat()} is in the past.")
    if body.date > latest_race_day():
        raise InvalidInput(
            f"The race date {body.date.isoformat()} is too far ahead: a race may be at most "
            f"five years ahead (until {latest_race_day().isoformat()})."
        )
    race = Race(
        name=body.name,
        date=body.date,
        distance_m=body.distance_m,
        location=body.location,
        url=None if body.url is None else str(body.url),
        created_by=runner_id,
        created_at=datetime.now(UTC),
    )
    repository.add(session, race)
    outbox.emit(session, RaceCreated(race_id=race.id, created_by=runner_id, date=race.date))
    log.info("race.created", race_id=race.id, runner_id=runner_id)
    return read(session, race.id, runner_id)


def read(session: Session, race_id: int, runner_id: str) -> RaceRead:
    row = repository.get(session, race_id, runner_id)
    if row is None:
        raise NotFound(f"Race {race_id} does not exist.")
    return RaceRead.model_validate(row)


def list_upcoming(
    session: Session, runner_id: str, *, limit: int, cursor: str | None
) -> RaceList:
    above = decode_date_cursor(cursor) if cursor else None
    rows = repository.list_upcoming(
        session, runner_id, since=earliest_today(), above=above, limit=limit + 1
    )
    items = [RaceRead.model_validate(row) for row in rows[:limit]]
    next_cursor = encode_cursor(items[-1].date, items[-1].id) if len(rows) > limit else None
    return RaceList(items=items, next_cursor=next_cursor)


def enter(session: Session, race_id: int, runner_id: str) -> RaceRead:
    race_date = repository.exists(session, race_id)
    if race_date is None:
        raise NotFound(f"Race {race_id} does not exist.")
    if race_date < earliest_today():
        raise Conflict(f"Race {race_id} has already taken place.")
    repository.add_entry(session, race_id, runner_id, datetime.now(UTC))
    log.info("race.entered", race_id=race_id, runner_id=runner_id)
    return read(session, race_id, runner_id)


def withdraw(session: Session, race_id: int, runner_id: str) -> RaceRead:
    if repository.exists(session, race_id) is None:
        raise NotFound(f"Race {race_id} does not exist.")
    repository.delete_entry(session, race_id, runner_id)
    log.info("race.withdrawn", race_id=race_id, runner_id=runner_id)
    return read(session, race_id, runner_id)


def delete(session: Session, outbox: Outbox, race_id: int, caller: Principal) -> None:
    """Remove a race: its creator may while no one else entered it; a moderator always."""
    found = repository.creator_and_entrants(session, race_id)
    if found is None:
        raise NotFound(f"Race {race_id} does not exist.")
    created_by, entrants = found
    moderator = "races:moderate" in caller.scopes
    if not moderator:
        if created_by != caller.sub:
            raise Forbidden("Only the runner who added a race, or a moderator, may remove it.")
        if entrants - {caller.sub}:
            raise Conflict(
                f"Other runners entered race {race_id}; ask a moderator to remove it."
            )
    repository.delete(session, race_id)
    outbox.emit(session, RaceDeleted(race_id=race_id))
    log.info("race.deleted", race_id=race_id, by=caller.sub, moderator=moderator)
