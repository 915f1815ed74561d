from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status

from runnerly_kit.auth import bearer_token
from runnerly_kit.caching import ConditionalRoute
from runnerly_reports.deps import ReportReader, ReportWriter, RuntimeDep, SessionDep
from runnerly_reports.reports import service
from runnerly_reports.reports.schemas import (
    ReportList,
    ReportRead,
    SubscriptionRead,
    SubscriptionUpdate,
)
from runnerly_reports.reports.tokens import MAX_TOKEN_LENGTH

router = APIRouter(prefix="/reports", tags=["reports"], route_class=ConditionalRoute)

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
MonthPath = Annotated[
    str, Path(pattern=r"^\d{4}-\d{2}$", description="The month, YYYY-MM.", examples=["2026-10"])
]
TokenQuery = Annotated[
    str, Query(min_length=1, max_length=MAX_TOKEN_LENGTH,
               description="The signed token of the mailed unsubscribe link.")
]
NOT_BUILT: dict[int | str, dict[str, Any]] = {
    404: {**PROBLEM, "description": "No report of that month has been built."}
}
@router.get("", response_model=ReportList)
def list_reports(
    runner: ReportReader,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=240, description="Reports, newest first.")] = 24,
) -> ReportList:
    """The runner's monthly reports, newest first."""
    return service.list_reports(session, runner.sub, limit)


@router.get("/subscription", response_model=SubscriptionRead)
def get_subscription(runner: ReportReader, session: SessionDep) -> SubscriptionRead:
    """Whether the runner receives the monthly report by mail."""
    return service.get_subscription(session, runner.sub)


@router.put("/subscription", response_model=SubscriptionRead)
def put_subscription(
    body: SubscriptionUpdate, runner: ReportWriter, session: SessionDep, runtime: RuntimeDep
) -> SubscriptionRead:
    """Opt out of the monthly mail, or back in."""
    return service.set_subscription(session, runtime, runner.sub, body.subscribed)


@router.post("/unsubscribe", response_model=SubscriptionRead,
             responses={400: {**PROBLEM, "description": "The link is not valid."}})
def unsubscribe(token: TokenQuery, session: SessionDep, runtime: RuntimeDep) -> SubscriptionRead:
    """Opt out without logging in (the token is signed): the mail client's one-click post
    (RFC 8058), or the button of the dashboard's page behind the mailed link. There is no
    GET: mail scanners open every link, and would opt the runner out unasked."""
    return service.unsubscribe(session, runtime, token)


@router.get(
    "/{month}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF."},
               **NOT_BUILT},
)
def get_pdf(month: MonthPath, runner: ReportReader, session: SessionDep) -> Response:
    """The report of the month as a PDF."""
    pdf = service.get_pdf(session, runner.sub, service.parse_month(month))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="runnerly-report-{month}.pdf"'},
    )


@router.get("/{month}", response_model=ReportRead, responses=NOT_BUILT)
def get_report(month: MonthPath, runner: ReportReader, session: SessionDep) -> ReportRead:
    """The report of the month, its figures as JSON."""
    return service.get_report(session, runner.sub, service.parse_month(month))


@router.post(
    "/{month}/send",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReportRead,
    responses={409: {**PROBLEM, "description": "The month has not ended yet."},
               503: {**PROBLEM, "description": "A peer service is unavailable."}},
)
def send_report(
    month: MonthPath,
    runner: ReportWriter,
    request: Request,
    runtime: RuntimeDep,
) -> ReportRead:
    """Mail the report of a past month again (built first if it was not)."""
    # No request session: the service reads the peers between short transactions of its own.
    parsed = service.parse_month(month)
    email = runtime.tokendealer.email_of(bearer_token(request))
    return service.send_again(runtime, runner.sub, parsed, email)
