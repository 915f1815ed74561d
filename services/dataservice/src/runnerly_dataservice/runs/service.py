from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from runnerly_dataservice.cursors import (
    decode_datetime_cursor,
    decode_number_cursor,
    encode_cursor,
    encode_number_cursor,
)
from runnerly_dataservice.profiles import repository as profiles
from runnerly_dataservice.records import service as records
from runnerly_dataservice.runs import repository
from runnerly_dataservice.runs.repository import RunKey
from runnerly_dataservice.runs.schemas import (
    RunBatchResult,
    RunDetail,
    RunList,
    RunListQuery,
    RunOutcomeStatus,
    RunUpsert,
)
from runnerly_kit.errors import InvalidInput, NotFound
from runnerly_kit.messages import DeletedRun, RunCreated, RunDeleted
from runnerly_kit.outbox import Outbox
from runnerly_kit.revocations import Revocations

log = structlog.get_logger()


# Two runs of a runner are the same activity (a re-upload, or one file and one Strava
# activity) when they started this close and their distances differ by at most this share.
DUPLICATE_START_TOLERANCE = timedelta(seconds=60)
DUPLICATE_DISTANCE_TOLERANCE = 0.02


def upsert_batch(
    session: Session, outbox: Outbox, runs: list[RunUpsert], *, revocations: Revocations
) -> RunBatchResult:
    """Insert new runs and overwrite known ones, all or nothing, and announce the new ones.

    A run's key is ``(runner_id, source, external_id)``: the same file or activity id sent
    for two runners is two runs, and nothing sent for one runner reaches another's. A run
    whose key is new but which is the same activity as one the runner already has (from
    any source: started within 60 s, distance within 2 %) is not stored: its outcome is
    ``duplicate``, naming the runner's own run that stands for it.
    The runs of a runner whose account is gone (an import or a backfill still in flight)
    are dropped and have no outcome.
    """
    latest = _latest_by_key(_of_present_runners(session, runs, revocations))
    known = repository.ids_by_key(session, list(latest))
    duplicates = _duplicates_of_new_runs(
        session, {key: run for key, run in latest.items() if key not in known}
    )
    to_write = {key: run for key, run in latest.items() if key not in duplicates}
    created, updated = _write(session, to_write)
    known.update(updated)
    records.replace_efforts(session, to_write, created, known)
    _announce_created(session, outbox, created)
    result = _outcomes(latest, duplicates, created, known, written=len(to_write))
    log.info(
        "runs.upserted",
        created=result.created,
        updated=result.updated,
        duplicates=result.duplicates,
    )
    return result


def _of_present_runners(
    session: Session, runs: list[RunUpsert], revocations: Revocations
) -> list[RunUpsert]:
    """``runs`` without those of runners whose account is gone; the others' runners stay
    locked against a deletion until the transaction ends."""
    runner_ids = {run.runner_id for run in runs}
    gone = runner_ids - revocations.admitted(session, runner_ids)
    if not gone:
        return runs
    log.info(
        "runs.dropped_deleted_runner",
        runners=sorted(gone),
        runs=sum(1 for run in runs if run.runner_id in gone),
    )
    return [run for run in runs if run.runner_id not in gone]


def _latest_by_key(runs: list[RunUpsert]) -> dict[RunKey, RunUpsert]:
    """Each key's run; a key sent twice in one batch keeps its last version: one statement
    cannot write a row twice, and the last version is the newest the caller knows."""
    return {(run.runner_id, run.source, run.external_id): run for run in runs}


def _write(
    session: Session, to_write: dict[RunKey, RunUpsert]
) -> tuple[dict[RunKey, int], dict[RunKey, int]]:
    """Upsert ``to_write``; the ids of the runs it inserted, and of those it overwrote."""
    if not to_write:
        return {}, {}
    last = repository.last_id(session)
    repository.upsert(session, to_write.values(), datetime.now(UTC))
    # Those above the previous highest id were inserted by this batch (or by a concurrent
    # one meanwhile, whose row this batch then overwrote).
    written = repository.ids_by_key(session, list(to_write))
    created = {key: run_id for key, run_id in written.items() if run_id > last}
    updated = {key: run_id for key, run_id in written.items() if run_id <= last}
    return created, updated


