"""Strava linking is ingest's; the dashboard passes the runner's token on, turns Strava's
browser redirect into ingest's callback, and forwards Strava's webhook calls verbatim."""

from __future__ import annotations

import re

import httpx
import structlog

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.peers import PeerProblem, Peers, call, parse
from runnerly_dashboard.strava.schemas import StravaCallbackQuery, StravaConnect, StravaStatus
from runnerly_kit.errors import ServiceUnavailable

log = structlog.get_logger()

SETTINGS_PAGE = "/settings"
_REASON = re.compile(r"[^a-z0-9_]+")


def connect(peers: Peers, caller: Caller) -> StravaConnect:
    response = call(peers.ingest, "GET", "/strava/connect", token=caller.access_token)
    return parse(response, StravaConnect, "ingest")


def status(peers: Peers, caller: Caller) -> StravaStatus:
    response = call(peers.ingest, "GET", "/strava", token=caller.access_token)
    return parse(response, StravaStatus, "ingest")


def unlink(peers: Peers, caller: Caller) -> None:
    call(peers.ingest, "DELETE", "/strava", token=caller.access_token)


def finish_link(peers: Peers, caller: Caller, query: StravaCallbackQuery) -> str:
    """Where to send the browser back: the settings page, saying how linking went."""
    if query.error or not query.code or not query.state:
        return _back("error", _reason(query.error or "missing_code"))
    try:
        call(peers.ingest, "POST", "/strava/callback", token=caller.access_token,
             json={"code": query.code, "state": query.state, "scope": query.scope or ""})
    except PeerProblem as exc:
        log.info("strava.link_refused", status=exc.status, detail=exc.detail)
        reason = {400: "refused", 403: "wrong_account", 409: "already_linked"}.get(
            exc.status, "refused"
        )
        return _back("error", reason)
    except ServiceUnavailable:
        return _back("error", "unavailable")
    return _back("linked")


def _reason(text: str) -> str:
    return _REASON.sub("_", text.lower())[:40] or "error"


def _back(outcome: str, reason: str | None = None) -> str:
    query = {"strava": outcome, **({"reason": reason} if reason else {})}
    return f"{SETTINGS_PAGE}?{httpx.QueryParams(query)}"


def forward_webhook(
    peers: Peers, method: str, params: list[tuple[str, str]], body: bytes | None
) -> httpx.Response:
    """Strava's call as it came (validation GET or event POST); ingest answers it."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    return peers.ingest.request(method, "/strava/webhook", params=params, content=body,
                                headers=headers)
