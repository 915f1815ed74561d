from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from runnerly_kit.db import UTCDateTime
from runnerly_kit.outbox import OutboxMixin
from runnerly_kit.revocations import RevocationMixin
from runnerly_reports.db import Model

__all__ = ["Model", "OutboxMessage", "Report", "Revocation", "Subscription"]


class Report(Model):
    """One runner's report of one month: built once, whoever asks twice."""

    __tablename__ = "reports"
    __table_args__ = (sa.UniqueConstraint("runner_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    runner_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    month: Mapped[str] = mapped_column(sa.String(7))  # YYYY-MM
    # "built" (content and PDF stored, not mailed yet) or "sent".
    status: Mapped[str] = mapped_column(sa.String(16))
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # Deferred: listings never load the PDFs.
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many mails were asked for (the scheduled one and those sent again on request).
    send_count: Mapped[int] = mapped_column(sa.Integer, default=0)


class Subscription(Model):
    """A runner's choice about the monthly mail; no row means subscribed."""

    __tablename__ = "subscriptions"

    runner_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    subscribed: Mapped[bool] = mapped_column(sa.Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxMessage(OutboxMixin, Model):
    pass


class Revocation(RevocationMixin, Model):
    """A runner whose tokens no longer count (deleted, or a password changed)."""
