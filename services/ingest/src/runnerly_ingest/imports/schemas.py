from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ImportStatus = Literal["imported", "duplicate", "refused"]


class FileOutcome(BaseModel):
    """What became of one uploaded file."""

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


class ImportResult(BaseModel):
    results: list[FileOutcome]
