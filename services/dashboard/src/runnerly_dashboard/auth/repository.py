from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_dashboard.models import BrowserSession


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