def _announce_created(
    session: Session, outbox: Outbox, created: dict[RunKey, int]
) -> None:
    """One event per runner per batch, not per run: a backfill of thousands of runs is a
    handful of messages for the broker and for every consumer."""
    by_runner: dict[str, list[int]] = defaultdict(list)
    for (runner_id, _, _), run_id in created.items():
        by_runner[runner_id].append(run_id)
    outbox.emit_many(
        session,
        [
            RunCreated(runner_id=runner_id, run_ids=sorted(run_ids))
            for runner_id, run_ids in by_runner.items()
        ],
    )


def _outcomes(
    latest: dict[RunKey, RunUpsert],
    duplicates: dict[RunKey, Original],
    created: dict[RunKey, int],
    known: dict[RunKey, int],
    *,
    written: int,
) -> RunBatchResult:
    """What became of each key of the batch, in the batch's order."""
    results: list[dict[str, Any]] = []
    status: RunOutcomeStatus
    outcome_id: int | None
    for key in latest:
        _, source, external_id = key
        if key in duplicates:
            original = duplicates[key]
            status = "duplicate"
            outcome_id = (
                original
                if isinstance(original, int)
                else created.get(original) or known.get(original)
            )
        elif key in created:
            status, outcome_id = "created", created[key]
        else:
            status, outcome_id = "updated", known.get(key)
        results.append(
            {"source": source, "external_id": external_id, "status": status, "run_id": outcome_id}
        )
    # Validated as a whole, in one call: faster than building each outcome unvalidated.
    return RunBatchResult.model_validate(
        {
            "created": len(created),
            "updated": written - len(created),
            "duplicates": len(duplicates),
            "results": results,
        }
    )


# What a duplicate stands for: a stored run's id, or the key of an earlier run of the batch.
Original = int | RunKey


