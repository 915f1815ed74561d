from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from runnerly_dataservice.db import Model
from runnerly_kit.db import UTCDateTime
from runnerly_kit.outbox import OutboxMixin
from runnerly_kit.revocations import RevocationMixin

__all__ = [
    "BestEffort",
    "Model",
    "OutboxMessage",
    "Profile",
    "Race",
    "RaceEntry",
    "Revocation",
    "Run",
]


class Profile(Model):
    """A runner's settings and physiology; absent until the runner first changes something."""

    __tablename__ = "profiles"

    runner_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(sa.String(100))
    birth_year: Mapped[int | None] = mapped_column(sa.SmallInteger)
    sex: Mapped[str | None] = mapped_column(sa.String(8))
    weight_kg: Mapped[float | None] = mapped_column(sa.Float)
    max_hr: Mapped[int | None] = mapped_column(sa.SmallInteger)
    resting_hr: Mapped[int | None] = mapped_column(sa.SmallInteger)
    vo2max: Mapped[float | None] = mapped_column(sa.Float)
    units: Mapped[str] = mapped_column(sa.String(2), default="km")
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    language: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Run(Model):
    __tablename__ = "runs"
    __table_args__ = (
        # The same activity synced twice is one run of its runner. Two runners may hold the
        # same key (friends share a GPX file, whose key is its content hash): the owner is
        # part of the key, so no write that names a key can reach another runner's run.
        sa.UniqueConstraint(
            "runner_id", "source", "external_id", name="uq_runs_runner_source_external_id"
        ),
        # A runner's runs newest first: the list endpoint's keyset walks this index.
        sa.Index(
            "ix_runs_runner_started",
            "runner_id",
            sa.text("started_at DESC"),
            sa.text("id DESC"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    runner_id: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(16))
    external_id: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    sport_type: Mapped[str] = mapped_column(sa.String(32), default="Run")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    distance_m: Mapped[float] = mapped_column(sa.Float)
    moving_time_s: Mapped[int] = mapped_column(sa.Integer)
    elapsed_time_s: Mapped[int] = mapped_column(sa.Integer)
    elevation_gain_m: Mapped[float | None] = mapped_column(sa.Float)
    average_hr: Mapped[float | None] = mapped_column(sa.Float)
    max_hr: Mapped[float | None] = mapped_column(sa.Float)
    average_cadence: Mapped[float | None] = mapped_column(sa.Float)
    summary_polyline: Mapped[str | None] = mapped_column(sa.Text)
    streams: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    splits: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BestEffort(Model):
    """A run's fastest stretch over one standard distance, found when the run was written.

    ``runner_id`` and ``started_at`` are the run's, copied so that a runner's records over
    a range of dates are read from this table's index alone.
    """

    __tablename__ = "best_efforts"
    __table_args__ = (
        # A runner's fastest efforts over a distance: the records read walks it in order.
        sa.Index("ix_best_efforts_runner_distance_time", "runner_id", "distance",
                 "elapsed_time_s"),
    )

    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    distance: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    runner_id: Mapped[str] = mapped_column(sa.String(64))
    elapsed_time_s: Mapped[int] = mapped_column(sa.Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Race(Model):
    """A race any runner added; every runner sees it. It outlives its creator's account."""

    __tablename__ = "races"
    __table_args__ = (sa.Index("ix_races_date_id", "date", "id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    date: Mapped[date] = mapped_column(sa.Date)
    distance_m: Mapped[float] = mapped_column(sa.Float)
    location: Mapped[str | None] = mapped_column(sa.String(200))
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    created_by: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RaceEntry(Model):
    __tablename__ = "race_entries"

    race_id: Mapped[int] = mapped_column(
        sa.ForeignKey("races.id", ondelete="CASCADE"), primary_key=True
    )
    runner_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxMessage(OutboxMixin, Model):
    pass


class Revocation(RevocationMixin, Model):
    """A runner whose tokens no longer count (deleted, or a password changed)."""
