"""Strava's API v3 (the part Runnerly reads) and push subscriptions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from runnerly_stravasim import demo
from runnerly_stravasim.faults import StravaFault, bad_request, not_found
from runnerly_stravasim.sim import RESOLUTIONS
from runnerly_stravasim.web import bearer, int_param, params, sim, truthy

router = APIRouter(prefix="/api/v3")
MAX_PER_PAGE = 200


@router.get("/athlete")
def get_athlete(request: Request) -> JSONResponse:
    simulator = sim(request)
    simulator.authenticate(bearer(request))
    return JSONResponse(simulator.athlete())


@router.get("/athlete/activities")
def list_activities(request: Request) -> JSONResponse:
    simulator = sim(request)
    token = simulator.authenticate(bearer(request))
    simulator.require_activity_scope(token)
    values = dict(request.query_params)
    page = int_param(values, "page", 1) or 1
    per_page = int_param(values, "per_page", 30)
    per_page = 30 if per_page is None or per_page < 1 else min(per_page, MAX_PER_PAGE)
    rows = simulator.list_activities(
        token, int_param(values, "before"), int_param(values, "after"), max(1, page), per_page
    )
    return JSONResponse(rows)


def _activity_id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise StravaFault(404, "Record Not Found", "Activity", "id", "invalid") from exc


@router.get("/activities/{activity_id}")
def get_activity(request: Request, activity_id: str) -> JSONResponse:
    simulator = sim(request)
    token = simulator.authenticate(bearer(request))
    simulator.require_activity_scope(token)
    return JSONResponse(simulator.detail(token, _activity_id(activity_id)))


@router.get("/activities/{activity_id}/streams")
def get_streams(request: Request, activity_id: str) -> JSONResponse:
    simulator = sim(request)
    token = simulator.authenticate(bearer(request))
    simulator.require_activity_scope(token)
    query = request.query_params
    keys = [k.strip() for k in query.get("keys", "").split(",") if k.strip()]
    key_by_type = truthy(query.get("key_by_type", "false"))
    # Not in the official description, yet Strava honours them (stravalib sends them).
    resolution = query.get("resolution") or None
    if resolution is not None and resolution not in RESOLUTIONS:
        raise bad_request("Stream", "resolution")
    series_type = query.get("series_type") or None
    if series_type is not None and series_type not in {"time", "distance"}:
        raise bad_request("Stream", "series_type")
    return JSONResponse(
        simulator.streams(
            token, _activity_id(activity_id), keys, key_by_type, resolution, series_type
        )
    )


@router.get("/activities/{activity_id}/laps")
def get_laps(request: Request, activity_id: str) -> JSONResponse:
    simulator = sim(request)
    token = simulator.authenticate(bearer(request))
    simulator.require_activity_scope(token)
    return JSONResponse(simulator.laps(token, _activity_id(activity_id)))


@router.get("/activities/{activity_id}/zones")
def get_activity_zones(request: Request, activity_id: str) -> JSONResponse:
    simulator = sim(request)
    token = simulator.authenticate(bearer(request))
    simulator.require_activity_scope(token)
    return JSONResponse(simulator.activity_zones(token, _activity_id(activity_id)))


@router.get("/athlete/zones")
def get_athlete_zones(request: Request) -> JSONResponse:
    simulator = sim(request)
    return JSONResponse(simulator.athlete_zones(simulator.authenticate(bearer(request))))


@router.get("/athletes/{athlete_id}/stats")
def get_stats(request: Request, athlete_id: str) -> JSONResponse:
    simulator = sim(request)
    token = simulator.authenticate(bearer(request))
    try:
        wanted = int(athlete_id)
    except ValueError as exc:
        raise not_found("Athlete") from exc
    return JSONResponse(simulator.stats(token, wanted))


@router.get("/gear/{gear_id}")
def get_gear(request: Request, gear_id: str) -> JSONResponse:
    simulator = sim(request)
    return JSONResponse(simulator.gear(simulator.authenticate(bearer(request)), gear_id))


# --- Push subscriptions (application credentials, form-encoded as Strava requires) ---------


def _subscription_json(row: Any, application_id: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "resource_state": 2,
        "application_id": int(application_id) if application_id.isdigit() else application_id,
        "callback_url": row.callback_url,
        "created_at": demo.iso(row.created_at),
        "updated_at": demo.iso(row.updated_at),
    }


def _check_app(request: Request, values: dict[str, str]) -> None:
    simulator = sim(request)
    if (
        values.get("client_id") != simulator.settings.client_id
        or values.get("client_secret") != simulator.settings.client_secret
    ):
        raise StravaFault(401, "Authorization Error", "Application", "client_id", "invalid")


@router.post("/push_subscriptions", status_code=201)
async def create_push_subscription(request: Request) -> JSONResponse:
    values = await params(request, allow_json=False)
    _check_app(request, values)
    callback_url = values.get("callback_url", "")
    if not callback_url.startswith(("http://", "https://")):
        raise bad_request("PushSubscription", "callback_url", "invalid")
    verify_token = values.get("verify_token", "")
    if not verify_token:
        raise bad_request("PushSubscription", "verify_token", "missing")
    simulator = sim(request)
    # The callback check is a blocking GET: run it off the event loop.
    row = await run_in_threadpool(simulator.create_subscription, callback_url, verify_token)
    return JSONResponse({"id": row.id}, status_code=201)


@router.get("/push_subscriptions")
async def list_subscriptions(request: Request) -> JSONResponse:
    values = await params(request, allow_json=False)
    _check_app(request, values)
    simulator = sim(request)
    row = simulator.subscription()
    rows = [] if row is None else [_subscription_json(row, simulator.settings.client_id)]
    return JSONResponse(rows)


@router.delete("/push_subscriptions/{subscription_id}", status_code=204)
async def delete_subscription(request: Request, subscription_id: int) -> Response:
    values = await params(request, allow_json=False)
    _check_app(request, values)
    sim(request).delete_subscription(subscription_id)
    return Response(status_code=204)
