"""Streams for every Strava run: the runs still waiting for theirs, per link

Links whose backfill is done list their history again (a handful of requests), so that
every run they brought in before gets its streams too.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "strava_pending_streams",
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.BigInteger(), nullable=False),
        sa.Column("run", sa.JSON(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["link_id"], ["strava_links.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("link_id", "activity_id"),
    )
    op.create_index(
        "ix_strava_pending_streams_order", "strava_pending_streams", ["link_id", "started_at"]
    )
    with op.batch_alter_table("strava_links", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("streams_next_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("streams_lease_until", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_strava_links_streams_next_at", ["streams_next_at"])
    # The runs of a finished backfill are known only to the dataservice: list them again
    # (the runs sent again are updates), and each page queues its runs' streams.
    op.execute(
        "UPDATE strava_links SET backfill_state = 'pending', backfill_before = NULL, "
        "backfill_boundary = NULL, activities_seen = 0, runs_imported = 0, "
        "next_step_at = NULL, lease_until = NULL WHERE backfill_state = 'done'"
    )


def downgrade() -> None:
    with op.batch_alter_table("strava_links", schema=None) as batch_op:
        batch_op.drop_index("ix_strava_links_streams_next_at")
        batch_op.drop_column("streams_lease_until")
        batch_op.drop_column("streams_next_at")
    op.drop_index("ix_strava_pending_streams_order", table_name="strava_pending_streams")
    op.drop_table("strava_pending_streams")
