"""Strava's refusals: the app's (on the budget row) and an athlete's (on the link)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("strava_rate_budget", "strava_links")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("refused_reason", sa.String(32), nullable=True))
            batch_op.add_column(sa.Column("refused_detail", sa.String(300), nullable=True))
            batch_op.add_column(
                sa.Column("refused_since", sa.DateTime(timezone=True), nullable=True)
            )
            batch_op.add_column(
                sa.Column("refused_until", sa.DateTime(timezone=True), nullable=True)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ("refused_until", "refused_since", "refused_detail", "refused_reason"):
                batch_op.drop_column(column)
