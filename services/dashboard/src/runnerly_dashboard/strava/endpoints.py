from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from runnerly_dashboard.deps import CallerDep, PeersDep
from runnerly_dashboard.problems import AUTHENTICATED, problem_responses
from runnerly_dashboard.strava import service
from runnerly_dashboard.strava.schemas import StravaCallbackQuery, StravaConnect, StravaStatus
from runnerly_kit.errors import PayloadTooLarge

router = APIRouter(prefix="/strava", tags=["strava"])
# A push event is a few hundred bytes; nothing bigger is Strava's.
MAX_WEBHOOK_BYTES = 16 * 1024


@router.get("/connect", responses=AUTHENTICATED)
def connect(caller: CallerDep, peers: PeersDep) -> StravaConnect:
    """The Strava page to send the runner to; it comes back to /api/strava/callback."""
    return service.connect(peers, caller)


@router.get("/callback", status_code=status.HTTP_303_SEE_OTHER, response_class=RedirectResponse,
            responses=AUTHENTICATED)
def callback(
    query: Annotated[StravaCallbackQuery, Query()], caller: CallerDep, peers: PeersDep
) -> RedirectResponse:
    """Where Strava sends the browser back: links the account (the state binds it to this
    runner), then redirects to /settings?strava=linked or ?strava=error&reason=..."""
    return RedirectResponse(service.finish_link(peers, caller, query),
                            status_code=status.HTTP_303_SEE_OTHER)


@router.get("", responses=AUTHENTICATED)
def get_status(caller: CallerDep, peers: PeersDep) -> StravaStatus:
    """The runner's Strava link and the progress of its sync."""
    return service.status(peers, caller)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               responses=problem_responses(401, 403, 404, 503))
def unlink(caller: CallerDep, peers: PeersDep) -> Response:
    """Unlink Strava: every run that came from it is deleted."""
    service.unlink(peers, caller)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhook", include_in_schema=True, responses=problem_responses(403, 503))
def validate_webhook(request: Request, peers: PeersDep) -> Response:
    """Strava's validation of the push subscription (public: Strava calls it)."""
    return _relay(service.forward_webhook(peers, "GET", list(request.query_params.multi_items()),
                                          None))


@router.post("/webhook", responses=problem_responses(413, 503))
async def receive_webhook(request: Request, peers: PeersDep) -> Response:
    """A Strava push event (public: Strava calls it); acknowledged once queued."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_WEBHOOK_BYTES:
            raise PayloadTooLarge(f"A webhook event is at most {MAX_WEBHOOK_BYTES} bytes.")
    answer = await run_in_threadpool(
        service.forward_webhook, peers, "POST", list(request.query_params.multi_items()), body
    )
    return _relay(answer)


def _relay(answer: httpx.Response) -> Response:
    return Response(answer.content, status_code=answer.status_code,
                    media_type=answer.headers.get("content-type", "application/json"))
