from __future__ import annotations

import structlog

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.peers import Fetched, PeerProblem, Peers, call, fetch, parse
from runnerly_dashboard.reports.page import INVALID_LINK, UNAVAILABLE, UNSUBSCRIBED, Page
from runnerly_dashboard.reports.schemas import (
    ReportList,
    ReportRead,
    SubscriptionRead,
    SubscriptionUpdate,
)
from runnerly_kit.errors import ServiceUnavailable

log = structlog.get_logger()


def list_reports(peers: Peers, caller: Caller, limit: int, if_none_match: str | None
                 ) -> Fetched[ReportList]:
    return fetch(peers.reports, "/reports", ReportList, token=caller.access_token,
                 if_none_match=if_none_match, params={"limit": limit})


def get_report(peers: Peers, caller: Caller, month: str, if_none_match: str | None
               ) -> Fetched[ReportRead]:
    return fetch(peers.reports, f"/reports/{month}", ReportRead, token=caller.access_token,
                 if_none_match=if_none_match)


def get_pdf(peers: Peers, caller: Caller, month: str) -> bytes:
    return call(peers.reports, "GET", f"/reports/{month}.pdf", token=caller.access_token).content


def send_report(peers: Peers, caller: Caller, month: str) -> ReportRead:
    response = call(peers.reports, "POST", f"/reports/{month}/send", token=caller.access_token)
    return parse(response, ReportRead, "reports")


def get_subscription(peers: Peers, caller: Caller) -> SubscriptionRead:
    response = call(peers.reports, "GET", "/reports/subscription", token=caller.access_token)
    return parse(response, SubscriptionRead, "reports")


def put_subscription(peers: Peers, caller: Caller, body: SubscriptionUpdate) -> SubscriptionRead:
    response = call(peers.reports, "PUT", "/reports/subscription", token=caller.access_token,
                    json=body.model_dump())
    return parse(response, SubscriptionRead, "reports")


def unsubscribe_page(peers: Peers, token: str) -> Page:
    """Opt out the runner a mailed link names; what to tell the person who followed it."""
    try:
        unsubscribe(peers, token)
    except PeerProblem as problem:
        log.info("reports.unsubscribe_refused", status=problem.status)
        return INVALID_LINK
    except ServiceUnavailable:
        return UNAVAILABLE
    return UNSUBSCRIBED


def unsubscribe(peers: Peers, token: str) -> SubscriptionRead:
    response = call(peers.reports, "POST", "/reports/unsubscribe", params={"token": token})
    return parse(response, SubscriptionRead, "reports")
