"""plans: the runner's choice for a goal beyond current fitness; quality sessions' main part

A plan rebuilt later keeps aiming where the runner chose: the predicted time, or the goal.
A quality session keeps the distance of its part at pace, and a run matched to it the pace
of its fastest stretch that long, so that planned versus done judges the pace of the work
rather than of the warm-up.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("goal_mode", sa.String(length=16), nullable=True))
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("main_m", sa.Integer(), nullable=True))
    with op.batch_alter_table("matched_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("main_pace_s_per_km", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("matched_runs", schema=None) as batch_op:
        batch_op.drop_column("main_pace_s_per_km")
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.drop_column("main_m")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("goal_mode")
