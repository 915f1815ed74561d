from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from runnerly_dashboard.strava.contract import StravaBackfillRead, StravaStatus, StravaSyncPaused

__all__ = [
    "StravaBackfill",
    "StravaCallbackQuery",
    "StravaConnect",
    "StravaStatus",
    "StravaSyncPaused",
]

# The runner's Strava link and its sync in ingest's own shapes (``contract``, generated from
# its contract), which the dashboard passes on whole.
StravaBackfill = StravaBackfillRead


class StravaConnect(BaseModel):
    """Where to send the runner to approve Runnerly at Strava."""

    authorize_url: str
    demo_mode: bool = Field(description="True when Strava is the built-in simulator.")


class StravaCallbackQuery(BaseModel):
    """What Strava's redirect brings back: a code and the state, or an error."""

    model_config = ConfigDict(extra="ignore")

    code: str | None = Field(default=None, max_length=200)
    state: str | None = Field(default=None, max_length=200)
    scope: str | None = Field(default=None, max_length=500)
    error: str | None = Field(default=None, max_length=200)
