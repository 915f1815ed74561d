"""Every query on runs. The hot paths (batch upsert, list) use Core statements, not ORM
objects: they move many rows and must not pay for identity maps and change tracking."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from runnerly_dataservice.models import Run
from runnerly_dataservice.runs.schemas import RunUpsert

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
# An upsert's parameters, in the table's column order (the order of the compiled statement's
# placeholders): runs of columns taken from the run as they are, between those converted for
# the driver. ``created_at`` is kept from the first insert.
_FIRST_AS_GIVEN = ("runner_id", "source", "external_id", "name", "sport_type")
_THEN_AS_GIVEN = (
    "time_zone",
    "distance_m",
    "moving_time_s",
    "elapsed_time_s",
    "elevation_gain_m",
    "average_hr",
    "max_hr",
    "average_cadence",
    "summary_polyline",
)
INSERT_COLUMNS = (
    *_FIRST_AS_GIVEN,
    "started_at",
    *_THEN_AS_GIVEN,
    "streams",
    "splits",
    "created_at",
    "updated_at",
)
# What a known run's upsert overwrites: never its key, and so never its owner (the runner is
# part of the key), nor ``created_at``.
KEY_COLUMNS = ("runner_id", "source", "external_id")
UPSERT_COLUMNS = tuple(
    name for name in INSERT_COLUMNS if name not in (*KEY_COLUMNS, "created_at")
)
# Kept when an upsert carries none: a source fetches a run's streams apart from its summary
# (Strava: one request per activity, long after the list), and sends the summary again
# without them (a reconciliation, a changed title).
KEPT_WHEN_ABSENT = ("streams", "splits")
# A run's key: ``(runner_id, source, external_id)``.
RunKey = tuple[str, str, str]
_first_as_given = attrgetter(*_FIRST_AS_GIVEN)
_then_as_given = attrgetter(*_THEN_AS_GIVEN)


def last_id(session: Session) -> int:
    return session.scalar(sa.select(sa.func.max(runs.c.id))) or 0


@lru_cache(maxsize=4)
def _upsert_statement(dialect: Dialect) -> str:
    """The upsert compiled once per dialect, with positional parameters in the order of
    ``INSERT_COLUMNS`` (checked: a column added to the table must be added there)."""
    insert: postgresql.Insert | sqlite.Insert
    if dialect.name == "postgresql":
        insert = postgresql.insert(runs)
        # psycopg also takes ``%s``: positional parameters are tuples, not dicts per row.
        dialect = PGDialect_psycopg(paramstyle="format")  # type: ignore[no-untyped-call]
    else:
        insert = sqlite.insert(runs)
    # Inline: no ``RETURNING id``, which PostgreSQL's compiler adds by default. The ids
    # are looked up afterwards, and rows sent back unread cost 7-14 % of the upsert.
    statement = insert.inline().values({name: sa.bindparam(name) for name in INSERT_COLUMNS})
    upsert = statement.on_conflict_do_update(
        index_elements=[runs.c[name] for name in KEY_COLUMNS],
        set_={
            name: (
                sa.func.coalesce(statement.excluded[name], runs.c[name])
                if name in KEPT_WHEN_ABSENT
                else statement.excluded[name]
            )
            for name in UPSERT_COLUMNS
        },
    )
    compiled = upsert.compile(dialect=dialect)
    if tuple(compiled.positiontup or ()) != INSERT_COLUMNS:
        raise RuntimeError(f"the upsert's columns are {compiled.positiontup}")
    return str(compiled)


def upsert(session: Session, runs_: Iterable[RunUpsert], now: datetime) -> None:
    """Insert or overwrite ``runs_`` (keyed by runner, source and external id) in one
    executemany, stamped ``now``.

    The statement is built with Core but its parameters go to the driver as tuples made
    straight from the runs: SQLAlchemy's per-value type processing, or a dict per row, would
    cost more than the database's own work on this path, which must take tens of thousands
    of runs a second. The few conversions SQLAlchemy would make (UTC text datetimes on
    SQLite, JSON text) are done here instead.
    """
    connection = session.connection()
    dialect = connection.dialect
    to_driver = _sqlite_datetime_text if dialect.name == "sqlite" else _same
    stamp = to_driver(now)
    connection.exec_driver_sql(
        _upsert_statement(dialect),
        [
            (
                *_first_as_given(run),
                to_driver(run.started_at),
                *_then_as_given(run),
                None if run.streams is None else _json(run.streams.model_dump(exclude_none=True)),
                None if run.splits is None else _json(
                    [split.model_dump(exclude_none=True) for split in run.splits]
                ),
                stamp,
                stamp,
            )
            for run in runs_
        ],
    )


def stored_streams(session: Session, run_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The streams stored for these runs (those that have any), by run id."""
    if not run_ids:
        return {}
    rows = session.execute(
        sa.select(runs.c.id, runs.c.streams).where(
            runs.c.id.in_(list(run_ids)), runs.c.streams.is_not(None)
        )
    ).tuples()
    return {run_id: streams for run_id, streams in rows if isinstance(streams, dict)}


