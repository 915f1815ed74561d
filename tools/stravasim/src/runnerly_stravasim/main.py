"""The app: ``uvicorn --factory runnerly_stravasim.main:create_app``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from runnerly_stravasim import admin, api, oauth
from runnerly_stravasim.clock import Clock, FakeClock, SystemClock
from runnerly_stravasim.config import Settings, get_settings
from runnerly_stravasim.faults import (
    RATE_LIMIT_BODY,
    StravaFault,
    app_inactive,
    fault_body,
    fault_handler,
)
from runnerly_stravasim.sim import Simulator

READ_METHODS = {"GET", "HEAD"}
API = "/api/v3"
# A suspended application is refused here too, not only on the API.
APP_OAUTH_PATHS = ("/oauth/token", "/oauth/revoke", "/oauth/deauthorize")


def _configure_logging(level: str) -> None:
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
    )


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    _configure_logging(settings.log_level)
    if clock is None:
        clock = FakeClock() if settings.fake_clock else SystemClock()
    simulator = Simulator(settings, clock)

    app = FastAPI(
        title="Strava API v3 simulator",
        description="Strava's OAuth, athlete, activities, streams, rate limits and webhooks "
        "for development and tests. /admin is the simulator's own, not Strava's.",
        version="0.1.0",
    )
    app.state.sim = simulator
    app.add_exception_handler(StravaFault, fault_handler)
    app.add_exception_handler(HTTPException, _http_fault)
    app.add_exception_handler(RequestValidationError, _invalid_fault)

    @app.middleware("http")
    async def rate_limits(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # The simulator has one application: every /api/v3 request counts against it, but
        # OAuth, which the official description also places under /api/v3/oauth.
        path = request.url.path
        oauth_path = path.removeprefix(API) if path.startswith(f"{API}/oauth/") else path
        response: Response
        if not oauth_path.startswith(API):
            if not simulator.app_active and oauth_path in APP_OAUTH_PATHS:
                response = _answer(app_inactive())
            else:
                response = await call_next(request)
        else:
            allowed, headers = simulator.limiter.hit(
                settings.client_id, request.method in READ_METHODS
            )
            if not allowed:
                response = JSONResponse(RATE_LIMIT_BODY, status_code=429)
            elif not simulator.app_active:
                response = _answer(app_inactive())
            elif simulator.fault is not None:
                response = _answer(simulator.fault)
            else:
                response = await call_next(request)
            response.headers.update(headers)
        route = request.scope.get("route")
        route_path = getattr(route, "path", None) or path
        simulator.counters[f"{request.method} {route_path}"] += 1
        return response

    @app.get("/health/live", include_in_schema=False)
    def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/health/ready", include_in_schema=False)
    def ready() -> dict[str, str]:
        simulator.anchor()
        return {"status": "ok"}

    app.include_router(oauth.router)
    # The official description's OAuth URLs (stravalib deauthorizes there too).
    app.include_router(oauth.router, prefix=API, include_in_schema=False)
    app.include_router(api.router)
    app.include_router(admin.router)
    return app


def _answer(fault: StravaFault) -> JSONResponse:
    return JSONResponse(fault.body(), status_code=fault.status)


async def _http_fault(request: Request, exc: Exception) -> JSONResponse:
    """An unknown route or a wrong method: still Strava's ``Fault``, never FastAPI's."""
    assert isinstance(exc, HTTPException)
    message = "Record Not Found" if exc.status_code == 404 else str(exc.detail)
    body = fault_body(message, "Path", request.url.path, "invalid")
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _invalid_fault(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"resource": "Request", "field": ".".join(str(part) for part in error["loc"][1:]),
         "code": "invalid"}
        for error in exc.errors()
    ]
    return JSONResponse({"message": "Bad Request", "errors": errors}, status_code=422)
