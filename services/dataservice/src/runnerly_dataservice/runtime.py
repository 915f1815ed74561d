"""What the API process and the worker process both need, built in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runnerly_dataservice.config import Settings
from runnerly_dataservice.models import OutboxMessage, Revocation
from runnerly_kit.outbox import Outbox
from runnerly_kit.runtime import ServiceRuntime, build_service_runtime

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(kw_only=True)
class Runtime(ServiceRuntime[Settings]):
    outbox: Outbox


def build_runtime(settings: Settings) -> Runtime:
    return build_service_runtime(
        Runtime, settings, MIGRATIONS_DIR, outbox_model=OutboxMessage, revocation_model=Revocation,
    )
