from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class FileOutcome(BaseModel):
    """What became of one uploaded file."""

    model_config = ConfigDict(extra="allow")

    filename: str
    status: Literal["imported", "duplicate", "refused"]
    run_id: int | None = None
    message: str | None = None
    # A stable code for a refusal the runner may override ("looks_like_walk").
    reason: str | None = None


class ImportResult(BaseModel):
    results: list[FileOutcome]
