from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse

from runnerly_dashboard.deps import CallerDep, IfNoneMatchDep, PeersDep, SettingsDep
from runnerly_dashboard.peers import cached
from runnerly_dashboard.problems import conditional_read_responses, problem_responses
from runnerly_dashboard.reports import page, service
from runnerly_dashboard.reports.schemas import (
    ReportList,
    ReportRead,
    SubscriptionRead,
    SubscriptionUpdate,
)

router = APIRouter(prefix="/reports", tags=["reports"])

MonthPath = Annotated[
    str, Path(pattern=r"^\d{4}-\d{2}$", description="The month, YYYY-MM.", examples=["2026-10"])
]
TokenQuery = Annotated[
    str, Query(min_length=1, max_length=300,
               description="The signed token of the mailed unsubscribe link.")
]


@router.get("", response_model=ReportList, responses=conditional_read_responses(401, 403, 503))
def list_reports(
    caller: CallerDep,
    peers: PeersDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=240, description="Reports, newest first.")] = 24,
    if_none_match: IfNoneMatchDep = None,
) -> ReportList | Response:
    """The runner's monthly reports, newest first."""
    return cached(service.list_reports(peers, caller, limit, if_none_match), response)


@router.get("/subscription", response_model=SubscriptionRead,
            responses=problem_responses(401, 403, 503))
def get_subscription(caller: CallerDep, peers: PeersDep) -> SubscriptionRead:
    """Whether the runner receives the monthly report by mail."""
    return service.get_subscription(peers, caller)


@router.put("/subscription", response_model=SubscriptionRead,
            responses=problem_responses(401, 403, 503))
def put_subscription(
    body: SubscriptionUpdate, caller: CallerDep, peers: PeersDep
) -> SubscriptionRead:
    """Opt out of the monthly mail, or back in."""
    return service.put_subscription(peers, caller, body)


_PAGE_HEADERS = {"Cache-Control": "no-store"}


@router.get(
    "/unsubscribe",
    response_class=HTMLResponse,
    responses={
        200: {"description": "A page with one button that posts this link to unsubscribe."},
        **problem_responses(),
    },
)
def unsubscribe_page(request: Request, token: TokenQuery, settings: SettingsDep) -> HTMLResponse:
    """The mailed link: a page asking to confirm (opening it changes nothing, since mail
    scanners open every link), whose button posts the same link."""
    confirm = page.confirm(f"{request.url.path}?{urlencode({'token': token})}")
    return HTMLResponse(page.render(confirm, page.stylesheets(settings)), headers=_PAGE_HEADERS)


@router.post(
    "/unsubscribe",
    response_model=SubscriptionRead,
    responses={
        200: {"content": {"text/html": {}},
              "description": "The subscription; a page saying so to a browser's form."},
        400: {"content": {"text/html": {}},
              "description": "To a browser's form: a page saying the link is not valid."},
        503: {"content": {"text/html": {}},
              "description": "To a browser's form: a page asking to try again later."},
        **problem_responses(503),
    },
)
def unsubscribe(
    request: Request, token: TokenQuery, peers: PeersDep, settings: SettingsDep
) -> SubscriptionRead | HTMLResponse:
    """Opt out without logging in (the link is signed). Mail clients post the mail's
    List-Unsubscribe link (RFC 8058 one-click) and get JSON; the confirmation page's button
    posts it from a browser, which asks for HTML, and gets a page."""
    if "text/html" not in request.headers.get("accept", ""):
        return service.unsubscribe(peers, token)
    shown = service.unsubscribe_page(peers, token)
    return HTMLResponse(page.render(shown, page.stylesheets(settings)), status_code=shown.status,
                        headers=_PAGE_HEADERS)


@router.get(
    "/{month}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF."},
               **problem_responses(401, 403, 404, 503)},
)
def get_pdf(month: MonthPath, caller: CallerDep, peers: PeersDep) -> Response:
    """The report of the month as a PDF."""
    return Response(
        service.get_pdf(peers, caller, month),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="runnerly-report-{month}.pdf"',
                 "Cache-Control": "private, no-cache"},
    )


@router.get("/{month}", response_model=ReportRead,
            responses=conditional_read_responses(401, 403, 404, 503))
def get_report(
    month: MonthPath,
    caller: CallerDep,
    peers: PeersDep,
    response: Response,
    if_none_match: IfNoneMatchDep = None,
) -> ReportRead | Response:
    """The report of the month, its figures."""
    return cached(service.get_report(peers, caller, month, if_none_match), response)


@router.post("/{month}/send", status_code=status.HTTP_202_ACCEPTED, response_model=ReportRead,
             responses=problem_responses(401, 403, 409, 503))
def send_report(month: MonthPath, caller: CallerDep, peers: PeersDep) -> ReportRead:
    """Mail the report of a past month again (built first if it was not)."""
    return service.send_report(peers, caller, month)
