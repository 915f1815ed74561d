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
        description="A refusal's kind, a stable code (the `message` says it in English): "
        "`not_a_run` (another sport, named in `sport`), `looks_like_walk` (a walk or a hike, "
        "`sport` `walking` or `hiking`: the one refusal the runner may override, by sending "
        "the file again named in `as_run`), `multisport` (several sports in one file), "
        "`corrupt` (not a GPX, FIT or TCX file, or a damaged one), `no_timestamps` (no times: "
        "a planned route, not a recorded activity), `too_large` (over the size limit), "
        "`impossible_times` (dated in the future or before 2000, or no time passing), "
        "`too_short` (under 100 m or 60 s), `unreadable` (reading it stopped the importer "
        "every time), `impossible` (figures the runs' store refuses). Absent on outcomes "
        "that are not refusals, and on refusals stored before the codes.",
        examples=["looks_like_walk", "not_a_run"],
    )
    sport: str | None = Field(
        default=None,
        description="The sport a refusal names, as a stable key: its plain English words in "
        "snake case (`cycling`, `mountain_biking`, `swimming`, `pool_swimming`, `walking`, "
        "`hiking`, `multisport`, `other`...); absent when the refusal names no sport.",
        examples=["cycling"],
    )

class ImportJobRead(BaseModel):
    """An upload being parsed: each file's state, in the order they were sent."""

    id: str
    created_at: datetime
    # Set once every file has its outcome.
    finished_at: datetime | None = None
    files: list[FileOutcome]
