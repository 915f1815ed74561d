from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

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
    # Why it was refused, for a program to act on (a message is for the runner).
    reason: str | None = None


class ImportJobRead(BaseModel):
    """An upload being parsed: each file's state, in the order they were sent."""

    id: str
    created_at: datetime
    # Set once every file has its outcome.
    finished_at: datetime | None = None
    files: list[FileOutcome]
