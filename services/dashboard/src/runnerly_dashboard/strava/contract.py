"""Generated from contracts/ingest.json (StravaStatus) by `make contracts`: do not edit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field


class StravaBackfillRead(BaseModel):
    activities_seen: Annotated[int, Field(title="Activities Seen")]
    finished_at: Annotated[AwareDatetime | None, Field(title="Finished At")]
    runs_imported: Annotated[int, Field(title="Runs Imported")]
    started_at: Annotated[AwareDatetime | None, Field(title="Started At")]
    state: Annotated[Literal["pending", "running", "done", "paused"], Field(title="State")]


class StravaSyncPaused(BaseModel):
    """
    Strava refuses for now: the sync waits and resumes by itself; nothing is deleted.
    """

    detail: Annotated[str, Field(description="What Strava answered.", title="Detail")]
    next_try_at: Annotated[AwareDatetime, Field(title="Next Try At")]
    reason: Annotated[
        Literal["app_refused", "permission_missing", "strava_unavailable"],
        Field(
            description="app_refused: Strava refuses Runnerly's app (suspended, say); permission_missing: Strava refuses this athlete's activities to Runnerly; strava_unavailable: Strava fails or does not answer.",
            title="Reason",
        ),
    ]
    since: Annotated[AwareDatetime, Field(title="Since")]


class StravaStatus(BaseModel):
    """
    The runner's Strava link and how far its sync has come.
    """

    athlete_id: Annotated[int | None, Field(title="Athlete Id")] = None
    athlete_name: Annotated[str | None, Field(title="Athlete Name")] = None
    backfill: StravaBackfillRead | None = None
    demo_mode: Annotated[bool, Field(title="Demo Mode")]
    last_sync_at: Annotated[AwareDatetime | None, Field(title="Last Sync At")] = None
    linked: Annotated[bool, Field(title="Linked")]
    rate_limited_until: Annotated[
        AwareDatetime | None,
        Field(
            description="While set, Strava's rate limit pauses the sync until then.",
            title="Rate Limited Until",
        ),
    ] = None
    sync_paused: Annotated[
        StravaSyncPaused | None, Field(description="While set, Strava refuses the sync for now.")
    ] = None