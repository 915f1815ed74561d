from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, undefer

from runnerly_kit.db import insert_for
from runnerly_reports.models import Report, Subscription


def get(
    session: Session, runner_id: str, month: str, *, lock: bool = False, with_pdf: bool = False
) -> Report | None:
    query = sa.select(Report).where(Report.runner_id == runner_id, Report.month == month)
    if lock:
        query = query.with_for_update()
    if with_pdf:
        query = query.options(undefer(Report.pdf))
    return session.scalars(query).one_or_none()


def add(session: Session, values: dict[str, Any]) -> bool:
    """Insert a report; False (and nothing written) when the runner's month exists.

    ``ON CONFLICT DO NOTHING``: two workers building the same report race on the unique
    key, and the loser learns it without an error that would end its transaction.
    """
    result = session.execute(
        insert_for(session, Report).values(**values).on_conflict_do_nothing(
            index_elements=["runner_id", "month"]
        )
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def list_for(session: Session, runner_id: str, limit: int) -> list[Report]:
    return list(
        session.scalars(
            sa.select(Report)
            .where(Report.runner_id == runner_id)
            .order_by(Report.month.desc())
            .limit(limit)
        )
    )


def subscription(session: Session, runner_id: str) -> Subscription | None:
    return session.get(Subscription, runner_id)


def set_subscribed(session: Session, runner_id: str, subscribed: bool, now: datetime) -> None:
    row = session.get(Subscription, runner_id, with_for_update=True)
    if row is None:
        session.add(Subscription(runner_id=runner_id, subscribed=subscribed, updated_at=now))
    elif row.subscribed != subscribed:
        row.subscribed = subscribed
        row.updated_at = now
    session.flush()


def opted_out_among(session: Session, runner_ids: Iterable[str]) -> set[str]:
    ids = list(runner_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            sa.select(Subscription.runner_id).where(
                Subscription.runner_id.in_(ids), Subscription.subscribed.is_(False)
            )
        )
    )


def delete_for_runner(session: Session, runner_id: str) -> int:
    deleted = getattr(
        session.execute(sa.delete(Report).where(Report.runner_id == runner_id)), "rowcount", 0
    )
    session.execute(sa.delete(Subscription).where(Subscription.runner_id == runner_id))
    return int(deleted or 0)
