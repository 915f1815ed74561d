"""Every query of the import jobs."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, undefer

from runnerly_ingest.imports.schemas import FINAL
from runnerly_ingest.models import ImportFile, ImportJob


def lock_runner(session: Session, runner_id: str) -> None:
    """Hold the runner's import lock until the transaction ends, so two uploads at once
    count each other's job."""
    if session.get_bind().dialect.name == "sqlite":
        # One writer at a time: taking the write lock now (a write that changes nothing)
        # orders this transaction wholly before or after the other's.
        session.execute(sa.update(ImportJob).where(sa.false()).values(step=ImportJob.step))
        return
    key = zlib.crc32(f"imports:{runner_id}".encode())
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def unfinished_count(session: Session, runner_id: str) -> int:
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(ImportJob)
        .where(ImportJob.runner_id == runner_id, ImportJob.finished_at.is_(None))
    ) or 0


def job(session: Session, job_id: str, *, lock: bool = False) -> ImportJob | None:
    query = sa.select(ImportJob).where(ImportJob.id == job_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def files(session: Session, job_id: str) -> Sequence[ImportFile]:
    return session.scalars(
        sa.select(ImportFile).where(ImportFile.job_id == job_id).order_by(ImportFile.position)
    ).all()


def next_file(session: Session, job_id: str) -> ImportFile | None:
    """The job's first file without an outcome, its bytes loaded."""
    return session.scalars(
        sa.select(ImportFile)
        .options(undefer(ImportFile.data))
        .where(ImportFile.job_id == job_id, ImportFile.status.not_in(FINAL))
        .order_by(ImportFile.position)
        .limit(1)
    ).first()


def file(session: Session, file_id: int) -> ImportFile | None:
    return session.get(ImportFile, file_id)


def earlier_twin(session: Session, job_id: str, position: int, sha256: str) -> ImportFile | None:
    """An earlier file of the job with the same content, if any."""
    return session.scalars(
        sa.select(ImportFile)
        .where(ImportFile.job_id == job_id, ImportFile.position < position,
               ImportFile.sha256 == sha256)
        .order_by(ImportFile.position)
        .limit(1)
    ).first()


def take_lease(session: Session, job_id: str, now: datetime, until: datetime) -> bool:
    """Claim the job's step unless another worker holds it."""
    result = session.execute(
        sa.update(ImportJob)
        .where(
            ImportJob.id == job_id,
            sa.or_(ImportJob.lease_until.is_(None), ImportJob.lease_until < now),
        )
        .values(lease_until=until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def due_jobs(session: Session, now: datetime, limit: int = 100) -> Sequence[ImportJob]:
    """Unfinished jobs whose queued step is lost (not taken within a lease) and that no
    worker holds, oldest first."""
    return session.scalars(
        sa.select(ImportJob)
        .where(
            ImportJob.finished_at.is_(None),
            sa.or_(ImportJob.next_step_at.is_(None), ImportJob.next_step_at <= now),
            sa.or_(ImportJob.lease_until.is_(None), ImportJob.lease_until < now),
        )
        .order_by(ImportJob.created_at, ImportJob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def delete_jobs(session: Session, where: sa.ColumnElement[bool]) -> int:
    """Delete the jobs matching ``where`` and their files (SQLite enforces no cascade)."""
    ids = sa.select(ImportJob.id).where(where).scalar_subquery()
    session.execute(sa.delete(ImportFile).where(ImportFile.job_id.in_(ids)))
    result = session.execute(sa.delete(ImportJob).where(where))
    return int(result.rowcount)  # type: ignore[attr-defined]
