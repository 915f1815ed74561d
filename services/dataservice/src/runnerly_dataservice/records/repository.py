"""Every query on best efforts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_dataservice.models import BestEffort

best_efforts = cast(sa.Table, BestEffort.__table__)
# Built once: a batch's delete differs only in how many ids it binds.
_DELETE_OF_RUNS = sa.delete(best_efforts).where(
    best_efforts.c.run_id.in_(sa.bindparam("run_ids", expanding=True))
)


def delete_of_runs(session: Session, run_ids: Sequence[int]) -> None:
    """Delete the efforts of these runs: one statement on the primary key's first column
    (a batch holds at most 1000 runs, within every driver's parameter limit)."""
    if run_ids:
        session.execute(_DELETE_OF_RUNS, {"run_ids": list(run_ids)})


def insert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in one executemany."""
    if rows:
        session.execute(sa.insert(best_efforts), rows)


def fastest(
    session: Session,
    runner_id: str,
    distance: str,
    after: datetime | None,
    before: datetime | None,
) -> tuple[int, int, datetime] | None:
    """``(run_id, elapsed_time_s, started_at)`` of the runner's fastest effort over
    ``distance`` among runs started in ``[after, before)``: a walk of the index
    ``(runner_id, distance, elapsed_time_s)`` that stops at the first effort in range. A tie
    goes to the earlier run, the one that set the time first."""
    query = sa.select(
        best_efforts.c.run_id, best_efforts.c.elapsed_time_s, best_efforts.c.started_at
    ).where(best_efforts.c.runner_id == runner_id, best_efforts.c.distance == distance)
    if after is not None:
        query = query.where(best_efforts.c.started_at >= after)
    if before is not None:
        query = query.where(best_efforts.c.started_at < before)
    query = query.order_by(
        best_efforts.c.elapsed_time_s, best_efforts.c.started_at, best_efforts.c.run_id
    ).limit(1)
    row = session.execute(query).tuples().first()
    return None if row is None else (row[0], row[1], row[2])
