from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from runnerly_ingest.db import Model
from runnerly_kit.db import UTCDateTime
from runnerly_kit.outbox import OutboxMixin
from runnerly_kit.revocations import RevocationMixin

__all__ = [
    "ConnectState",
    "ImportFile",
    "ImportJob",
    "Model",
    "OutboxMessage",
    "PendingEvent",
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
    # Webhook events folded while the verification share was spent: one listing catches
    # them up, due when the share is back. Until then the athlete's events cost no read.
    catch_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Streams, one request per run, after the backfill's list pages: when the next streams
    # step may run (a pause), or counts as lost if queued and not taken; who runs one now.
    streams_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    streams_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PendingEvent(Model):
    """An object a queued webhook event will verify at Strava: the events that arrive for
    it meanwhile are folded into that one (one read per object, however many events)."""

    __tablename__ = "strava_pending_events"

    link_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    object_type: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    object_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    # When its task was queued: one still waiting long after counts as lost, queued again.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)


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
    # Reads spent verifying webhook events, in the same window and day: capped apart
    # (``verify_share``), so forged events cannot spend the sync's budget.
    verify_short_usage: Mapped[int] = mapped_column(sa.Integer, default=0)
    verify_daily_usage: Mapped[int] = mapped_column(sa.Integer, default=0)
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


class ImportJob(Model):
    """An upload of activity files, parsed in the worker one file a step."""

    __tablename__ = "import_jobs"

    # Random: it is in the runner's URLs (and another runner's job is a 404 anyway).
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    runner_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when every file has its outcome; the job is purged a retention later.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The step queued last: a step message naming another is stale (the resume tick
    # queued a new one after it was lost) and does nothing, so a job never has two turns.
    step: Mapped[int] = mapped_column(sa.Integer, default=1)
    # When the queued step counts as lost if no worker has taken it, and who holds one.
    next_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ImportFile(Model):
    """One file of an import job: its bytes until it has its outcome, then the outcome."""

    __tablename__ = "import_files"
    __table_args__ = (sa.UniqueConstraint("job_id", "position"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("import_jobs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    filename: Mapped[str] = mapped_column(sa.String(255))
    # The runner says this file is a run whatever it looks like.
    as_run: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # The file as uploaded (gzipped or not); None once it has its outcome. In the database,
    # not on a disk: at scale the worker runs on another host than the API.
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    run_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    message: Mapped[str | None] = mapped_column(sa.String(1000))
    reason: Mapped[str | None] = mapped_column(sa.String(64))
    # The sport a refusal names, as a stable key ("cycling"): worded in the runner's language.
    sport: Mapped[str | None] = mapped_column(sa.String(64))
    # The decompressed file's SHA-256 (the run's external id), once parsed: the same file
    # twice in one upload is said to be so.
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # Steps that took this file: one that kills its worker every time is refused in the end.
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)


class OutboxMessage(OutboxMixin, Model):
    pass


class Revocation(RevocationMixin, Model):
    """A runner whose tokens no longer count (deleted, or a password changed)."""
