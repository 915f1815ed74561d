from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from runnerly_dashboard.api import API_PREFIX, api_router
from runnerly_dashboard.config import Settings, get_settings
from runnerly_dashboard.devmail.service import log_status as log_dev_mail_status
from runnerly_dashboard.imports.endpoints import IMPORT_PATH
from runnerly_dashboard.models import Revocation
from runnerly_dashboard.peers import Peers, build_peers
from runnerly_dashboard.security import SecurityHeadersMiddleware
from runnerly_dashboard.web import mount_web
from runnerly_kit.app import create_app as create_service_app
from runnerly_kit.db import Database
from runnerly_kit.revocations import Revocations

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DOCS_URL = f"{API_PREFIX}/docs"


def create_app(
    settings: Settings | None = None, *, transport: httpx.BaseTransport | None = None
) -> FastAPI:
    """The dashboard app; ``transport`` stands in for the network to every peer (tests)."""
    settings = settings or get_settings()
    peers = build_peers(settings, transport)

    def close_peers(app: FastAPI) -> None:
        app_peers: Peers = app.state.peers
        app_peers.close()

    database = Database(settings.database_url)
    app = create_service_app(
        settings,
        title="Runnerly API",
        routers=[api_router(dev_mail=settings.dev_mail_enabled)],
        database=database,
        migrations_dir=MIGRATIONS_DIR,
        revocations=Revocations(Revocation, database),
        on_startup=lambda app: log_dev_mail_status(settings),
        on_shutdown=close_peers,
        # The peers verify the tokens the dashboard passes on; it holds no keys itself.
        verify_tokens=False,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=DOCS_URL,
        redoc_url=None,
        # Its request counts by route (logins, signups, resets) are no one's business outside.
        serve_metrics=settings.metrics,
        # Imports carry files; every other path keeps the system's own limit.
        body_limits={IMPORT_PATH: max(settings.max_body_bytes, settings.import_max_body_bytes)},
    )
    app.state.peers = peers
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            async with started(app):
                yield
        finally:
            # On the loop that used it: the async client's connections belong to that loop.
            await peers.aclose()

    app.router.lifespan_context = lifespan
    app.add_middleware(
        SecurityHeadersMiddleware,
        docs_path=DOCS_URL,
        https=settings.https,
        image_origin=settings.tile_origin,
    )
    mount_web(app, settings)
    return app
