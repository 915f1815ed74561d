from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_dataservice.models import Profile


def get(session: Session, runner_id: str) -> Profile | None:
    return session.get(Profile, runner_id)


def time_zone(session: Session, runner_id: str) -> str | None:
    return session.scalar(sa.select(Profile.time_zone).where(Profile.runner_id == runner_id))


def add(session: Session, profile: Profile) -> None:
    session.add(profile)
    session.flush()


def delete(session: Session, runner_id: str) -> int:
    result = session.execute(sa.delete(Profile).where(Profile.runner_id == runner_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


def time_zone_of(connection: sa.Connection, runner_id: str) -> str:
    """The runner's time zone, read on a plain connection (the runs list's); UTC when they
    have no profile yet."""
    found = connection.scalar(
        sa.select(Profile.time_zone).where(Profile.runner_id == runner_id)
    )
    return found or "UTC"
