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


class ImportResult(BaseModel):
    results: list[FileOutcome]
