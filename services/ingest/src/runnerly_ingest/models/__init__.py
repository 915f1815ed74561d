from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from runnerly_ingest.db import Model, UTCDateTime
from runnerly_kit.outbox import OutboxMixin
from runnerly_kit.revocations import RevocationMixin

__all__ = [
    "ConnectState",
    "Model",
    "OutboxMessage",
    "PendingStreams",
    "RateBudget",
    "Revocation",
    "StravaLink",
]


class StravaLink(Model):
    """A runner's link to their Strava athlete: tokens (encrypted), and sync progress."""

    __tablename__ = "strava_links"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    runner_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    athlete_id: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    athlete_name: Mapped[str | None] = mapped_column(sa.String(200))
    # Fernet tokens (MultiFernet with the configured keys): never the tokens in clear.
    access_token: Mapped[str] = mapped_column(sa.Text)
    refresh_token: Mapped[str] = mapped_column(sa.Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scopes: Mapped[str] = mapped_column(sa.String(200))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Backfill: newest history first, a page at a time; ``backfill_before`` is the cursor
    # (epoch seconds: the oldest start seen), persisted with each page's bookkeeping.
    backfill_state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    backfill_before: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The ids of the activities started in the cursor's very second that are already
    # counted: the next page asks from that second on again (Strava's ``before`` is
    # exclusive, and a page may end between two activities of one second).
    backfill_boundary: Mapped[list[int] | None] = mapped_column(sa.JSON)
    activities_seen: Mapped[int] = mapped_column(sa.Integer, default=0)
    runs_imported: Mapped[int] = mapped_column(sa.Integer, default=0)
    backfill_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    backfill_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the next step may run (a rate-limit pause), and who is running one now.
    next_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Newest activity start seen (epoch seconds): reconciliation lists what came after.
    sync_after: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Fairness: Strava read requests spent for this athlete on ``requests_day``.
    requests_day: Mapped[str | None] = mapped_column(sa.String(10))
    requests_today: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Strava refuses this athlete's sync for now (a permission missing, ...): why, since
    # when, and when to try again. Cleared by the first answer Strava gives.
    refused_reason: Mapped[str | None] = mapped_column(sa.String(32))
    refused_detail: Mapped[str | None] = mapped_column(sa.String(300))
    refused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Streams, one request per run, after the backfill's list pages: when the next streams
    # step may run (a pause), or counts as lost if queued and not taken; who runs one now.
    streams_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    streams_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PendingStreams(Model):
    """A run of the link whose streams are still to fetch. The rows are the streams queue:
    a crash loses nothing, and a row goes only with the upsert of its streams."""

    __tablename__ = "strava_pending_streams"

    link_id: Mapped[int] = mapped_column(
        sa.ForeignKey("strava_links.id", ondelete="CASCADE"), primary_key=True
    )
    activity_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    # Newest first: the runs a runner looks at first get their detail first.
    started_at: Mapped[int] = mapped_column(sa.BigInteger)
    # The run as listed (the dataservice's ``RunUpsert``), sent again with its streams.
    run: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # Set when the runner opened the run: fetched ahead of the others.
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_strava_pending_streams_order", "link_id", "started_at"),)


class ConnectState(Model):
    """An OAuth ``state`` handed to a runner: single use, short-lived, bound to them."""

    __tablename__ = "strava_connect_states"

    state_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    runner_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateBudget(Model):
    """Strava's app-wide rate limits as last reported (one row: every worker shares it)."""

    __tablename__ = "strava_rate_budget"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    # The 15-minute window (its start, epoch seconds) and the UTC day the usage is for.
    window_start: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    day: Mapped[str] = mapped_column(sa.String(10), default="")
    short_limit: Mapped[int] = mapped_column(sa.Integer)
    daily_limit: Mapped[int] = mapped_column(sa.Integer)
    short_usage: Mapped[int] = mapped_column(sa.Integer, default=0)
    daily_usage: Mapped[int] = mapped_column(sa.Integer, default=0)
    read_short_limit: Mapped[int] = mapped_column(sa.Integer)
    read_daily_limit: Mapped[int] = mapped_column(sa.Integer)
    read_short_usage: Mapped[int] = mapped_column(sa.Integer, default=0)
    read_daily_usage: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Set after a 429: no request before this moment.
    limited_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The push subscription this app holds at Strava (events naming another are ignored).
    subscription_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Strava refuses the application itself (suspended, failing, not answering): why,
    # since when, and no request before ``refused_until``. Nothing is deleted meanwhile;
    # the first answer Strava gives clears it.
    refused_reason: Mapped[str | None] = mapped_column(sa.String(32))
    refused_detail: Mapped[str | None] = mapped_column(sa.String(300))
    refused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(OutboxMixin, Model):
    pass


class Revocation(RevocationMixin, Model):
    """A runner whose tokens no longer count (deleted, or a password changed)."""
