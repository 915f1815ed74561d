"""What the API process and the worker process both need, built in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from celery import Celery

from runnerly_kit.db import Database
from runnerly_kit.http import ClientCredentials, ServiceClient
from runnerly_kit.outbox import Outbox
from runnerly_kit.revocations import Revocations
from runnerly_kit.tasks import create_celery
from runnerly_plans.config import Settings
from runnerly_plans.dataservice import Dataservice, HttpDataservice
from runnerly_plans.models import OutboxMessage, Revocation

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# What this service's own token asks for: it reads runners' data, never writes it.
PEER_SCOPES = "runs:read profile:read races:read stats:read"


@dataclass
class Runtime:
    settings: Settings
    database: Database
    celery: Celery
    outbox: Outbox
    revocations: Revocations
    dataservice: Dataservice
    # The time, injected: tests move it to see workouts become missed.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> None:
        self.dataservice.close()


def build_runtime(
    settings: Settings,
    *,
    peer_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Runtime:
    """``peer_transport`` and ``clock`` stand in for the network and the time (tests)."""
    database = Database(settings.database_url)
    celery = create_celery(settings.service_name, settings.broker_url)
    credentials = ClientCredentials(
        token_url=f"{settings.tokendealer_url.rstrip('/')}/oauth/token",
        client_id=settings.client_id,
        client_secret=settings.client_secret.get_secret_value(),
        scopes=PEER_SCOPES,
        transport=peer_transport,
    )
    dataservice = HttpDataservice(
        ServiceClient(
            settings.dataservice_url,
            "dataservice",
            credentials=credentials,
            timeout=httpx.Timeout(settings.dataservice_timeout_seconds, connect=2.0),
            transport=peer_transport,
        )
    )
    return Runtime(
        settings=settings,
        database=database,
        celery=celery,
        outbox=Outbox(OutboxMessage, database, celery, settings.service_name),
        revocations=Revocations(Revocation, database),
        dataservice=dataservice,
        **({"clock": clock} if clock is not None else {}),
    )
