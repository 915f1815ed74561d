"""revocations: runners whose tokens no longer count; relayed outbox rows are purged

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-10 09:00:00
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
        "revocations",
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("not_before", sa.Float(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_revocations")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("secret", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # Relayed rows were kept forever, links and addresses among them: none is needed now.
    op.execute(sa.text("DELETE FROM outbox WHERE sent_at IS NOT NULL"))
    # The log of sent mail is only for recognising a repeated ask: no address, no subject.
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outgoing_mail_to"))
        batch_op.drop_index(batch_op.f("ix_outgoing_mail_user_id"))
        batch_op.drop_column("to")
        batch_op.drop_column("subject")
        batch_op.drop_column("user_id")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("secret")
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("subject", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("to", sa.String(length=320), server_default="", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_outgoing_mail_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outgoing_mail_to"), ["to"], unique=False)
    op.drop_table("revocations")
