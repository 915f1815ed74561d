from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_dataservice.models import Run

runs = cast(sa.Table, Run.__table__)


def run_totals_in(
    session: Session, runner_id: str, start: datetime, end: datetime
) -> Sequence[tuple[datetime, float, int, float | None]]:
    """``(started_at, distance_m, moving_time_s, elevation_gain_m)`` of runs in [start, end)."""
    result = session.execute(
        sa.select(
            runs.c.started_at,
            runs.c.distance_m,
            runs.c.moving_time_s,
            runs.c.elevation_gain_m,
        ).where(
            runs.c.runner_id == runner_id,
            runs.c.started_at >= start,
            runs.c.started_at < end,
        )
    )
    return result.tuples().all()
