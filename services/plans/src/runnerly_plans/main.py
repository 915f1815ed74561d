"""The plans API: ``uvicorn --factory runnerly_plans.main:create_app``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
from fastapi import FastAPI

from runnerly_kit.app import create_app as create_service_app
from runnerly_plans.config import Settings, get_settings
from runnerly_plans.plans.endpoints import router as plans_router
from runnerly_plans.runtime import build_runtime


def create_app(
    settings: Settings | None = None,
    *,
    peer_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The plans app; the transport and the clock stand in for the peers and the time
    (tests)."""
    settings = settings or get_settings()
    runtime = build_runtime(settings, peer_transport=peer_transport, clock=clock)

    app = create_service_app(
        settings,
        title="Runnerly plans",
        routers=[plans_router],
        runtime=runtime,
    )
    return app
