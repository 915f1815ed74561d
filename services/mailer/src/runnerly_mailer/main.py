from __future__ import annotations

from fastapi import FastAPI

from runnerly_kit.app import create_app as create_service_app
from runnerly_mailer.config import Settings, get_settings
from runnerly_mailer.mail.endpoints import router as mail_router
from runnerly_mailer.runtime import MIGRATIONS_DIR, build_runtime


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    runtime = build_runtime(settings)
    app = create_service_app(
        settings,
        title="Runnerly mailer",
        routers=[mail_router],
        database=runtime.database,
        migrations_dir=MIGRATIONS_DIR,
        celery=runtime.celery,
        revocations=runtime.revocations,
    )
    app.state.runtime = runtime
    return app
