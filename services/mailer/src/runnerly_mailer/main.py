from __future__ import annotations

import structlog
from fastapi import FastAPI

from runnerly_kit.app import create_app as create_service_app
from runnerly_mailer.config import Settings, get_settings
from runnerly_mailer.mail.endpoints import router as mail_router
from runnerly_mailer.runtime import Runtime, build_runtime

log = structlog.get_logger()


def log_delivery(runtime: Runtime) -> None:
    """Say at start where mail goes and whether the local mailbox is shown, so that a
    developer who finds no mail page knows where to look."""
    log.info(
        "mail.delivery", **runtime.transport.describe(), dev_mailbox=runtime.settings.dev_mailbox
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    runtime = build_runtime(settings)
    app = create_service_app(
        settings,
        title="Runnerly mailer",
        routers=[mail_router],
        runtime=runtime,
        on_startup=lambda app: log_delivery(runtime),
    )
    return app
