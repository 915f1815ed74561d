from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_mailer.models import OutgoingMail


def get_by_key(session: Session, key: str) -> OutgoingMail | None:
    return session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.key == key).with_for_update()
    ).one_or_none()


def add(session: Session, mail: OutgoingMail) -> None:
    session.add(mail)
    session.flush()


def delete_for_user(session: Session, user_id: str, email: str) -> list[str]:
    """Forget a user's mail records; returns the addresses they were sent to."""
    rows = (
        session.execute(
            sa.delete(OutgoingMail)
            .where(sa.or_(OutgoingMail.user_id == user_id, OutgoingMail.to == email))
            .returning(OutgoingMail.to)
        )
        .scalars()
        .all()
    )
    return sorted(set(rows))
