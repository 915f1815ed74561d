"""account protection: mail requests counted, the address each login came from

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 07:50:00
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
        "mail_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_requests")),
    )
    with op.batch_alter_table("mail_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_requests_requested_at"), ["requested_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mail_requests_subject"), ["subject"], unique=False)
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login_address", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_column("login_address")
    with op.batch_alter_table("mail_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_requests_subject"))
        batch_op.drop_index(batch_op.f("ix_mail_requests_requested_at"))
    op.drop_table("mail_requests")
