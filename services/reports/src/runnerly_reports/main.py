"""The reports API: ``uvicorn --factory runnerly_reports.main:create_app``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
from fastapi import FastAPI

from runnerly_kit.app import create_app as create_service_app
from runnerly_reports.config import Settings, get_settings
from runnerly_reports.reports.endpoints import router as reports_router
from runnerly_reports.runtime import build_runtime


def create_app(
    settings: Settings | None = None,
    *,
    peer_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The reports app; the transport and the clock stand in for the peers and the time
    (tests)."""
    settings = settings or get_settings()
    runtime = build_runtime(settings, peer_transport=peer_transport, clock=clock)

    app = create_service_app(
        settings,
        title="Runnerly reports",
        routers=[reports_router],
        runtime=runtime,
    )
    return app
