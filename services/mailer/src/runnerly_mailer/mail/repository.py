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
