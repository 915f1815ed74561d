"""best efforts: each run's fastest stretch over the standard distances

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 04:19:51
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "best_efforts",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("distance", sa.String(length=16), nullable=False),
        sa.Column("runner_id", sa.String(length=64), nullable=False),
        sa.Column("elapsed_time_s", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
            name=op.f("fk_best_efforts_run_id_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "distance", name=op.f("pk_best_efforts")),
    )
    op.create_index(
        "ix_best_efforts_runner_distance_time",
        "best_efforts",
        ["runner_id", "distance", "elapsed_time_s"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("best_efforts")
