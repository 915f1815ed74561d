from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

BackfillState = Literal["pending", "running", "done", "paused"]


class ConnectRead(BaseModel):
    """Where to send the runner to approve Runnerly at Strava."""

    authorize_url: str
    demo_mode: bool


class CallbackRequest(BaseModel):
    """What Strava's redirect brought back to the dashboard."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=200)
    state: str = Field(min_length=1, max_length=200)
    scope: str = Field(default="", max_length=500)


class BackfillRead(BaseModel):
    state: BackfillState
    activities_seen: int
    runs_imported: int
    started_at: datetime | None
    finished_at: datetime | None


class SyncPaused(BaseModel):
    """Strava refuses for now: the sync waits and resumes by itself; nothing is deleted."""

    reason: Literal["app_refused", "permission_missing", "strava_unavailable"] = Field(
        description="app_refused: Strava refuses Runnerly's app (suspended, say); "
        "permission_missing: Strava refuses this athlete's activities to Runnerly; "
        "strava_unavailable: Strava fails or does not answer."
    )
    detail: str = Field(description="What Strava answered.")
    since: datetime
    next_try_at: datetime


class StravaStatus(BaseModel):
    """The runner's Strava link and how far its sync has come."""

    linked: bool
    demo_mode: bool
    athlete_id: int | None = None
    athlete_name: str | None = None
    backfill: BackfillRead | None = None
    last_sync_at: datetime | None = None
    rate_limited_until: datetime | None = Field(
        default=None, description="While set, Strava's rate limit pauses the sync until then."
    )
    sync_paused: SyncPaused | None = Field(
        default=None, description="While set, Strava refuses the sync for now."
    )


class WebhookChallenge(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    hub_challenge: str = Field(alias="hub.challenge")


class WebhookEvent(BaseModel):
    """A Strava push event."""

    model_config = ConfigDict(extra="allow")

    object_type: Literal["activity", "athlete"]
    object_id: int = Field(ge=0, le=2**63 - 1)
    aspect_type: Literal["create", "update", "delete"]
    owner_id: int = Field(ge=0, le=2**63 - 1)
    subscription_id: int | None = Field(default=None, ge=0, le=2**63 - 1)
    event_time: int | None = None
    updates: dict[str, Any] = Field(default_factory=dict)


class WebhookAccepted(BaseModel):
    status: Literal["accepted", "ignored"]


class StreamsRequested(BaseModel):
    """Whether the run's streams are on their way (fetched at once, ahead of the others)."""

    pending: bool = Field(
        description="true: being fetched from Strava; false: none to fetch (fetched "
        "already, none at Strava, or not one of the runner's Strava runs)."
    )
