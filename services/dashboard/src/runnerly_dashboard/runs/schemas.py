"""The runs as the public API shows them: the dataservice's own shapes (``contract``,
generated from its contract), which the dashboard passes on whole."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from runnerly_dashboard.runs.contract import RunDetail, RunList, RunSplit, RunStreams, RunSummary

__all__ = ["RunDetail", "RunList", "RunListQuery", "RunSplit", "RunStreams", "RunSummary"]


class RunListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int | None = Field(default=None, ge=1, le=100, description="Runs per page.")
    cursor: str | None = Field(
        default=None, max_length=200, description="The next_cursor of the previous page."
    )
    after: datetime | None = Field(default=None, description="Only runs started after this.")
    before: datetime | None = Field(default=None, description="Only runs started before this.")
