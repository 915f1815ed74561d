"""The dataservice API: ``uvicorn --factory runnerly_dataservice.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from runnerly_dataservice.config import Settings, get_settings
from runnerly_dataservice.profiles.endpoints import router as profile_router
from runnerly_dataservice.races.endpoints import router as races_router
from runnerly_dataservice.records.endpoints import router as records_router
from runnerly_dataservice.runs.endpoints import router as runs_router
from runnerly_dataservice.runtime import build_runtime
from runnerly_dataservice.stats.endpoints import router as stats_router
from runnerly_kit.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    runtime = build_runtime(settings)
    app = create_service_app(
        settings,
        title="Runnerly dataservice",
        routers=[profile_router, runs_router, races_router, stats_router, records_router],
        runtime=runtime,
    )
    return app
