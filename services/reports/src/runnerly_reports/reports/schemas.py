from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from runnerly_reports.reports.content import ReportContent

ReportStatus = Literal["built", "sent"]


class ReportSummary(BaseModel):
    month: str = Field(description="YYYY-MM, on the runner's clock.")
    status: ReportStatus = Field(description="built: stored, not mailed; sent: mailed.")
    created_at: datetime
    sent_at: datetime | None = Field(description="When the last mail was asked for.")
    send_count: int = Field(description="Mails asked for: the scheduled one and resends.")
    has_runs: bool
    runs: int
    distance_m: float


class ReportList(BaseModel):
    items: list[ReportSummary] = Field(description="Newest month first.")


class ReportRead(ReportSummary):
    content: ReportContent


class SubscriptionRead(BaseModel):
    subscribed: bool = Field(description="Whether the monthly report is mailed.")


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: "no" or 0 are not a yes/no answer.
    subscribed: bool = Field(strict=True)
