"""The app: ``uvicorn --factory runnerly_stravasim.main:create_app``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from runnerly_stravasim import admin, api, oauth
from runnerly_stravasim.clock import Clock, FakeClock, SystemClock
from runnerly_stravasim.config import Settings, get_settings
from runnerly_stravasim.faults import RATE_LIMIT_BODY, StravaFault, fault_handler
from runnerly_stravasim.sim import Simulator

READ_METHODS = {"GET", "HEAD"}


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

    @app.middleware("http")
    async def rate_limits(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # The simulator has one application: every /api/v3 request counts against it.
        if not request.url.path.startswith("/api/v3"):
            response = await call_next(request)
        else:
            allowed, headers = simulator.limiter.hit(
                settings.client_id, request.method in READ_METHODS
            )
            if allowed:
                response = await call_next(request)
            else:
                response = JSONResponse(RATE_LIMIT_BODY, status_code=429)
            response.headers.update(headers)
        route = request.scope.get("route")
        path = getattr(route, "path", None) or request.url.path
        simulator.counters[f"{request.method} {path}"] += 1
        return response

    @app.get("/health/live", include_in_schema=False)
    def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/health/ready", include_in_schema=False)
    def ready() -> dict[str, str]:
        simulator.anchor()
        return {"status": "ok"}

    app.include_router(oauth.router)
    app.include_router(api.router)
    app.include_router(admin.router)
    return app
