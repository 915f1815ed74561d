"""The ingest API: ``uvicorn --factory runnerly_ingest.main:create_app``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import structlog
from fastapi import FastAPI
from prometheus_client import REGISTRY, Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from runnerly_ingest.config import Settings, get_settings
from runnerly_ingest.imports.endpoints import router as imports_router
from runnerly_ingest.runtime import Runtime, build_runtime
from runnerly_ingest.strava import calls as strava_calls
from runnerly_ingest.strava.endpoints import router as strava_router
from runnerly_kit.app import create_app as create_service_app

log = structlog.get_logger()

STRAVA_APP_REFUSED = Gauge(
    "runnerly_strava_app_refused",
    "1 while Strava refuses the application (suspended, failing, not answering): the sync "
    "is paused and nothing is deleted.",
)



class StravaBudget(Collector):
    """Strava's rate limits (15-minute window and day, all requests and reads), as used and
    as the limit, read from the shared budget row at each scrape: the workers spend it,
    this process serves /metrics."""

    runtime: Runtime | None = None

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(self._families())

    def collect(self) -> Iterator[GaugeMetricFamily]:
        used, limit = self._families()
        try:
            usage = strava_calls.budget_usage(self.runtime) if self.runtime else []
        except Exception:  # the database is down: readiness says so
            usage = []
        for window, scope, spent, most in usage:
            used.add_metric([window, scope], spent)
            limit.add_metric([window, scope], most)
        yield from (used, limit)

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, GaugeMetricFamily]:
        return (
            GaugeMetricFamily(
                "runnerly_strava_requests_used",
                "Requests to Strava counted against a rate limit in its current window.",
                labels=["window", "scope"],
            ),
            GaugeMetricFamily(
                "runnerly_strava_requests_limit",
                "Strava's rate limit (as its last answer reported it) per window.",
                labels=["window", "scope"],
            ),
        )


STRAVA_BUDGET = StravaBudget()
REGISTRY.register(STRAVA_BUDGET)


def create_app(
    settings: Settings | None = None,
    *,
    strava_transport: httpx.BaseTransport | None = None,
    peer_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The ingest app; the transports and the clock stand in for Strava, the peers and the
    time (tests)."""
    settings = settings or get_settings()
    runtime = build_runtime(
        settings, strava_transport=strava_transport, peer_transport=peer_transport, clock=clock
    )

    def started(_: FastAPI) -> None:
        announce_mode(runtime)

    app = create_service_app(
        settings,
        title="Runnerly ingest",
        routers=[strava_router, imports_router],
        runtime=runtime,
        on_startup=started,
        readiness_notes={"strava": lambda: strava_calls.readiness_note(runtime)},
    )
    # Read from the shared row at each scrape: the workers meet the refusals, this process
    # serves /metrics.
    STRAVA_APP_REFUSED.set_function(lambda: _or_nan(strava_calls.app_refused, runtime))
    STRAVA_BUDGET.runtime = runtime
    return app


def announce_mode(runtime: Runtime) -> None:
    settings = runtime.settings
    if settings.demo_mode:
        log.info("strava.demo_mode", simulator=settings.strava_api_url,
                 message="Demo mode: Strava is the built-in simulator, not strava.com.")
    else:
        log.info("strava.live", api=settings.strava_api_url)


def _or_nan(read: Callable[[Runtime], float], runtime: Runtime) -> float:
    try:
        return read(runtime)
    except Exception:  # the database is down: readiness says so
        return float("nan")
