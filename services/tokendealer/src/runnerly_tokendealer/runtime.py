"""What the API process needs, built in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher, Type

from runnerly_kit.outbox import Outbox
from runnerly_kit.runtime import ServiceRuntime, build_service_runtime
from runnerly_tokendealer.config import Settings
from runnerly_tokendealer.keys.service import KeyStore
from runnerly_tokendealer.models import OutboxMessage, Revocation

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(kw_only=True)
class Runtime(ServiceRuntime[Settings]):
    outbox: Outbox
    keys: KeyStore
    hasher: PasswordHasher
    # Verified against when the email or client is unknown, so that an answer takes as
    # long whether it exists or not.
    dummy_hash: str = field(init=False)

    def __post_init__(self) -> None:
        self.dummy_hash = self.hasher.hash("no account has this password")


def build_runtime(settings: Settings) -> Runtime:
    return build_service_runtime(
        Runtime, settings, MIGRATIONS_DIR, outbox_model=OutboxMessage, revocation_model=Revocation,
        keys=KeyStore(settings),
        hasher=PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
            type=Type.ID,
        ),
    )
