"""import jobs: uploads stored and parsed in the worker, a file a step

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("runner_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("next_step_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_index(op.f("ix_import_jobs_runner_id"), "import_jobs", ["runner_id"])
    op.create_index(op.f("ix_import_jobs_finished_at"), "import_jobs", ["finished_at"])
    op.create_table(
        "import_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("as_run", sa.Boolean(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=True),
        sa.Column("message", sa.String(length=1000), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["import_jobs.id"],
            name=op.f("fk_import_files_job_id_import_jobs"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_files")),
        sa.UniqueConstraint("job_id", "position", name=op.f("uq_import_files_job_id")),
    )
    op.create_index(op.f("ix_import_files_job_id"), "import_files", ["job_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_files_job_id"), table_name="import_files")
    op.drop_table("import_files")
    op.drop_index(op.f("ix_import_jobs_finished_at"), table_name="import_jobs")
    op.drop_index(op.f("ix_import_jobs_runner_id"), table_name="import_jobs")
    op.drop_table("import_jobs")
