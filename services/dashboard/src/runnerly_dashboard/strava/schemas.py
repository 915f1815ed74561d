from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class StravaConnect(BaseModel):
    """Where to send the runner to approve Runnerly at Strava."""

    authorize_url: str
    demo_mode: bool = Field(description="True when Strava is the built-in simulator.")


class StravaBackfill(BaseModel):
    model_config = ConfigDict(extra="allow")

    state: Literal["pending", "running", "done", "paused"]
    activities_seen: int
    runs_imported: int
    started_at: datetime | None = None
    finished_at: datetime | None = None


class StravaSyncPaused(BaseModel):
    """Strava refuses for now: the sync waits and resumes by itself; nothing is deleted."""

    model_config = ConfigDict(extra="allow")

    reason: Literal["app_refused", "permission_missing", "strava_unavailable"]
    detail: str
    since: datetime
    next_try_at: datetime


class StravaStatus(BaseModel):
    """The runner's Strava link and how far its sync has come (ingest's shape)."""

    model_config = ConfigDict(extra="allow")

    linked: bool
    demo_mode: bool
    athlete_id: int | None = None
    athlete_name: str | None = None
    backfill: StravaBackfill | None = None
    last_sync_at: datetime | None = None
    rate_limited_until: datetime | None = None
    sync_paused: StravaSyncPaused | None = None


class StravaCallbackQuery(BaseModel):
    """What Strava's redirect brings back: a code and the state, or an error."""

    model_config = ConfigDict(extra="ignore")

    code: str | None = Field(default=None, max_length=200)
    state: str | None = Field(default=None, max_length=200)
    scope: str | None = Field(default=None, max_length=500)
    error: str | None = Field(default=None, max_length=200)
