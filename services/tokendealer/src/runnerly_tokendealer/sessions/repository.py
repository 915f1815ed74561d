from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_tokendealer.models import LoginFailure, RefreshToken


def add_refresh_token(session: Session, token: RefreshToken) -> None:
    session.add(token)


def find_refresh_token(session: Session, token_hash: str) -> RefreshToken | None:
    # Locked, so that two refreshes racing with one token cannot both rotate it.
    return session.scalar(
        sa.select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    )


def revoke_family(session: Session, family_id: str, now: datetime) -> int:
    result = session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0))


def revoke_all_of_account(session: Session, account_id: str, now: datetime) -> int:
    result = session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0))


def delete_all_of_account(session: Session, account_id: str) -> None:
    session.execute(sa.delete(RefreshToken).where(RefreshToken.account_id == account_id))


def count_failures(session: Session, subject: str, since: datetime) -> tuple[int, datetime | None]:
    """How many failures ``subject`` had since ``since``, and when the oldest of them was."""
    count, oldest = session.execute(
        sa.select(sa.func.count(LoginFailure.id), sa.func.min(LoginFailure.failed_at)).where(
            LoginFailure.subject == subject, LoginFailure.failed_at > since
        )
    ).one()
    return int(count), oldest


def add_failures(session: Session, subjects: list[str], now: datetime) -> None:
    session.add_all(LoginFailure(subject=subject, failed_at=now) for subject in subjects)


def forget_failures(session: Session, subject: str) -> None:
    session.execute(sa.delete(LoginFailure).where(LoginFailure.subject == subject))


def forget_failures_of_account(session: Session, email: str) -> None:
    """Forget the failures counted against an email, from every client."""
    session.execute(
        sa.delete(LoginFailure).where(
            sa.or_(
                LoginFailure.subject == f"account:{email}",
                LoginFailure.subject.startswith(f"client:{email} ", autoescape=True),
            )
        )
    )


def has_logged_in_from(session: Session, account_id: str, address: str, since: datetime) -> bool:
    """Whether a login of the account came from ``address`` since ``since``."""
    found = session.scalar(
        sa.select(RefreshToken.id)
        .where(
            RefreshToken.account_id == account_id,
            RefreshToken.login_address == address,
            RefreshToken.created_at > since,
        )
        .limit(1)
    )
    return found is not None


def prune_failures(session: Session, before: datetime) -> None:
    session.execute(sa.delete(LoginFailure).where(LoginFailure.failed_at <= before))
