from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runnerly_tokendealer.models import Account, AccountToken, MailRequest


def get(session: Session, account_id: str) -> Account | None:
    return session.get(Account, account_id)


def get_by_email(session: Session, email: str) -> Account | None:
    return session.scalar(sa.select(Account).where(Account.email == email))


def add_if_new(session: Session, account: Account) -> bool:
    """Insert ``account``; False when its email was taken meanwhile by a concurrent signup."""
    try:
        with session.begin_nested():
            session.add(account)
    except IntegrityError:
        return False
    return True


def add_token(session: Session, token: AccountToken) -> None:
    session.add(token)


def find_usable_token(
    session: Session, purpose: str, token_hash: str, now: datetime
) -> AccountToken | None:
    return session.scalar(
        sa.select(AccountToken)
        .where(
            AccountToken.purpose == purpose,
            AccountToken.token_hash == token_hash,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
        .with_for_update()
    )


def find_token(session: Session, purpose: str, token_hash: str) -> AccountToken | None:
    """A token whether or not it can still be used (to say why it cannot)."""
    return session.scalar(
        sa.select(AccountToken).where(
            AccountToken.purpose == purpose, AccountToken.token_hash == token_hash
        )
    )


def void_tokens(session: Session, account_id: str, purpose: str, now: datetime) -> int:
    """Mark every unused link token of ``purpose`` used, so that none of them works."""
    result = session.execute(
        sa.update(AccountToken)
        .where(
            AccountToken.account_id == account_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def count_mail_requests(
    session: Session, subject: str, since: datetime
) -> tuple[int, datetime | None]:
    """How many mail requests ``subject`` made since ``since``, and when the oldest was."""
    count, oldest = session.execute(
        sa.select(sa.func.count(MailRequest.id), sa.func.min(MailRequest.requested_at)).where(
            MailRequest.subject == subject, MailRequest.requested_at > since
        )
    ).one()
    return int(count), oldest


def add_mail_requests(session: Session, subjects: list[str], now: datetime) -> None:
    session.add_all(MailRequest(subject=subject, requested_at=now) for subject in subjects)


def delete_mail_requests(session: Session, subjects: list[str]) -> None:
    session.execute(sa.delete(MailRequest).where(MailRequest.subject.in_(subjects)))


def prune_mail_requests(session: Session, before: datetime) -> None:
    session.execute(sa.delete(MailRequest).where(MailRequest.requested_at <= before))


def delete(session: Session, account: Account) -> None:
    session.execute(sa.delete(AccountToken).where(AccountToken.account_id == account.id))
    session.delete(account)


def list_confirmed(session: Session, *, after_id: str | None, limit: int) -> list[Account]:
    query = sa.select(Account).where(Account.confirmed_at.is_not(None)).order_by(Account.id)
    if after_id is not None:
        query = query.where(Account.id > after_id)
    return list(session.scalars(query.limit(limit)))
