"""Monthly reports: built once per runner and month, mailed through the outbox.

Idempotence rests on two facts. The report row is unique per runner and month, so a second
build of the same month (the schedule firing twice, a redelivered task) finds it. And the
mail is asked for through the outbox in the same transaction that marks the report sent, so
either both happen or neither: a worker dying after the build and before the send leaves a
``built`` report that the redelivered task mails, once; one dying after the commit leaves
an outbox row that is relayed, and the mailer delivers a message id only once.

Functions that only touch the database run in the caller's transaction and never commit.
Building and sending read the peers, so they own their transactions and hold none open
while a peer answers.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy.orm import Session

from runnerly_kit.errors import Conflict, InvalidInput, NotFound
from runnerly_kit.messages import MailAttachment, MailInlineImage, SendMail
from runnerly_reports.models import Report
from runnerly_reports.peers import Account
from runnerly_reports.reports import repository, tokens
from runnerly_reports.reports.content import (
    PREDICTION_WINDOW,
    Month,
    MonthData,
    build_content,
    today_in,
)
from runnerly_reports.reports.figures import view
from runnerly_reports.reports.render import CHART_CID, Links, RenderedReport, html, render, text
from runnerly_reports.reports.schemas import (
    ReportContent,
    ReportList,
    ReportRead,
    ReportSummary,
    SubscriptionRead,
)
from runnerly_reports.runtime import Runtime

log = structlog.get_logger()

BUILD_TASK = "reports.reports.build"
MONTH_TASK = "reports.reports.run_month"


class MonthNotOver(Conflict):
    title = "Month not over"


def parse_month(text_month: str) -> Month:
    try:
        return Month.parse(text_month)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def ended_everywhere(month: Month, now: datetime) -> bool:
    """Whether ``month`` is over in every time zone (the last to end it is UTC-12)."""
    return now >= month.end(ZoneInfo("Etc/GMT+12"))


def previous_month(now: datetime) -> Month:
    """The month before ``now`` in UTC: at the schedule's hour on the 1st it has ended in
    every time zone."""
    return Month.of(now.astimezone(UTC).date()).previous()


# --- building -----------------------------------------------------------------------------


def gather(runtime: Runtime, runner_id: str, month: Month) -> MonthData:
    """Everything the report reads, from the peers; ``MonthNotOver`` before its end."""
    profile = runtime.dataservice.profile(runner_id)
    zone = ZoneInfo(profile.time_zone)
    start, end = month.start(zone), month.end(zone)
    now = runtime.now()
    if end > now:
        raise MonthNotOver(
            f"{month.label()} has not ended yet in {profile.time_zone}: "
            "its report is built once it has."
        )
    return MonthData(
        runner_id=runner_id,
        month=month,
        profile=profile,
        runs=runtime.dataservice.runs(runner_id, start, end),
        monthly_totals=runtime.dataservice.monthly_totals(
            runner_id, month.shifted(-12).first_day, month.first_day
        ),
        efforts_in_month=runtime.dataservice.best_efforts(runner_id, start, end),
        efforts_before=runtime.dataservice.best_efforts(runner_id, None, start),
        recent_efforts=runtime.dataservice.best_efforts(runner_id, end - PREDICTION_WINDOW, end),
        upcoming_races=runtime.dataservice.upcoming_races(runner_id),
        plans=runtime.plans.plans(runner_id),
        as_of=today_in(profile.time_zone, now),
    )


@dataclass(frozen=True)
class Draft:
    """A report made from the peers' answers, not stored yet."""

    content: ReportContent
    rendered: RenderedReport


def draft(runtime: Runtime, runner_id: str, month: Month) -> Draft:
    """Gather, compute and render a report: the peers' part of a build, and the slow one,
    done with no transaction open."""
    content = build_content(gather(runtime, runner_id, month))
    return Draft(content, render(content))


@dataclass(frozen=True)
class Built:
    report: Report
    # The chart rendered with the report, reused by the mail (None: no runs, no chart).
    chart_png: bytes | None
    created: bool


class RunnerGone(NotFound):
    title = "Account deleted"


