"""What the API process and the worker process both need, built in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from celery import Celery

from runnerly_dataservice.config import Settings
from runnerly_dataservice.models import OutboxMessage, Revocation
from runnerly_kit.db import Database
from runnerly_kit.outbox import Outbox
from runnerly_kit.revocations import Revocations
from runnerly_kit.tasks import create_celery

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass
class Runtime:
    settings: Settings
    database: Database
    celery: Celery
    outbox: Outbox
    revocations: Revocations


def build_runtime(settings: Settings) -> Runtime:
    database = Database(settings.database_url)
    celery = create_celery(settings.service_name, settings.broker_url)
    return Runtime(
        settings=settings,
        database=database,
        celery=celery,
        outbox=Outbox(OutboxMessage, database, celery, settings.service_name),
        revocations=Revocations(Revocation, database),
    )
