"""best efforts of the runs stored before 0002

Runs written since 0002 get their best efforts in the batch that writes them. Runs stored
before had none, so personal records and the plans' fitness ignored them until their source
sent them again. This finds them once, by the dataservice's own rules (``records.efforts``,
as they are when the migration runs), for every run that has none yet.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:55:00
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from runnerly_dataservice.records.efforts import best_efforts

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Runs read at a time: their streams are the bulk of a run's row.
CHUNK = 500
_WITHOUT_EFFORTS = sa.text(
    "SELECT id, runner_id, sport_type, distance_m, elapsed_time_s, started_at, streams "
    "FROM runs WHERE id > :after "
    "AND NOT EXISTS (SELECT 1 FROM best_efforts WHERE best_efforts.run_id = runs.id) "
    "ORDER BY id LIMIT :chunk"
)
# ``started_at`` is written back as it was read: the stored form on either database.
_INSERT = sa.text(
    "INSERT INTO best_efforts (run_id, distance, runner_id, elapsed_time_s, started_at) "
    "VALUES (:run_id, :distance, :runner_id, :elapsed_time_s, :started_at)"
)


def upgrade() -> None:
    connection = op.get_bind()
    after = 0
    while True:
        runs = connection.execute(_WITHOUT_EFFORTS, {"after": after, "chunk": CHUNK}).all()
        if not runs:
            return
        rows: list[dict[str, Any]] = []
        for run_id, runner_id, sport_type, distance_m, elapsed_time_s, started_at, streams in runs:
            # JSON text on SQLite, already decoded on PostgreSQL.
            series = (json.loads(streams) if isinstance(streams, str) else streams) or {}
            efforts = best_efforts(
                sport_type=sport_type,
                distance_m=distance_m,
                elapsed_time_s=elapsed_time_s,
                time=series.get("time"),
                distance=series.get("distance"),
            )
            rows.extend(
                {
                    "run_id": run_id,
                    "distance": distance,
                    "runner_id": runner_id,
                    "elapsed_time_s": seconds,
                    "started_at": started_at,
                }
                for distance, seconds in efforts.items()
            )
        if rows:
            connection.execute(_INSERT, rows)
        after = runs[-1][0]


def downgrade() -> None:
    # The efforts stay: they are what the runs' writes would have stored. 0002's downgrade
    # drops the table.
    pass
