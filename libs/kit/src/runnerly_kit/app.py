"""The app factory every service uses: same middleware, errors, health, metrics, lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from celery import Celery
from fastapi import APIRouter, FastAPI
from starlette.middleware.gzip import GZipMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from runnerly_kit import health, metrics, tracing
from runnerly_kit.auth import JwksCache, TokenVerifier
from runnerly_kit.db import Database, migrate
from runnerly_kit.errors import install_error_handlers
from runnerly_kit.logging import configure_logging
from runnerly_kit.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from runnerly_kit.outbox import Outbox
from runnerly_kit.revocations import Revocations
from runnerly_kit.runtime import ServiceRuntime
from runnerly_kit.settings import KitSettings
from runnerly_kit.topology import SERVICES


def create_app(
    settings: KitSettings,
    *,
    title: str,
    routers: list[APIRouter],
    runtime: ServiceRuntime[Any] | None = None,
    database: Database | None = None,
    migrations_dir: Path | None = None,
    celery: Celery | None = None,
    outbox: Outbox | None = None,
    revocations: Revocations | None = None,
    on_startup: Callable[[FastAPI], None] | None = None,
    on_shutdown: Callable[[FastAPI], None] | None = None,
    verify_tokens: bool = True,
    readiness_notes: dict[str, health.Note] | None = None,
    openapi_url: str = "/openapi.json",
    docs_url: str | None = "/docs",
    redoc_url: str | None = "/redoc",
    serve_metrics: bool = True,
    body_limits: Mapping[str, int] | None = None,
) -> FastAPI:
    """The service's app; ``serve_metrics=False`` leaves ``/metrics`` out, for a port that
    faces the public.

    With ``runtime``, the database, Celery, the outbox, the revocations and the migrations
    are the runtime's, it is ``app.state.runtime``, and it is closed when the app stops.
    ``body_limits`` gives some paths a body limit other than ``max_body_bytes``.
    """
    tracing.configure_tracing(settings.service_name)
    configure_logging(settings.service_name, settings.log_level)
    if runtime is not None:
        database = runtime.database
        migrations_dir = runtime.migrations_dir
        celery = runtime.celery
        outbox = runtime.outbox
        revocations = runtime.revocations

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if database is not None and migrations_dir is not None:
            migrate(database.url, migrations_dir)
        if on_startup is not None:
            on_startup(app)
        if outbox is not None:
            outbox.start(settings.outbox_poll_seconds, settings.outbox_retention_hours * 3600)
        try:
            yield
        finally:
            if outbox is not None:
                outbox.stop()
            if on_shutdown is not None:
                on_shutdown(app)
            if runtime is not None:
                runtime.close()
            if database is not None:
                database.dispose()

    app = FastAPI(
        title=title,
        version="1.0.0",
        lifespan=lifespan,
        openapi_url=openapi_url,
        docs_url=docs_url,
        redoc_url=redoc_url,
        # FastAPI's own: outside every middleware, so the access log line and an error's
        # answer are written inside the request's span.
        telemetry=tracing.app_telemetry(),
    )
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.database = database
    app.state.celery = celery
    app.state.outbox = outbox
    app.state.revocations = revocations
    checks: dict[str, health.Check] = {}
    if database is not None:
        checks["database"] = database.ping
    if celery is not None:
        checks["broker"] = lambda: _ping_broker(celery)
    app.state.readiness_checks = checks
    _watch(settings.service_name, celery, outbox)
    app.state.readiness_notes = dict(readiness_notes or {})
    if verify_tokens:
        app.state.verifier = TokenVerifier(
            JwksCache.from_url(settings.jwks_url),
            settings.jwt_audience,
            settings.jwt_issuer,
            max_lifetime=settings.access_token_max_ttl,
        )

    install_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(
        BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, path_limits=body_limits
    )
    app.add_middleware(
        RequestContextMiddleware,
        service=settings.service_name,
        access_log=settings.access_log_share,
    )
    if settings.trusted_proxy_list:
        # Outermost, so that every layer sees the client, not the proxy. Only the named
        # proxies are believed, and of their X-Forwarded-For only the right-most address
        # that is not itself a trusted proxy: anything left of it the client wrote.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    app.include_router(health.router)
    if serve_metrics:
        app.include_router(metrics.router)
    for router in routers:
        app.include_router(router)
    return app


def _watch(service: str, celery: Celery | None, outbox: Outbox | None) -> None:
    """Have this process's ``/metrics`` read the service's queues and outbox at each
    scrape: the API process is the one scraped at scale, not the worker."""
    known = SERVICES.get(service)
    if celery is not None and known is not None and known.worker:
        queues = celery.conf.task_queues or [celery.conf.task_default_queue]
        metrics.SCRAPED.watch_queues(
            service, celery, [getattr(queue, "name", queue) for queue in queues]
        )
    if outbox is not None:
        metrics.SCRAPED.watch_outbox(service, outbox.database, outbox.model)


def _ping_broker(celery: Celery) -> None:
    with celery.connection_for_read() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)

