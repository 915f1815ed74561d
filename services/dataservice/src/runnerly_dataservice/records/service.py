"""Personal records: each run's best efforts are found and stored when the run is written
(in the batch's transaction), so a runner's records over any range of dates are one indexed
read per distance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from runnerly_dataservice.records import repository
from runnerly_dataservice.records.efforts import STANDARD_DISTANCES, best_efforts
from runnerly_dataservice.records.schemas import BestEffortList, BestEffortRead
from runnerly_dataservice.runs import repository as runs_repository
from runnerly_dataservice.runs.repository import RunKey
from runnerly_dataservice.runs.schemas import RunUpsert
from runnerly_kit.errors import InvalidInput


def replace_efforts(
    session: Session,
    written: Mapping[RunKey, RunUpsert],
    created_ids: Mapping[RunKey, int],
    known_ids: Mapping[RunKey, int],
) -> None:
    """Store the best efforts of a batch's written runs in place of their old ones.

    ``created_ids`` names the runs the batch inserted (they have no efforts yet),
    ``known_ids`` those it overwrote (whose old efforts go): one delete and one insert for
    the whole batch, whatever its size.
    """
    rows: list[dict[str, Any]] = []
    overwritten = [known_ids[key] for key in written if key not in created_ids and key in known_ids]
    # A known run sent without streams keeps those it had (the upsert leaves them): its
    # efforts still come from them.
    kept = runs_repository.stored_streams(
        session,
        [known_ids[key] for key, run in written.items()
         if run.streams is None and key not in created_ids and key in known_ids],
    )
    for key, run in written.items():
        run_id = created_ids.get(key)
        if run_id is None:
            run_id = known_ids.get(key)
            if run_id is None:  # not written after all: nothing to hang efforts on
                continue
        time, distance = _series(run, kept.get(run_id))
        efforts = best_efforts(
            sport_type=run.sport_type,
            distance_m=run.distance_m,
            elapsed_time_s=run.elapsed_time_s,
            time=time,
            distance=distance,
        )
        rows.extend(
            {
                "run_id": run_id,
                "distance": distance,
                "runner_id": run.runner_id,
                "elapsed_time_s": seconds,
                "started_at": run.started_at,
            }
            for distance, seconds in efforts.items()
        )
    repository.delete_of_runs(session, overwritten)
    repository.insert(session, rows)


def _series(
    run: RunUpsert, stored: dict[str, Any] | None
) -> tuple[list[float] | None, list[float] | None]:
    """The ``time`` and ``distance`` series the run's efforts come from: those sent, else
    those it keeps."""
    if run.streams is not None:
        return run.streams.time, run.streams.distance
    if stored is None:
        return None, None
    time, distance = stored.get("time"), stored.get("distance")
    return (
        time if isinstance(time, list) else None,
        distance if isinstance(distance, list) else None,
    )


def records(
    session: Session, runner_id: str, after: datetime | None, before: datetime | None
) -> BestEffortList:
    after, before = _as_utc(after), _as_utc(before)
    if after is not None and before is not None and after >= before:
        raise InvalidInput("'after' must be earlier than 'before'.")
    items = []
    for distance, metres in STANDARD_DISTANCES.items():
        found = repository.fastest(session, runner_id, distance, after, before)
        if found is not None:
            run_id, elapsed_time_s, started_at = found
            items.append(
                BestEffortRead(
                    distance=distance,
                    distance_m=metres,
                    elapsed_time_s=elapsed_time_s,
                    run_id=run_id,
                    started_at=started_at,
                )
            )
    return BestEffortList(items=items)


def _as_utc(moment: datetime | None) -> datetime | None:
    """A moment given without an offset is read as UTC; one out of every calendar's reach
    once moved to UTC is refused."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise InvalidInput(f"{moment.isoformat()} is out of range.") from exc
