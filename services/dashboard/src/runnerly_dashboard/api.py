"""The public /api: the product's contract for the browser app and for scripts."""

from __future__ import annotations

from fastapi import APIRouter

from runnerly_dashboard.auth.endpoints import router as auth_router
from runnerly_dashboard.devmail.endpoints import router as devmail_router
from runnerly_dashboard.health.endpoints import router as health_router
from runnerly_dashboard.imports.endpoints import router as imports_router
from runnerly_dashboard.me.endpoints import router as me_router
from runnerly_dashboard.plans.endpoints import router as plans_router
from runnerly_dashboard.races.endpoints import router as races_router
from runnerly_dashboard.reports.endpoints import router as reports_router
from runnerly_dashboard.runs.endpoints import router as runs_router
from runnerly_dashboard.stats.endpoints import router as stats_router
from runnerly_dashboard.strava.endpoints import router as strava_router

API_PREFIX = "/api"


def api_router(*, dev_mail: bool) -> APIRouter:
    """Every domain's routes; the development mailbox only where it is served, so that
    elsewhere it does not exist, not even in the contract."""
    router = APIRouter(prefix=API_PREFIX)
    for domain in (
        auth_router,
        me_router,
        imports_router,
        runs_router,
        strava_router,
        stats_router,
        races_router,
        plans_router,
        reports_router,
        health_router,
    ):
        router.include_router(domain)
    if dev_mail:
        router.include_router(devmail_router)
    return router