def ensure_built(
    session: Session, runtime: Runtime, runner_id: str, month: Month,
    drafted: Draft | None = None,
) -> Built:
    """The runner's report of ``month``, stored from ``drafted`` if it was not yet.

    Without a draft, one is made first, before the session's first statement: a
    transaction just begun holds no connection (nor lock) while the peers answer.
    """
    if drafted is None:
        drafted = draft(runtime, runner_id, month)
    if not runtime.revocations.admits(session, runner_id):
        # Deleted while the month was being gathered: nothing is stored, nothing mailed.
        log.info("report.dropped_deleted_runner", runner_id=runner_id, month=str(month))
        raise RunnerGone("This runner's account has been deleted.")
    content, rendered = drafted.content, drafted.rendered
    created = repository.add(
        session,
        {
            "runner_id": runner_id,
            "month": str(month),
            "status": "built",
            "content": content.model_dump(mode="json"),
            "pdf": rendered.pdf,
            "created_at": runtime.now(),
            "sent_at": None,
            "send_count": 0,
        },
    )
    report = repository.get(session, runner_id, str(month), lock=True)
    assert report is not None  # inserted now, or by the worker that won the race
    if created:
        log.info("report.built", runner_id=runner_id, month=str(month),
                 runs=content.totals.runs, pdf_bytes=len(rendered.pdf))
    return Built(report, rendered.chart_png if created else None, created)


# --- sending ------------------------------------------------------------------------------


def links(runtime: Runtime, runner_id: str, month: str) -> Links:
    public = runtime.settings.public_url.rstrip("/")
    token = tokens.sign(runtime.unsubscribe_key, runner_id)
    return Links(
        report_url=f"{public}/reports/{month}",
        unsubscribe_url=f"{public}/api/reports/unsubscribe?token={quote(token)}",
    )


