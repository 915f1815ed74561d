"""Webhook verification: its own share of the rate budget, pending events, catch-ups

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("strava_rate_budget", schema=None) as batch_op:
        for column in ("verify_short_usage", "verify_daily_usage"):
            batch_op.add_column(
                sa.Column(column, sa.Integer(), nullable=False, server_default="0")
            )
    with op.batch_alter_table("strava_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("catch_up_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "strava_pending_events",
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.BigInteger(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "link_id", "object_type", "object_id", name=op.f("pk_strava_pending_events")
        ),
    )


def downgrade() -> None:
    op.drop_table("strava_pending_events")
    with op.batch_alter_table("strava_links", schema=None) as batch_op:
        batch_op.drop_column("catch_up_at")
    with op.batch_alter_table("strava_rate_budget", schema=None) as batch_op:
        for column in ("verify_daily_usage", "verify_short_usage"):
            batch_op.drop_column(column)
