from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from runnerly_ingest.deps import Importer, Runner, RunReader, RuntimeDep, SessionDep
from runnerly_ingest.strava import service, streams, webhooks
from runnerly_ingest.strava.schemas import (
    CallbackRequest,
    ConnectRead,
    StravaStatus,
    StreamsRequested,
    WebhookAccepted,
    WebhookChallenge,
    WebhookEvent,
)
from runnerly_kit.errors import Forbidden

router = APIRouter(prefix="/strava", tags=["strava"])
NOT_LINKED: dict[int | str, dict[str, Any]] = {404: {"description": "Not linked to Strava."}}


@router.get("/connect")
def connect(session: SessionDep, runtime: RuntimeDep, runner: Importer) -> ConnectRead:
    """The Strava authorization URL to send the runner to (its state is bound to them)."""
    return service.connect(session, runtime, runner.sub, runtime.now())


@router.post("/callback")
def callback(body: CallbackRequest, runtime: RuntimeDep, runner: Runner) -> StravaStatus:
    """Finish linking: check the state, exchange the code, start the backfill."""
    return service.callback(runtime, runner.sub, body, runtime.now())


@router.get("")
def get_status(session: SessionDep, runtime: RuntimeDep, runner: RunReader) -> StravaStatus:
    """The runner's Strava link and sync progress."""
    return service.status(session, runtime.settings, runner.sub, runtime.now())


@router.delete("", status_code=204, responses=NOT_LINKED)
def unlink(runtime: RuntimeDep, runner: Runner) -> Response:
    """Unlink Strava: deauthorize, delete every Strava run, forget the tokens."""
    service.unlink(runtime, runner.sub)
    return Response(status_code=204)


@router.post("/streams/{activity_id}")
def request_streams(
    activity_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    session: SessionDep,
    runtime: RuntimeDep,
    runner: RunReader,
) -> StreamsRequested:
    """The runner opened one of their Strava runs: fetch its streams now if still to come."""
    return StreamsRequested(
        pending=streams.request_streams(session, runtime, runner.sub, activity_id)
    )


@router.get("/webhook", response_model=WebhookChallenge, response_model_by_alias=True)
def validate_subscription(
    runtime: RuntimeDep,
    mode: Annotated[str, Query(alias="hub.mode", max_length=20)],
    challenge: Annotated[str, Query(alias="hub.challenge", max_length=200)],
    verify_token: Annotated[str, Query(alias="hub.verify_token", max_length=200)],
) -> WebhookChallenge:
    """Strava's validation of the push subscription: echo the challenge."""
    if not webhooks.verify_subscription(runtime.settings, mode, verify_token):
        raise Forbidden("Wrong verify token.")
    return WebhookChallenge(hub_challenge=challenge)


@router.post("/webhook")
def receive_event(event: WebhookEvent, session: SessionDep, runtime: RuntimeDep) -> WebhookAccepted:
    """A Strava push event: queued for the worker, acknowledged at once."""
    accepted = webhooks.accept_event(session, runtime, event)
    return WebhookAccepted(status="accepted" if accepted else "ignored")
