from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class FileOutcome(BaseModel):
    """What became of one uploaded file: ``queued`` and ``parsing`` until it has its outcome
    (imported, duplicate, or refused with the reason)."""

    model_config = ConfigDict(extra="allow")

    filename: str
    status: Literal["queued", "parsing", "imported", "duplicate", "refused"]
    run_id: int | None = None
    message: str | None = None
    # Why it was refused, for the web app to act on (``looks_like_walk``: it may be
    # imported as a run anyway).
    reason: str | None = None


class ImportJob(BaseModel):
    """An upload being read: each file's state, in the order they were sent."""

    id: str
    created_at: datetime
    # Set once every file has its outcome.
    finished_at: datetime | None = None
    files: list[FileOutcome]
