"""The web app's place: "/" and everything not under /api.

The single-page app (``services/dashboard/web``) is built into ``web_dist/`` inside this
package, so the wheel ships it; ``RUNNERLY_DASHBOARD_WEB_DIR`` points elsewhere. Hashed
files under ``/assets`` are cached for good; every other path the app routes itself
(``/runs/12``, ``/confirm?token=...``) gets ``index.html``, never cached, with the
settings the app reads from its ``<meta>`` tags (the map's tile server) written in. Paths under
``/api`` keep answering as the API does: a problem, 404 or 405. It must be mounted last,
after every API route.
"""

from __future__ import annotations

import html
import re
from functools import partial
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Match

from runnerly_dashboard.api import API_PREFIX
from runnerly_dashboard.config import Settings
from runnerly_kit.errors import NotFound, RunnerlyError

PACKAGED_WEB_DIR = Path(__file__).parent / "web_dist"
ASSETS = "assets"
# Vite names every file under assets/ after its content: a new build is a new name.
IMMUTABLE = "public, max-age=31536000, immutable"
# The page that names the current assets must be revalidated on every load.
NO_CACHE = "no-cache"
# The services' metrics path, which the public port does not serve (RUNNERLY_DASHBOARD_METRICS
# turns the dashboard's own on, as a route of its own ahead of this one).
METRICS = "metrics"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class MethodNotAllowed(RunnerlyError):
    status, title = 405, "Method not allowed"


def web_dir(settings: Settings) -> Path | None:
    """The built app to serve: the setting, else the packaged build; None when not built."""
    directory = settings.web_dir or PACKAGED_WEB_DIR
    return directory if (directory / "index.html").is_file() else None


def mount_web(app: FastAPI, settings: Settings) -> None:
    directory = web_dir(settings)
    if directory is None:

        @app.get("/", include_in_schema=False)
        def placeholder() -> JSONResponse:
            return JSONResponse(
                {"service": "Runnerly dashboard", "api": "/api", "docs": "/api/docs"}
            )

        return

    root = directory.resolve()

    @app.api_route("/{path:path}", methods=ALL_METHODS, include_in_schema=False)
    def web_app(path: str, request: Request) -> Response:
        if f"/{path}" == API_PREFIX or path.startswith(API_PREFIX.lstrip("/") + "/"):
            _refuse_api_path(request)
        if path == METRICS:
            # Not a page of the app: a scraper (or a curious visitor) gets a plain 404.
            raise NotFound("Metrics are not served on the public port.")
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed("The web app's pages are only read.")
        file = (root / path).resolve()
        # Dot files (the build's stamp) are the build's business, not the browser's.
        if path and file.is_file() and file.is_relative_to(root) and not file.name.startswith("."):
            in_assets = file.is_relative_to(root / ASSETS)
            cache = IMMUTABLE if in_assets else NO_CACHE
            return FileResponse(file, headers={"Cache-Control": cache})
        if path.startswith(f"{ASSETS}/"):
            # A missing asset is an old page asking for a past build's file: no page here.
            raise NotFound("No such file.")
        return HTMLResponse(
            _with_settings((root / "index.html").read_text(encoding="utf-8"), settings),
            headers={"Cache-Control": NO_CACHE},
        )


def _with_settings(page: str, settings: Settings) -> str:
    """The page with the operator's settings in its ``<meta>`` tags: the map's tile server
    and credit (a self-hosted tile server is a setting, not a build)."""
    for name, value in (
        ("runnerly-map-tiles", settings.tile_url),
        ("runnerly-map-attribution", settings.tile_attribution),
    ):
        # A function, not a replacement string: the value's backslashes stay as they are.
        escaped = html.escape(value, quote=True)
        page = re.sub(
            rf'(<meta name="{name}" content=")[^"]*(")',
            partial(_between, escaped),
            page,
            count=1,
        )
    return page


def _between(value: str, found: re.Match[str]) -> str:
    return found[1] + value + found[2]


def _refuse_api_path(request: Request) -> None:
    """The problem an /api path no route took gets: 405 when the path exists, else 404."""
    for route in request.app.router.routes:
        if getattr(route, "endpoint", None) is request.scope.get("endpoint"):
            continue
        match, _ = route.matches(request.scope)
        if match is Match.PARTIAL:
            raise MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}.")
    raise NotFound(f"No such path: {request.url.path}.")