def _duplicates_of_new_runs(
    session: Session, new: dict[RunKey, RunUpsert]
) -> dict[RunKey, Original]:
    """The new runs that are the same activity as a stored run of their runner (or as an
    earlier new run of the same batch), each with what it duplicates.

    One indexed range query for the whole batch: each runner's runs started between the
    earliest and the latest start of their new runs, widened by the tolerance.
    """
    if not new:
        return {}
    # Until this transaction ends, another batch of these runners waits here: it then sees
    # the runs this one adds (the same activity sent at once from a file and from Strava).
    repository.lock_runners(session, [run.runner_id for run in new.values()])
    # Moments as POSIX seconds, computed once: this runs for every new run of a backfill.
    moments = {key: run.started_at.timestamp() for key, run in new.items()}
    windows: dict[str, tuple[float, float]] = {}
    for key, run in new.items():
        moment = moments[key]
        low, high = windows.get(run.runner_id, (moment, moment))
        windows[run.runner_id] = (min(low, moment), max(high, moment))
    tolerance = DUPLICATE_START_TOLERANCE.total_seconds()
    margin = tolerance + 1  # a second wider: the float seconds round to the microsecond
    stored = repository.started_between(
        session,
        {
            runner_id: (
                datetime.fromtimestamp(low - margin, UTC),
                datetime.fromtimestamp(high + margin, UTC),
            )
            for runner_id, (low, high) in windows.items()
        },
    )
    # Candidates in buckets as wide as the tolerance, so that a run is compared only with
    # those of its own and the two neighbouring buckets: a backfill of thousands of runs
    # into a long history stays linear (comparing with every run was quadratic).
    buckets: dict[tuple[str, int], list[tuple[Original, float, float]]] = defaultdict(list)
    for run_id, runner_id, _, _, started_at, distance_m in stored:
        moment = started_at.timestamp()
        buckets[(runner_id, int(moment // tolerance))].append((run_id, moment, distance_m))
    found: dict[RunKey, Original] = {}
    for key, run in new.items():
        moment = moments[key]
        bucket = int(moment // tolerance)
        match = _closest_same_activity(
            moment,
            run.distance_m,
            (
                candidate
                for near in (bucket - 1, bucket, bucket + 1)
                for candidate in buckets.get((run.runner_id, near), ())
            ),
        )
        if match is not None:
            found[key] = match
        else:
            # Later runs of this batch are compared with this one too (the same file sent
            # twice, or gzipped and not, in one upload).
            buckets[(run.runner_id, bucket)].append((key, moment, run.distance_m))
    return found


def _closest_same_activity(
    moment: float, distance_m: float, candidates: Iterable[tuple[Original, float, float]]
) -> Original | None:
    """The candidate started nearest to ``moment`` that is the same activity, if any."""
    best: tuple[float, Original] | None = None
    for original, other_moment, other_distance_m in candidates:
        apart = abs(moment - other_moment)
        if _same_activity(apart, distance_m, other_distance_m) and (
            best is None or apart < best[0]
        ):
            best = (apart, original)
    return None if best is None else best[1]


def _same_activity(seconds_apart: float, distance_m: float, other_distance_m: float) -> bool:
    if seconds_apart > DUPLICATE_START_TOLERANCE.total_seconds():
        return False
    longest = max(distance_m, other_distance_m)
    if longest == 0:
        return True
    return abs(distance_m - other_distance_m) <= DUPLICATE_DISTANCE_TOLERANCE * longest


def list_runs(connection: Connection, runner_id: str, query: RunListQuery) -> RunList:
    after, before = _as_utc(query.after), _as_utc(query.before)
    if after is not None and before is not None and after >= before:
        raise InvalidInput("'after' must be earlier than 'before'.")
    below: tuple[datetime | float, int] | None = None
    if query.cursor and query.sort == "date":
        below = decode_datetime_cursor(query.cursor)
    elif query.cursor:
        below = decode_number_cursor(query.cursor, query.sort)
    if query.year is not None:
        start, end = _local_period(
            profiles.time_zone_of(connection, runner_id), query.year, query.month
        )
        after = start if after is None else max(after, start)
        before = end if before is None else min(before, end)
        if after >= before:
            return RunList(items=[], next_cursor=None, total=None if below else 0)
    pick = repository.ListFilter(
        sort=query.sort,
        ascending=query.order == "asc",
        after=after,
        before=before,
        search=query.q,
        below=below,
    )
    # One row more than asked tells whether another page follows.
    rows, total = repository.list_summaries(
        connection, runner_id, limit=query.limit + 1, pick=pick
    )
    next_cursor = None
    if len(rows) > query.limit:
        last = rows[query.limit - 1]
        next_cursor = (
            encode_cursor(last["started_at"], last["id"])
            if query.sort == "date"
            else encode_number_cursor(query.sort, last["sort_key"], last["id"])
        )
    for row in rows:
        row.pop("sort_key", None)
    # Validated as a whole, in one call: the busiest read's page.
    return RunList.model_validate(
        {"items": rows[: query.limit], "next_cursor": next_cursor, "total": total}
    )


def _local_period(time_zone: str, year: int, month: int | None) -> tuple[datetime, datetime]:
    """The UTC bounds ``[start, end)`` of a year, or a month of it, in ``time_zone``."""
    zone = ZoneInfo(time_zone)
    if month is None:
        start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    else:
        start = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


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
    _emit_deleted(session, outbox, runner_id, run.source, [(run_id, run.external_id)])
    log.info("run.deleted", run_id=run_id, runner_id=runner_id)


def delete_by_source(session: Session, outbox: Outbox, runner_id: str, source: str) -> int:
    deleted = repository.delete_by_source(session, runner_id, source)
    _emit_deleted(session, outbox, runner_id, source, deleted)
    log.info("runs.deleted_by_source", runner_id=runner_id, source=source, runs=len(deleted))
    return len(deleted)


def delete_by_external_ids(
    session: Session, outbox: Outbox, runner_id: str, source: str, external_ids: list[str]
) -> int:
    """Delete some of a runner's runs from one source (deleted there, or no longer runs)."""
    deleted = repository.delete_by_external_ids(session, runner_id, source, external_ids)
    _emit_deleted(session, outbox, runner_id, source, deleted)
    log.info("runs.deleted_by_external_id", runner_id=runner_id, source=source,
             runs=len(deleted))
    return len(deleted)


def _emit_deleted(
    session: Session, outbox: Outbox, runner_id: str, source: str, deleted: list[tuple[int, str]]
) -> None:
    """One ``run.deleted`` for the runner's runs just deleted from ``source``, if any."""
    if deleted:
        runs = [
            DeletedRun(run_id=run_id, source=source, external_id=external_id)
            for run_id, external_id in deleted
        ]
        outbox.emit(session, RunDeleted(runner_id=runner_id, runs=runs))
