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
from runnerly_reports.config import Settings
from runnerly_reports.models import OutboxMessage, Revocation
from runnerly_reports.peers import (
    AccountData,
    DataserviceClient,
    PlanData,
    PlansClient,
    RunnerData,
    TokendealerClient,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# What this service's own token may do (tokendealer grants the client these scopes).
SERVICE_SCOPES = "runs:read profile:read races:read stats:read accounts:read plans:read"


@dataclass
class Runtime:
    settings: Settings
    database: Database
    celery: Celery
    outbox: Outbox
    revocations: Revocations
    data: RunnerData
    plans: PlanData
    accounts: AccountData
    # The time, injected: tests build a month's report "on the 1st".
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock()

    @property
    def unsubscribe_key(self) -> bytes:
        return self.settings.unsubscribe_key.get_secret_value().encode()

    def close(self) -> None:
        for close in self._closers:
            close()


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
        token_url=settings.token_url,
        client_id=settings.client_id,
        client_secret=settings.client_secret.get_secret_value(),
        scopes=SERVICE_SCOPES,
        transport=peer_transport,
    )
    timeout = httpx.Timeout(settings.peer_timeout, connect=2.0)

    def peer(url: str, name: str) -> ServiceClient:
        return ServiceClient(url, name, credentials=credentials, timeout=timeout,
                             transport=peer_transport)

    data = DataserviceClient(peer(settings.dataservice_url, "dataservice"))
    plans = PlansClient(peer(settings.plans_url, "plans"))
    accounts = TokendealerClient(peer(settings.tokendealer_url, "tokendealer"))
    return Runtime(
        settings=settings,
        database=database,
        celery=celery,
        outbox=Outbox(OutboxMessage, database, celery, settings.service_name),
        revocations=Revocations(Revocation, database),
        data=data,
        plans=plans,
        accounts=accounts,
        _closers=[data.close, plans.close, accounts.close],
        **({"clock": clock} if clock is not None else {}),
    )
