from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

ImportStatus = Literal["queued", "parsing", "imported", "duplicate", "refused"]
# The statuses a file ends with: it has its outcome.
FINAL: frozenset[str] = frozenset({"imported", "duplicate", "refused"})


class FileOutcome(BaseModel):
    """What became of one uploaded file (``queued`` or ``parsing`` until it has its
    outcome)."""

    filename: str
    status: ImportStatus
    run_id: int | None = None
    message: str | None = None
    reason: str | None = Field(
        default=None,
        description="A stable code for a refusal the runner may override: "
        "`looks_like_walk` (a walk or a hike), undone by sending the file again named in "
        "`as_run`.",
        examples=["looks_like_walk"],
    )


class ImportJobRead(BaseModel):
    """An upload being parsed: each file's state, in the order they were sent."""

    id: str
    created_at: datetime
    # Set once every file has its outcome.
    finished_at: datetime | None = None
    files: list[FileOutcome]