def _sqlite_datetime_text(moment: datetime) -> str:
    """SQLite keeps datetimes as naive UTC text, in the format SQLAlchemy writes and reads
    (``YYYY-MM-DD HH:MM:SS.ffffff``), so that text order is time order."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _same(moment: datetime) -> datetime:
    return moment


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


# A run of no distance has no pace: it sorts as the slowest (seconds per metre).
NO_PACE = 1e9
# The runs' name folded for a search that ignores case. SQLite's own ``lower`` knows only
# ASCII letters: a function of Python's, registered on the connection, folds the rest.
_SQLITE_FOLD = "runnerly_fold"


@dataclass(frozen=True)
class ListFilter:
    """What a list read picks and in which order; ``below`` is the keyset of the previous
    page's last run: its sort key and id."""

    sort: str = "date"
    ascending: bool = False
    after: datetime | None = None
    before: datetime | None = None
    search: str | None = None
    below: tuple[datetime | float, int] | None = None


def list_summaries(
    connection: sa.Connection, runner_id: str, *, limit: int, pick: ListFilter
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of a runner's runs in ``pick``'s order, starting just past its keyset, and,
    on a first page, how many runs match in all.

    The hottest read: by date, one walk of the index ``(runner_id, started_at DESC, id
    DESC)``, in a statement compiled once per dialect and filter combination and run on
    the driver's own cursor. Going through SQLAlchemy's execution and result machinery cost
    several times the database's own work here; the one conversion it made
    (``started_at`` to an aware UTC datetime) is done below. The total is a window count
    in the same statement: no second round trip.
    """
    dialect = connection.dialect
    counted = pick.below is None
    sql, order, fixed = _list_statement(
        dialect,
        pick.sort,
        pick.ascending,
        pick.after is not None,
        pick.before is not None,
        pick.below is not None,
        pick.search is not None,
        counted,
    )
    parameters: dict[str, Any] = {**fixed, "runner_id": runner_id, "limit": limit}
    if pick.after is not None:
        parameters["after"] = _driver_datetime(pick.after, dialect.name)
    if pick.before is not None:
        parameters["before"] = _driver_datetime(pick.before, dialect.name)
    if pick.below is not None:
        key, row_id = pick.below
        parameters["below_key"] = (
            _driver_datetime(key, dialect.name) if isinstance(key, datetime) else key
        )
        parameters["below_id"] = row_id
    if pick.search is not None:
        # Taken literally: the pattern's own wildcards, and its escape, escaped.
        parameters["search"] = (
            pick.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        )
        if dialect.name == "sqlite":
            connection.connection.driver_connection.create_function(  # type: ignore[union-attr]
                _SQLITE_FOLD, 1, _fold, deterministic=True
            )
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, tuple(parameters[name] for name in order) if order else parameters)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    started_at = _SUMMARY_NAMES.index("started_at")
    width = len(_SUMMARY_NAMES)
    from_driver = _sqlite_datetime if dialect.name == "sqlite" else _aware_datetime
    summaries = []
    for row in rows:
        summary = dict(zip(_SUMMARY_NAMES, row[:width], strict=True))
        summary["started_at"] = from_driver(row[started_at])
        if pick.sort != "date":
            summary["sort_key"] = row[width]
        summaries.append(summary)
    total = None
    if counted:
        total = int(rows[0][-1]) if rows else 0
    return summaries, total


def _fold(text: str | None) -> str | None:
    return None if text is None else text.lower()


_SUMMARY_NAMES = tuple(column.name for column in SUMMARY_COLUMNS)


def sort_key(sort: str) -> sa.ColumnElement[Any]:
    if sort == "distance":
        return runs.c.distance_m
    if sort == "pace":
        return sa.case(
            (runs.c.distance_m > 0, runs.c.moving_time_s / runs.c.distance_m), else_=NO_PACE
        )
    return runs.c.started_at


@lru_cache(maxsize=256)
def _list_statement(
    dialect: Dialect,
    sort: str,
    ascending: bool,
    after: bool,
    before: bool,
    below: bool,
    search: bool,
    counted: bool,
) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    """The list query for one sort and filter combination, compiled for ``dialect``: its
    SQL, for positional drivers the order of its parameters, and the values of those the
    dialect adds itself (SQLite's ``OFFSET 0``)."""
    started_at = runs.c.started_at
    key = sort_key(sort)
    columns: list[sa.ColumnElement[Any]] = list(SUMMARY_COLUMNS)
    if sort != "date":
        columns.append(key.label("sort_key"))
    if counted:
        columns.append(sa.func.count().over().label("total"))
    query = sa.select(*columns).where(runs.c.runner_id == sa.bindparam("runner_id"))
    # Bound as plain values: they reach the driver already in the database's form.
    if after:
        query = query.where(started_at >= sa.bindparam("after"))
    if before:
        query = query.where(started_at < sa.bindparam("before"))
    if search:
        fold = sa.func.runnerly_fold if dialect.name == "sqlite" else sa.func.lower
        pattern = sa.literal_column("'%'", sa.String) + fold(
            sa.bindparam("search", type_=sa.String)
        ) + sa.literal_column("'%'", sa.String)
        query = query.where(fold(runs.c.name).like(pattern, escape="\\"))
    if below:
        below_key: sa.BindParameter[Any] = sa.bindparam("below_key")
        below_id: sa.BindParameter[Any] = sa.bindparam("below_id")
        if ascending:
            past = sa.or_(key > below_key, sa.and_(key == below_key, runs.c.id > below_id))
        else:
            past = sa.or_(key < below_key, sa.and_(key == below_key, runs.c.id < below_id))
        query = query.where(past)
    if ascending:
        query = query.order_by(key.asc(), runs.c.id.asc())
    else:
        query = query.order_by(key.desc(), runs.c.id.desc())
    query = query.limit(sa.bindparam("limit", type_=sa.Integer))
    compiled = query.compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
    ours = {
        "runner_id", "limit", "after", "before", "below_key", "below_id", "search",
    }
    fixed = {
        name: bind.effective_value
        for bind, name in compiled.bind_names.items()
        if name not in ours
    }
    return str(compiled), order, fixed


def _driver_datetime(moment: datetime, dialect: str) -> datetime | str:
    """``moment`` as the database stores it: on SQLite, naive UTC text in SQLAlchemy's
    format (whose text order is time order); elsewhere, the aware datetime in UTC."""
    return _sqlite_datetime_text(moment) if dialect == "sqlite" else moment.astimezone(UTC)


def _sqlite_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _aware_datetime(value: datetime) -> datetime:
    return value.astimezone(UTC)


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



def ids_by_key(session: Session, keys: Sequence[RunKey]) -> dict[RunKey, int]:
    """The ids of the stored runs among ``keys`` (``(runner_id, source, external_id)``), by
    key: a probe of the unique index per key.

    Run on the driver's cursor: expanding a thousand bound tuples, and processing the
    rows, cost SQLAlchemy more than the lookup itself on the bulk upsert's path.
    """
    connection = session.connection()
    found: dict[RunKey, int] = {}
    cursor = connection.connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            # One probe per key, whatever the statistics say: until the first ANALYZE of a
            # filling table (a first backfill), PostgreSQL plans ``external_id = ANY(...)``
            # as a scan of every run of the source, ten times slower at 50,000 runs and
            # growing. The LIMIT keeps the lateral subquery a nested loop of index probes.
            # The arrays go in binary (``%b``): as text, psycopg scans each of the batch's
            # 3,000 values for characters to quote, which took most of the lookup.
            cursor.execute(
                "SELECT k.runner_id, k.source, k.external_id, r.id "
                "FROM unnest(%b::text[], %b::text[], %b::text[]) "
                "AS k(runner_id, source, external_id) "
                "CROSS JOIN LATERAL (SELECT id FROM runs WHERE runner_id = k.runner_id "
                "AND source = k.source AND external_id = k.external_id LIMIT 1) AS r",
                tuple([key[part] for key in keys] for part in range(3)),
            )
            for runner_id, source, external_id, run_id in cursor.fetchall():
                found[(runner_id, source, external_id)] = run_id
            return found
        by_runner_source: dict[tuple[str, str], list[str]] = defaultdict(list)
        for runner_id, source, external_id in keys:
            by_runner_source[(runner_id, source)].append(external_id)
        for (runner_id, source), external_ids in by_runner_source.items():
            # Chunks keep the statement's parameter count under SQLite's limit.
            for start in range(0, len(external_ids), 500):
                chunk = external_ids[start : start + 500]
                # Only placeholders are joined into the text: the values stay bound.
                query = (
                    "SELECT id, external_id FROM runs "
                    "WHERE runner_id = ? AND source = ? AND external_id IN "
                )
                cursor.execute(
                    query + "(" + ",".join("?" * len(chunk)) + ")", (runner_id, source, *chunk)
                )
                for run_id, external_id in cursor.fetchall():
                    found[(runner_id, source, external_id)] = run_id
        return found
    finally:
        cursor.close()


def lock_runners(session: Session, runner_ids: Sequence[str]) -> None:
    """Hold, until the transaction ends, the right to add runs for these runners, so that
    two batches checking one runner's runs for duplicates take turns instead of both seeing
    none and both inserting.

    PostgreSQL: a transaction advisory lock per runner, taken in a fixed order so two
    batches never deadlock. SQLite: its database write lock, taken now by a write that
    matches nothing instead of at the first insert (only one writer at a time anyway).
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # One round trip: the subquery's order is the order the locks are taken in.
        connection.exec_driver_sql(
            "SELECT pg_advisory_xact_lock(hashtextextended('runnerly.runs:' || runner_id, 0)) "
            "FROM (SELECT DISTINCT unnest(%(runner_ids)b::text[]) AS runner_id "
            "ORDER BY runner_id) AS runners",
            {"runner_ids": list(runner_ids)},
        )
    else:
        session.execute(sa.update(runs).where(sa.false()).values(id=runs.c.id))


def started_between(
    session: Session, windows: dict[str, tuple[datetime, datetime]]
) -> list[tuple[int, str, str, str, datetime, float]]:
    """``(id, runner_id, source, external_id, started_at, distance_m)`` of each runner's runs
    started within that runner's window: one range scan of ``ix_runs_runner_started`` per
    runner, in one statement."""
    if not windows:
        return []
    conditions = [
        sa.and_(
            runs.c.runner_id == runner_id,
            runs.c.started_at >= low,
            runs.c.started_at <= high,
        )
        for runner_id, (low, high) in windows.items()
    ]
    result = session.execute(
        sa.select(
            runs.c.id,
            runs.c.runner_id,
            runs.c.source,
            runs.c.external_id,
            runs.c.started_at,
            runs.c.distance_m,
        ).where(sa.or_(*conditions))
    )
    return list(result.tuples())


def delete_by_external_ids(
    session: Session, runner_id: str, source: str, external_ids: Sequence[str]
) -> list[tuple[int, str]]:
    """Delete the runner's runs from ``source`` with these external ids; returns the
    ``(id, external_id)`` deleted."""
    result = session.execute(
        sa.delete(runs)
        .where(
            runs.c.runner_id == runner_id,
            runs.c.source == source,
            runs.c.external_id.in_(list(external_ids)),
        )
        .returning(runs.c.id, runs.c.external_id)
    )
    return [(row[0], row[1]) for row in result]
