"""The reports service's shapes, as the public API shows them (fields it adds pass through)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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
    content: dict[str, Any] = Field(
        description="The report's figures in SI units (metres, seconds), with the runner's "
        "`units` and `time_zone`: totals, comparisons, longest_run, fastest_run, "
        "best_efforts, weeks, plan, next_race, prediction_basis, predictions. The reports "
        "service's contract has the full schema."
    )


class SubscriptionRead(BaseModel):
    subscribed: bool = Field(description="Whether the monthly report is mailed.")


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: "no" or 0 are not a yes/no answer.
    subscribed: bool = Field(strict=True)
