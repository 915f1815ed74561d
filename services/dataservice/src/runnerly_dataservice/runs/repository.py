"""Every query on runs. The hot paths (batch upsert, list) use Core statements, not ORM
objects: they move many rows and must not pay for identity maps and change tracking."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from runnerly_dataservice.models import Run

runs = cast(sa.Table, Run.__table__)
# What a list shows: everything but the bulky streams, polyline and splits.
SUMMARY_COLUMNS = (
    runs.c.id,
    runs.c.source,
    runs.c.external_id,
    runs.c.name,
    runs.c.sport_type,
    runs.c.started_at,
    runs.c.time_zone,
    runs.c.distance_m,
    runs.c.moving_time_s,
    runs.c.elapsed_time_s,
    runs.c.elevation_gain_m,
    runs.c.average_hr,
    runs.c.max_hr,
    runs.c.average_cadence,
)
# Written by an upsert; ``created_at`` is kept from the first insert.
UPSERT_COLUMNS = tuple(
    column.name for column in runs.columns if column.name not in ("id", "created_at")
)
INSERT_COLUMNS = (*UPSERT_COLUMNS, "created_at")
_DATETIME_COLUMNS = frozenset({"started_at", "created_at", "updated_at"})
_JSON_COLUMNS = frozenset({"streams", "splits"})


def last_id(session: Session) -> int:
    return session.scalar(sa.select(sa.func.max(runs.c.id))) or 0


def inserted_after(session: Session, last: int) -> list[tuple[int, str, str, str]]:
    """``(id, runner_id, source, external_id)`` of runs inserted since ``last`` was the
    highest id: new rows take ever higher ids, so this is a range scan of the primary key."""
    result = session.execute(
        sa.select(runs.c.id, runs.c.runner_id, runs.c.source, runs.c.external_id)
        .where(runs.c.id > last)
        .order_by(runs.c.id)
    )
    return list(result.tuples())


@lru_cache(maxsize=4)
def _upsert_statement(dialect: Dialect) -> tuple[str, tuple[str, ...] | None]:
    """The upsert compiled once per dialect: its SQL and, for positional drivers, the order
    of its parameters."""
    insert = postgresql.insert(runs) if dialect.name == "postgresql" else sqlite.insert(runs)
    statement = insert.values({name: sa.bindparam(name) for name in INSERT_COLUMNS})
    statement = statement.on_conflict_do_update(
        index_elements=[runs.c.source, runs.c.external_id],
        set_={name: statement.excluded[name] for name in UPSERT_COLUMNS},
    )
    compiled = statement.compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
    return str(compiled), order


def upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or overwrite ``rows`` (keyed by source and external id) in one executemany.

    The statement is built with Core but its parameters go to the driver as they are:
    SQLAlchemy's per-value type processing would cost more than the database's own work on
    this path, which must take tens of thousands of runs a second. The few conversions it
    would make (UTC text datetimes on SQLite, JSON text) are done here instead.
    """
    connection = session.connection()
    dialect = connection.dialect
    sql, order = _upsert_statement(dialect)
    to_driver = [_driver_values(row, dialect.name) for row in rows]
    parameters: list[Any] = (
        [tuple(row[name] for name in order) for row in to_driver] if order else to_driver
    )
    connection.exec_driver_sql(sql, parameters)


def _driver_values(row: dict[str, Any], dialect: str) -> dict[str, Any]:
    values = dict(row)
    for name in _DATETIME_COLUMNS:
        moment: datetime = values[name].astimezone(UTC)
        # SQLite keeps datetimes as naive UTC text, in the format SQLAlchemy writes and reads
        # (``YYYY-MM-DD HH:MM:SS.ffffff``), so that text order is time order.
        values[name] = (
            moment.replace(tzinfo=None).isoformat(" ", "microseconds")
            if dialect == "sqlite"
            else moment
        )
    for name in _JSON_COLUMNS:
        if values[name] is not None:
            values[name] = json.dumps(values[name], separators=(",", ":"))
    return values


def list_summaries(
    session: Session,
    runner_id: str,
    *,
    limit: int,
    after: datetime | None,
    before: datetime | None,
    below: tuple[datetime, int] | None,
) -> Sequence[sa.RowMapping]:
    """A runner's runs newest first, starting just below the keyset ``below``."""
    query = sa.select(*SUMMARY_COLUMNS).where(runs.c.runner_id == runner_id)
    if after is not None:
        query = query.where(runs.c.started_at >= after)
    if before is not None:
        query = query.where(runs.c.started_at < before)
    if below is not None:
        started_at, run_id = below
        query = query.where(
            sa.or_(
                runs.c.started_at < started_at,
                sa.and_(runs.c.started_at == started_at, runs.c.id < run_id),
            )
        )
    query = query.order_by(runs.c.started_at.desc(), runs.c.id.desc()).limit(limit)
    return session.execute(query).mappings().all()


def get_of_runner(session: Session, runner_id: str, run_id: int) -> Run | None:
    return session.scalar(sa.select(Run).where(Run.id == run_id, Run.runner_id == runner_id))


def delete(session: Session, run: Run) -> None:
    session.delete(run)
    session.flush()


def delete_by_source(
    session: Session, runner_id: str, source: str
) -> list[tuple[int, str]]:
    """Delete a runner's runs from ``source``; returns the ``(id, external_id)`` deleted."""
    result = session.execute(
        sa.delete(runs)
        .where(runs.c.runner_id == runner_id, runs.c.source == source)
        .returning(runs.c.id, runs.c.external_id)
    )
    return [(row[0], row[1]) for row in result]


def delete_all_of_runner(session: Session, runner_id: str) -> int:
    result = session.execute(sa.delete(runs).where(runs.c.runner_id == runner_id))
    return int(result.rowcount)  # type: ignore[attr-defined]

