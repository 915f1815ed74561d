from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.orm import Session

from runnerly_dataservice.cursors import decode_datetime_cursor, encode_cursor
from runnerly_dataservice.runs import repository
from runnerly_dataservice.runs.schemas import (
    RunBatchResult,
    RunDetail,
    RunList,
    RunSummary,
    RunUpsert,
)
from runnerly_kit.errors import InvalidInput, NotFound
from runnerly_kit.outbox import Outbox

log = structlog.get_logger()


def upsert_batch(session: Session, outbox: Outbox, runs: list[RunUpsert]) -> RunBatchResult:
    """Insert new runs and overwrite known ones, all or nothing, and announce the new ones."""
    now = datetime.now(UTC)
    # A key sent twice in one batch keeps its last version: one statement cannot write a
    # row twice, and the last version is the newest the caller knows.
    latest: dict[tuple[str, str], RunUpsert] = {}
    for run in runs:
        latest[(run.source, run.external_id)] = run
    last = repository.last_id(session)
    repository.upsert(session, [_row(run, now) for run in latest.values()])
    # Rows with an id above the previous highest are the ones this batch inserted; the key
    # check leaves out any that a concurrent transaction committed meanwhile.
    created: dict[str, list[int]] = defaultdict(list)
    for run_id, runner_id, source, external_id in repository.inserted_after(session, last):
        if (source, external_id) in latest:
            created[runner_id].append(run_id)
    # One event per runner per batch, not per run: a backfill of thousands of runs is a
    # handful of messages for the broker and for every consumer.
    outbox.emit_many(
        session,
        "run.created",
        [{"runner_id": runner_id, "run_ids": run_ids} for runner_id, run_ids in created.items()],
    )
    count = sum(len(run_ids) for run_ids in created.values())
    result = RunBatchResult(created=count, updated=len(latest) - count)
    log.info("runs.upserted", created=result.created, updated=result.updated)
    return result


def _row(run: RunUpsert, now: datetime) -> dict[str, Any]:
    return {
        "runner_id": run.runner_id,
        "source": run.source,
        "external_id": run.external_id,
        "name": run.name,
        "sport_type": run.sport_type,
        "started_at": run.started_at,
        "time_zone": run.time_zone,
        "distance_m": run.distance_m,
        "moving_time_s": run.moving_time_s,
        "elapsed_time_s": run.elapsed_time_s,
        "elevation_gain_m": run.elevation_gain_m,
        "average_hr": run.average_hr,
        "max_hr": run.max_hr,
        "average_cadence": run.average_cadence,
        "summary_polyline": run.summary_polyline,
        "streams": None if run.streams is None else run.streams.model_dump(exclude_none=True),
        "splits": None if run.splits is None else [
            split.model_dump(exclude_none=True) for split in run.splits
        ],
        "created_at": now,
        "updated_at": now,
    }


def list_runs(
    session: Session,
    runner_id: str,
    *,
    limit: int,
    cursor: str | None,
    after: datetime | None,
    before: datetime | None,
) -> RunList:
    below = decode_datetime_cursor(cursor) if cursor else None
    if after is not None and before is not None and after >= before:
        raise InvalidInput("'after' must be earlier than 'before'.")
    # One row more than asked tells whether another page follows.
    rows = repository.list_summaries(
        session,
        runner_id,
        limit=limit + 1,
        after=_as_utc(after),
        before=_as_utc(before),
        below=below,
    )
    items = [RunSummary.model_validate(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(last.started_at, last.id)
    return RunList(items=items, next_cursor=next_cursor)


def _as_utc(moment: datetime | None) -> datetime | None:
    """A moment given without an offset is read as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def get_run(session: Session, runner_id: str, run_id: int) -> RunDetail:
    run = repository.get_of_runner(session, runner_id, run_id)
    if run is None:
        raise NotFound(f"Run {run_id} does not exist.")
    return RunDetail.model_validate(run)


def delete_run(session: Session, outbox: Outbox, runner_id: str, run_id: int) -> None:
    run = repository.get_of_runner(session, runner_id, run_id)
    if run is None:
        raise NotFound(f"Run {run_id} does not exist.")
    repository.delete(session, run)
    outbox.emit(
        session,
        "run.deleted",
        {
            "runner_id": runner_id,
            "runs": [{"run_id": run_id, "source": run.source, "external_id": run.external_id}],
        },
    )
    log.info("run.deleted", run_id=run_id, runner_id=runner_id)


def delete_by_source(session: Session, outbox: Outbox, runner_id: str, source: str) -> int:
    deleted = repository.delete_by_source(session, runner_id, source)
    if deleted:
        outbox.emit(
            session,
            "run.deleted",
            {
                "runner_id": runner_id,
                "runs": [
                    {"run_id": run_id, "source": source, "external_id": external_id}
                    for run_id, external_id in deleted
                ],
            },
        )
    log.info("runs.deleted_by_source", runner_id=runner_id, source=source, runs=len(deleted))
    return len(deleted)
