"""What the API process and the worker process both need, built in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from celery import Celery

from runnerly_ingest.config import Settings
from runnerly_ingest.crypto import TokenCipher
from runnerly_ingest.dataservice import Dataservice
from runnerly_ingest.models import OutboxMessage, Revocation
from runnerly_ingest.strava.client import StravaClient
from runnerly_kit.db import Database
from runnerly_kit.http import ClientCredentials, ServiceClient
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
    cipher: TokenCipher
    strava: StravaClient
    dataservice: Dataservice
    # The time, injected: tests share a fake clock with the Strava simulator.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> None:
        self.strava.close()
        self.dataservice.close()


def build_runtime(
    settings: Settings,
    *,
    strava_transport: httpx.BaseTransport | None = None,
    peer_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Runtime:
    """``strava_transport``, ``peer_transport`` and ``clock`` stand in for the network and
    the time (tests)."""
    database = Database(settings.database_url)
    celery = create_celery(settings.service_name, settings.broker_url)
    credentials = ClientCredentials(
        token_url=f"{settings.tokendealer_url.rstrip('/')}/oauth/token",
        client_id=settings.client_id,
        client_secret=settings.client_secret.get_secret_value(),
        scopes="runs:read runs:write",
        transport=peer_transport,
    )
    return Runtime(
        settings=settings,
        database=database,
        celery=celery,
        outbox=Outbox(OutboxMessage, database, celery, settings.service_name),
        revocations=Revocations(Revocation, database),
        cipher=TokenCipher(settings.fernet_keys),
        strava=StravaClient(
            settings.strava_oauth_url,
            settings.strava_api_url,
            settings.strava_client_id,
            settings.strava_client_secret.get_secret_value(),
            transport=strava_transport,
        ),
        dataservice=Dataservice(
            ServiceClient(
                settings.dataservice_url,
                "dataservice",
                credentials=credentials,
                timeout=httpx.Timeout(30.0, connect=2.0),
                transport=peer_transport,
            )
        ),
        **({"clock": clock} if clock is not None else {}),
    )
