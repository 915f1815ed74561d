"""import_files: the sport a refusal names, as a stable key

A refusal is worded in the runner's language from its code (``reason``) and this key.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sport", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_files", schema=None) as batch_op:
        batch_op.drop_column("sport")
