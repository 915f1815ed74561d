"""Generated from contracts/ingest.json (ImportJobRead) by `make contracts`: do not edit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field


class FileOutcome(BaseModel):
    """
    What became of one uploaded file (``queued`` or ``parsing`` until it has its
    outcome).
    """

    filename: Annotated[str, Field(title="Filename")]
    message: Annotated[str | None, Field(title="Message")] = None
    reason: Annotated[
        str | None,
        Field(
            description="A stable code for a refusal the runner may override: `looks_like_walk` (a walk or a hike), undone by sending the file again named in `as_run`.",
            examples=["looks_like_walk"],
            title="Reason",
        ),
    ] = None
    run_id: Annotated[int | None, Field(title="Run Id")] = None
    status: Annotated[
        Literal["queued", "parsing", "imported", "duplicate", "refused"], Field(title="Status")
    ]


class ImportJobRead(BaseModel):
    """
    An upload being parsed: each file's state, in the order they were sent.
    """

    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    files: Annotated[list[FileOutcome], Field(title="Files")]
    finished_at: Annotated[AwareDatetime | None, Field(title="Finished At")] = None
    id: Annotated[str, Field(title="Id")]