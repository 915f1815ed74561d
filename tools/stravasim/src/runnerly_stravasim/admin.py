"""The admin API: NOT Strava's. Simulator-only controls to drive scenarios (no auth)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from runnerly_stravasim import demo
from runnerly_stravasim.clock import FakeClock
from runnerly_stravasim.faults import StravaFault
from runnerly_stravasim.oauth import deauthorize_athlete
from runnerly_stravasim.sim import Simulator
from runnerly_stravasim.web import sim

router = APIRouter(prefix="/admin", tags=["simulator admin (not Strava)"])


class NewActivity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sport_type: str = "Run"
    name: str = ""
    distance: float | None = Field(default=None, gt=0, le=500_000)
    moving_time: int | None = Field(default=None, gt=0, le=200_000)
    average_speed: float | None = Field(default=None, gt=0, le=40)
    start: int | None = Field(default=None, description="epoch seconds (UTC); default: just now")
    trainer: bool = False
    has_heartrate: bool = True
    private: bool = False
    workout_type: int | None = None
    description: str = ""
    stops: int = Field(default=0, ge=0, le=20)


class ActivityChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    sport_type: str | None = None
    private: bool | None = None


class LimitChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit_15min: int | None = Field(default=None, ge=0)
    limit_daily: int | None = Field(default=None, ge=0)
    read_limit_15min: int | None = Field(default=None, ge=0)
    read_limit_daily: int | None = Field(default=None, ge=0)


class Deauthorization(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # False: the tokens are revoked but no event is sent (one lost on the way).
    event: bool = True


class AppChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    active: bool


_REASONS = {400: "Bad Request", 401: "Authorization Error", 403: "Forbidden",
            404: "Record Not Found", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}


class FaultChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: int = Field(ge=400, le=599)
    message: str = ""
    resource: str = "Application"
    field: str = ""
    code: str = "error"


class WebhookScenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Not delivered: the next N events, then a share of the others (spread evenly).
    drop_next: int | None = Field(default=None, ge=0, le=10_000)
    drop_share: float | None = Field(default=None, ge=0, le=1)
    # Every delivered event POSTed twice, as an at-least-once sender may.
    duplicate: bool | None = None


class ClockAdvance(BaseModel):
    seconds: float = Field(ge=0, le=366 * 86_400)


def _announce(
    simulator: Simulator,
    background: BackgroundTasks,
    object_type: str,
    object_id: int,
    aspect: str,
    updates: dict[str, str] | None = None,
) -> int | None:
    event_id = simulator.record_event(object_type, object_id, aspect, updates)
    if event_id is not None:
        background.add_task(simulator.deliver, event_id)
    return event_id


@router.post("/activities", status_code=201)
def create_activity(
    request: Request, body: NewActivity, background: BackgroundTasks
) -> JSONResponse:
    simulator = sim(request)
    summary = simulator.create_activity(body.model_dump(exclude_none=True))
    event_id = _announce(simulator, background, "activity", summary["id"], "create")
    return JSONResponse({"activity": summary, "event_id": event_id}, status_code=201)


@router.patch("/activities/{activity_id}")
def update_activity(
    request: Request, activity_id: int, body: ActivityChange, background: BackgroundTasks
) -> JSONResponse:
    simulator = sim(request)
    updates = simulator.update_activity(activity_id, body.model_dump(exclude_none=True))
    event_id = _announce(simulator, background, "activity", activity_id, "update", updates)
    return JSONResponse({"updates": updates, "event_id": event_id})


@router.delete("/activities/{activity_id}")
def delete_activity(
    request: Request, activity_id: int, background: BackgroundTasks
) -> JSONResponse:
    simulator = sim(request)
    simulator.delete_activity(activity_id)
    event_id = _announce(simulator, background, "activity", activity_id, "delete")
    return JSONResponse({"deleted": activity_id, "event_id": event_id})


@router.post("/deauthorize")
def deauthorize(
    request: Request, background: BackgroundTasks, body: Deauthorization | None = None
) -> JSONResponse:
    simulator = sim(request)
    event = body.event if body is not None else True
    had_tokens, event_id = deauthorize_athlete(
        simulator, demo.ATHLETE_ID, background, event=event
    )
    return JSONResponse(
        {"athlete_id": demo.ATHLETE_ID, "revoked": had_tokens, "event_id": event_id}
    )


@router.post("/tokens/expire")
def expire_tokens(request: Request) -> JSONResponse:
    return JSONResponse({"expired": sim(request).expire_access_tokens()})


@router.put("/app")
def set_app(request: Request, body: AppChange) -> JSONResponse:
    simulator = sim(request)
    simulator.app_active = body.active
    return JSONResponse({"active": simulator.app_active})


@router.put("/fault")
def set_fault(request: Request, body: FaultChange) -> JSONResponse:
    simulator = sim(request)
    simulator.fault = StravaFault(
        body.status, body.message or _REASONS.get(body.status, "Error"), body.resource,
        body.field, body.code,
    )
    return JSONResponse({"fault": {"status": body.status, **simulator.fault.body()}})


@router.delete("/fault")
def clear_fault(request: Request) -> JSONResponse:
    sim(request).fault = None
    return JSONResponse({"fault": None})


@router.put("/webhooks")
def set_webhooks(request: Request, body: WebhookScenario) -> JSONResponse:
    return JSONResponse(sim(request).set_webhook_scenario(**body.model_dump()))


@router.delete("/webhooks")
def clear_webhooks(request: Request) -> JSONResponse:
    scenario = sim(request).set_webhook_scenario(drop_next=0, drop_share=0.0, duplicate=False)
    return JSONResponse(scenario)


@router.post("/ratelimit/reset")
def reset_rate_limits(request: Request) -> JSONResponse:
    simulator = sim(request)
    simulator.limiter.reset()
    return JSONResponse(simulator.limiter.headers(simulator.settings.client_id))


@router.put("/ratelimit")
def set_rate_limits(request: Request, body: LimitChange) -> JSONResponse:
    limits = sim(request).limiter.limits
    if body.limit_15min is not None:
        limits.overall_15min = body.limit_15min
    if body.limit_daily is not None:
        limits.overall_daily = body.limit_daily
    if body.read_limit_15min is not None:
        limits.read_15min = body.read_limit_15min
    if body.read_limit_daily is not None:
        limits.read_daily = body.read_limit_daily
    return JSONResponse(vars(limits))


@router.post("/clock/advance")
def advance_clock(request: Request, body: ClockAdvance) -> JSONResponse:
    clock = sim(request).clock
    if not isinstance(clock, FakeClock):
        raise StravaFault(409, "Conflict", "Clock", "fake_clock", "disabled")
    return JSONResponse({"now": clock.advance(body.seconds)})


@router.get("/counters")
def counters(request: Request) -> JSONResponse:
    simulator = sim(request)
    usage = simulator.limiter.usage(simulator.settings.client_id)
    body: dict[str, Any] = {
        "now": simulator.clock.now(),
        "requests": dict(sorted(simulator.counters.items())),
        "rate_limit": {"limits": vars(simulator.limiter.limits), "usage": vars(usage)},
    }
    return JSONResponse(body)


@router.get("/events")
def events(request: Request) -> JSONResponse:
    return JSONResponse(sim(request).events())
