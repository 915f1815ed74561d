"""The web app's place: "/" and everything not under /api.

The single-page app is built separately; point ``RUNNERLY_DASHBOARD_WEB_DIR`` at its build
and it is served here. It must be mounted last, after every API route.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from runnerly_dashboard.config import Settings


def mount_web(app: FastAPI, settings: Settings) -> None:
    if settings.web_dir is not None and (settings.web_dir / "index.html").is_file():
        app.mount("/", StaticFiles(directory=settings.web_dir, html=True), name="web")
        return

    @app.get("/", include_in_schema=False)
    def placeholder() -> JSONResponse:
        return JSONResponse(
            {"service": "Runnerly dashboard", "api": "/api", "docs": "/api/docs"}
        )
