from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

ImportStatus = Literal["imported", "duplicate", "refused"]


class FileOutcome(BaseModel):
    """What became of one uploaded file."""

    filename: str
    status: ImportStatus
    run_id: int | None = None
    message: str | None = None


class ImportResult(BaseModel):
    results: list[FileOutcome]
