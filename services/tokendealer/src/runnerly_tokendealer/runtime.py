"""What the API process needs, built in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher, Type
from celery import Celery

from runnerly_kit.db import Database
from runnerly_kit.outbox import Outbox
from runnerly_kit.revocations import Revocations
from runnerly_kit.tasks import create_celery
from runnerly_tokendealer.config import Settings
from runnerly_tokendealer.keys.service import KeyStore
from runnerly_tokendealer.models import OutboxMessage, Revocation

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass
class Runtime:
    settings: Settings
    database: Database
    celery: Celery
    outbox: Outbox
    revocations: Revocations
    keys: KeyStore
    hasher: PasswordHasher
    # Verified against when the email or client is unknown, so that an answer takes as
    # long whether it exists or not.
    dummy_hash: str = field(init=False)

    def __post_init__(self) -> None:
        self.dummy_hash = self.hasher.hash("no account has this password")


def build_runtime(settings: Settings) -> Runtime:
    database = Database(settings.database_url)
    celery = create_celery(settings.service_name, settings.broker_url)
    return Runtime(
        settings=settings,
        database=database,
        celery=celery,
        outbox=Outbox(OutboxMessage, database, celery, settings.service_name),
        revocations=Revocations(Revocation, database),
        keys=KeyStore(settings),
        hasher=PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
            type=Type.ID,
        ),
    )
