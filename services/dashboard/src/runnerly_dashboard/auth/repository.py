from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_dashboard.models import BrowserSession, SignupTimeZone

# A sign-up's zone waits this long for the first login; older rows are dropped.
SIGNUP_TIME_ZONE_TTL = timedelta(days=7)


def add(db: Session, browser_session: BrowserSession) -> BrowserSession:
    db.add(browser_session)
    db.flush()
    return browser_session


def by_cookie_hash(db: Session, cookie_hash: str) -> BrowserSession | None:
    return db.scalars(
        sa.select(BrowserSession).where(BrowserSession.cookie_hash == cookie_hash)
    ).one_or_none()


def lock(db: Session, browser_session: BrowserSession) -> None:
    """Reload the row, locked until the transaction ends (PostgreSQL; SQLite has one writer)."""
    db.refresh(browser_session, with_for_update=True)


def delete(db: Session, browser_session: BrowserSession) -> None:
    db.delete(browser_session)
    db.flush()


def delete_for_user(db: Session, user_id: str) -> int:
    result = db.execute(sa.delete(BrowserSession).where(BrowserSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def keep_signup_time_zone(db: Session, email_hash: str, time_zone: str, now: datetime) -> None:
    db.execute(sa.delete(SignupTimeZone).where(
        sa.or_(SignupTimeZone.email_hash == email_hash,
               SignupTimeZone.created_at < now - SIGNUP_TIME_ZONE_TTL)))
    db.add(SignupTimeZone(email_hash=email_hash, time_zone=time_zone, created_at=now))
    db.flush()


def signup_time_zone(connection: sa.Connection, email_hash: str) -> sa.Row[Any] | None:
    """The zone kept for this address and when, read on its own (no transaction held)."""
    return connection.execute(
        sa.select(SignupTimeZone.time_zone, SignupTimeZone.created_at).where(
            SignupTimeZone.email_hash == email_hash
        )
    ).first()


def drop_signup_time_zone(db: Session, email_hash: str) -> None:
    db.execute(sa.delete(SignupTimeZone).where(SignupTimeZone.email_hash == email_hash))
