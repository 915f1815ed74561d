from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from runnerly_kit.db import UTCDateTime
from runnerly_kit.revocations import RevocationMixin
from runnerly_mailer.db import Model


class OutgoingMail(Model):
    """One mail asked for. ``key`` (the asking message's id) makes a repeated ask a no-op.

    Only the key and times are kept: the address, subject and body went to the transport
    (and, in development, the Maildir), and are nobody's business here afterwards.
    """

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Revocation(RevocationMixin, Model):
    """A runner whose tokens no longer count (deleted, or a password changed)."""
