"""signup_time_zones: the browser's time zone at sign-up, until the first login

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signup_time_zones",
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email_hash", name=op.f("pk_signup_time_zones")),
    )
    op.create_index(
        op.f("ix_signup_time_zones_created_at"), "signup_time_zones", ["created_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_signup_time_zones_created_at"), table_name="signup_time_zones")
    op.drop_table("signup_time_zones")
