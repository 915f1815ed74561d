"""runs keyed per runner: unique (runner_id, source, external_id)

A run's key was unique across runners, so a file another runner had already imported (its key
is its content hash), or one activity id sent for two runners, overwrote the other runner's
run and moved it to the sender. Each runner now has keys of their own; every stored run keeps
its id, its owner and its best efforts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GLOBAL_KEY = ("uq_runs_source_external_id", ["source", "external_id"])
PER_RUNNER_KEY = ("uq_runs_runner_source_external_id", ["runner_id", "source", "external_id"])


def upgrade() -> None:
    _swap_key(GLOBAL_KEY, PER_RUNNER_KEY)


def downgrade() -> None:
    # Fails (and changes nothing) while two runners hold the same key: one of them would
    # have to lose a run.
    _swap_key(PER_RUNNER_KEY, GLOBAL_KEY)


def _swap_key(old: tuple[str, list[str]], new: tuple[str, list[str]]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(old[0], "runs", type_="unique")
        op.create_unique_constraint(new[0], "runs", new[1])
        return
    # SQLite changes a table's constraints only by copying the table, and dropping the old
    # copy deletes its rows first, which the foreign key (ON DELETE CASCADE, with the
    # connection's foreign_keys=ON) carries into best_efforts. So the efforts are kept
    # aside and put back. The copy's first write opens the transaction before any table is
    # touched: the whole swap commits or rolls back as one.
    op.execute("CREATE TEMP TABLE best_efforts_kept AS SELECT * FROM best_efforts WHERE 0")
    op.execute("INSERT INTO best_efforts_kept SELECT * FROM best_efforts")
    with op.batch_alter_table("runs", recreate="always") as batch:
        batch.drop_constraint(old[0], type_="unique")
        batch.create_unique_constraint(new[0], new[1])
        # Reflection would copy this index without its DESC columns: made again below.
        batch.drop_index("ix_runs_runner_started")
    op.create_index(
        "ix_runs_runner_started",
        "runs",
        ["runner_id", sa.text("started_at DESC"), sa.text("id DESC")],
        unique=False,
    )
    op.execute("INSERT INTO best_efforts SELECT * FROM best_efforts_kept")
    op.execute("DROP TABLE best_efforts_kept")
