"""The reports service's shapes, as the public API shows them (fields it adds pass through)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from runnerly_dashboard.reports.content import ReportContent


class ReportSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    month: str = Field(description="YYYY-MM, on the runner's clock.")
    status: Literal["built", "sent"]
    created_at: datetime
    sent_at: datetime | None
    send_count: int
    has_runs: bool
    runs: int
    distance_m: float


class ReportList(BaseModel):
    items: list[ReportSummary] = Field(description="Newest month first.")


class ReportRead(ReportSummary):
    content: ReportContent = Field(
        description="The report's figures in SI units (metres, seconds), with the runner's "
        "`units` and `time_zone`, as the reports service stores them."
    )


class SubscriptionRead(BaseModel):
    subscribed: bool = Field(description="Whether the monthly report is mailed.")


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: "no" or 0 are not a yes/no answer.
    subscribed: bool = Field(strict=True)
