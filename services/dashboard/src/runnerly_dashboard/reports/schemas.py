"""Reports in the reports service's own shapes (``contract``, generated from its contract),
which the dashboard passes on whole."""

from __future__ import annotations

from pydantic import Field

from runnerly_dashboard.reports import contract
from runnerly_dashboard.reports.contract import ReportContent, ReportList, ReportRead, ReportSummary

__all__ = [
    "ReportContent",
    "ReportList",
    "ReportRead",
    "ReportSummary",
    "SubscriptionRead",
    "SubscriptionUpdate",
]

SubscriptionRead = contract.ReportSubscriptionRead


class SubscriptionUpdate(contract.ReportSubscriptionUpdate):
    # Strict, as the reports service is: "no" or 0 are not a yes/no answer, and a contract
    # cannot say so.
    subscribed: bool = Field(strict=True)