def mail_request(
    runtime: Runtime, report: Report, email: str, chart_png: bytes | None
) -> SendMail:
    """The report's mail: HTML and text, the chart inline, the PDF attached, and the
    one-click unsubscribe headers (RFC 8058)."""
    content = ReportContent.model_validate(report.content)
    report_view = view(content)
    link = links(runtime, report.runner_id, report.month)
    if chart_png is None and report_view.weeks:
        chart_png = render(content).chart_png
    inline = (
        [MailInlineImage(content_id=CHART_CID, content_type="image/png",
                         content_b64=base64.b64encode(chart_png).decode())]
        if chart_png is not None
        else []
    )
    return SendMail(
        to=email,
        subject=report_view.title,
        text=text(report_view, link),
        html=html(report_view, link),
        user_id=report.runner_id,
        attachments=[
            MailAttachment(
                filename=f"runnerly-report-{report.month}.pdf",
                content_type="application/pdf",
                content_b64=base64.b64encode(report.pdf).decode(),
            )
        ],
        inline_images=inline,
        headers={
            "List-Unsubscribe": f"<{link.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _queue_mail(
    session: Session, runtime: Runtime, report: Report, email: str, chart_png: bytes | None
) -> None:
    runtime.outbox.send_task(session, mail_request(runtime, report, email, chart_png))
    report.status = "sent"
    report.sent_at = runtime.now()
    report.send_count += 1
    session.flush()


# Building and sending read the peers between two transactions, never inside one: a
# first transaction looks at what is stored (a report already built needs no peer), the
# peers are read and the report rendered with none open, and a second one stores and
# mails, checking again what may have changed meanwhile.
UNBUILT = "unbuilt"


def build_and_send(runtime: Runtime, runner_id: str, month: Month, email: str) -> str:
    """The scheduled report of one runner: built and mailed once, whoever asks twice.
    Returns what happened: ``sent``, ``already_sent``, ``opted_out`` or ``deleted``."""
    with runtime.database.transaction() as session:
        outcome = _send_scheduled(session, runtime, runner_id, month, email, None)
    if outcome != UNBUILT:
        return outcome
    drafted = draft(runtime, runner_id, month)
    with runtime.database.transaction() as session:
        return _send_scheduled(session, runtime, runner_id, month, email, drafted)


def _send_scheduled(
    session: Session, runtime: Runtime, runner_id: str, month: Month, email: str,
    drafted: Draft | None,
) -> str:
    """Mail the stored report, or store ``drafted`` and mail it; ``UNBUILT`` when there is
    neither."""
    if not is_subscribed(session, runner_id):
        log.info("report.skipped_opted_out", runner_id=runner_id, month=str(month))
        return "opted_out"
    if not runtime.revocations.admits(session, runner_id):
        log.info("report.dropped_deleted_runner", runner_id=runner_id, month=str(month))
        return "deleted"
    existing = repository.get(session, runner_id, str(month), lock=True)
    if existing is not None and existing.sent_at is not None:
        log.info("report.already_sent", runner_id=runner_id, month=str(month))
        return "already_sent"
    if existing is None and drafted is None:
        return UNBUILT
    built = (
        Built(existing, None, created=False)
        if existing is not None
        else ensure_built(session, runtime, runner_id, month, drafted)
    )
    if built.report.sent_at is not None:  # another worker built and sent it meanwhile
        return "already_sent"
    _queue_mail(session, runtime, built.report, email, built.chart_png)
    log.info("report.sent", runner_id=runner_id, month=str(month))
    return "sent"


def send_again(runtime: Runtime, runner_id: str, month: Month, email: str) -> ReportRead:
    """Mail the runner's report of a past month on their request (built if needed)."""
    with runtime.database.transaction() as session:
        sent = _send_again(session, runtime, runner_id, month, email, None)
    if sent is not None:
        return sent
    drafted = draft(runtime, runner_id, month)
    with runtime.database.transaction() as session:
        sent = _send_again(session, runtime, runner_id, month, email, drafted)
    assert sent is not None  # stored now, or found stored
    return sent


def _send_again(
    session: Session, runtime: Runtime, runner_id: str, month: Month, email: str,
    drafted: Draft | None,
) -> ReportRead | None:
    """Mail the stored report, or store ``drafted`` and mail it; None when there is
    neither."""
    existing = repository.get(session, runner_id, str(month), lock=True)
    if existing is None and drafted is None:
        return None
    built = (
        Built(existing, None, created=False)
        if existing is not None
        else ensure_built(session, runtime, runner_id, month, drafted)
    )
    if not runtime.revocations.admits(session, runner_id):
        log.info("report.dropped_deleted_runner", runner_id=runner_id, month=str(month))
        raise RunnerGone("This runner's account has been deleted.")
    _queue_mail(session, runtime, built.report, email, built.chart_png)
    log.info("report.sent_again", runner_id=runner_id, month=str(month),
             send_count=built.report.send_count)
    return _read(built.report)


def queue_month(session: Session, runtime: Runtime, month: Month, accounts: list[Account]) -> int:
    """Ask for one build task per subscribed runner of ``accounts``; returns how many."""
    opted_out = repository.opted_out_among(session, (a.user_id for a in accounts))
    queued = 0
    for account in accounts:
        if account.user_id in opted_out:
            continue
        runtime.outbox.send_task(
            session,
            BUILD_TASK,
            {"runner_id": account.user_id, "month": str(month), "email": account.email},
            secret=True,
        )
        queued += 1
    return queued


# --- reading ------------------------------------------------------------------------------


def _summary_fields(report: Report) -> dict[str, Any]:
    totals = report.content.get("totals", {})
    return {
        "month": report.month,
        "status": report.status,
        "created_at": report.created_at,
        "sent_at": report.sent_at,
        "send_count": report.send_count,
        "has_runs": bool(report.content.get("has_runs")),
        "runs": int(totals.get("runs", 0)),
        "distance_m": float(totals.get("distance_m", 0.0)),
    }


def _read(report: Report) -> ReportRead:
    return ReportRead(
        **_summary_fields(report), content=ReportContent.model_validate(report.content)
    )


def list_reports(session: Session, runner_id: str, limit: int) -> ReportList:
    return ReportList(
        items=[ReportSummary(**_summary_fields(r))
               for r in repository.list_for(session, runner_id, limit)]
    )


def get_report(session: Session, runner_id: str, month: Month) -> ReportRead:
    report = repository.get(session, runner_id, str(month))
    if report is None:
        raise NotFound(f"No report of {month.label()} has been built.")
    return _read(report)


def get_pdf(session: Session, runner_id: str, month: Month) -> bytes:
    report = repository.get(session, runner_id, str(month), with_pdf=True)
    if report is None:
        raise NotFound(f"No report of {month.label()} has been built.")
    return report.pdf


# --- subscription -------------------------------------------------------------------------


def is_subscribed(session: Session, runner_id: str) -> bool:
    row = repository.subscription(session, runner_id)
    return row is None or row.subscribed


def get_subscription(session: Session, runner_id: str) -> SubscriptionRead:
    return SubscriptionRead(subscribed=is_subscribed(session, runner_id))


def set_subscription(
    session: Session, runtime: Runtime, runner_id: str, subscribed: bool
) -> SubscriptionRead:
    # A runner whose account is gone (the link outlives it) has nothing to keep a choice on.
    runtime.revocations.ensure_admitted(session, runner_id)
    repository.set_subscribed(session, runner_id, subscribed, runtime.now())
    log.info("report.subscription_changed", runner_id=runner_id, subscribed=subscribed)
    return SubscriptionRead(subscribed=subscribed)


def unsubscribe(session: Session, runtime: Runtime, token: str) -> SubscriptionRead:
    """Opt out the runner a mailed link names (no login: the link is signed)."""
    runner_id = tokens.verify(runtime.unsubscribe_key, token)
    return set_subscription(session, runtime, runner_id, False)


def forget_runner(session: Session, runner_id: str) -> None:
    deleted = repository.delete_for_runner(session, runner_id)
    log.info("report.runner_forgotten", runner_id=runner_id, reports=deleted)
