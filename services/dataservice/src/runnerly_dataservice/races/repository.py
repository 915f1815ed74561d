from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_dataservice.models import Race, RaceEntry
from runnerly_kit.db import insert_for

races = cast(sa.Table, Race.__table__)
entries = cast(sa.Table, RaceEntry.__table__)


def _with_entries(runner_id: str) -> sa.Select[Any]:
    """Races with their number of entrants and whether ``runner_id`` is one of them."""
    entrants = (
        sa.select(sa.func.count())
        .where(entries.c.race_id == races.c.id)
        .correlate(races)
        .scalar_subquery()
    )
    entered = (
        sa.exists()
        .where(entries.c.race_id == races.c.id, entries.c.runner_id == runner_id)
        .correlate(races)
    )
    return sa.select(
        races.c.id,
        races.c.name,
        races.c.date,
        races.c.distance_m,
        races.c.location,
        races.c.url,
        entrants.label("entrants"),
        entered.label("entered"),
    )


def get(session: Session, race_id: int, runner_id: str) -> sa.RowMapping | None:
    query = _with_entries(runner_id).where(races.c.id == race_id)
    return session.execute(query).mappings().first()


def exists(session: Session, race_id: int) -> date | None:
    """The race's date, or None when there is no such race."""
    return session.scalar(sa.select(races.c.date).where(races.c.id == race_id))


def list_upcoming(
    session: Session,
    runner_id: str,
    *,
    since: date,
    above: tuple[date, int] | None,
    limit: int,
) -> Sequence[sa.RowMapping]:
    query = _with_entries(runner_id).where(races.c.date >= since)
    if above is not None:
        race_date, race_id = above
        query = query.where(
            sa.or_(
                races.c.date > race_date,
                sa.and_(races.c.date == race_date, races.c.id > race_id),
            )
        )
    query = query.order_by(races.c.date, races.c.id).limit(limit)
    return session.execute(query).mappings().all()


def add(session: Session, race: Race) -> None:
    session.add(race)
    session.flush()


def add_entry(session: Session, race_id: int, runner_id: str, now: datetime) -> None:
    """Idempotent, even when two requests race: the second insert does nothing."""
    session.execute(
        insert_for(session, entries)
        .values(race_id=race_id, runner_id=runner_id, created_at=now)
        .on_conflict_do_nothing(index_elements=[entries.c.race_id, entries.c.runner_id])
    )


def delete_entry(session: Session, race_id: int, runner_id: str) -> None:
    session.execute(
        sa.delete(entries).where(entries.c.race_id == race_id, entries.c.runner_id == runner_id)
    )


def delete_entries_of_runner(session: Session, runner_id: str) -> int:
    result = session.execute(sa.delete(entries).where(entries.c.runner_id == runner_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


def disown_races_of(session: Session, runner_id: str) -> int:
    result = session.execute(
        sa.update(races).where(races.c.created_by == runner_id).values(created_by=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def creator_and_entrants(session: Session, race_id: int) -> tuple[str | None, set[str]] | None:
    """Who added the race and who entered it, or None when there is no such race."""
    found = session.execute(
        sa.select(races.c.created_by).where(races.c.id == race_id)
    ).first()
    if found is None:
        return None
    entrants = session.scalars(sa.select(entries.c.runner_id).where(entries.c.race_id == race_id))
    return found.created_by, set(entrants)


def delete(session: Session, race_id: int) -> None:
    session.execute(sa.delete(entries).where(entries.c.race_id == race_id))
    session.execute(sa.delete(races).where(races.c.id == race_id))
