"""What a service's API process and its worker both need, built in one place.

Each service's ``Runtime`` is a ``ServiceRuntime`` plus the fields that are its own (a mail
transport, a Strava client, its peers); ``build_service_runtime`` builds the shared part,
and ``PeerClients`` the clients of the peers the topology names. Nothing here is global:
two services' runtimes can live in one process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

import httpx
from celery import Celery

from runnerly_kit.db import Database
from runnerly_kit.http import ClientCredentials, ServiceClient
from runnerly_kit.outbox import Outbox
from runnerly_kit.revocations import Revocations
from runnerly_kit.settings import KitSettings
from runnerly_kit.tasks import create_celery
from runnerly_kit.topology import SERVICES

SettingsT = TypeVar("SettingsT", bound=KitSettings)
RuntimeT = TypeVar("RuntimeT", bound="ServiceRuntime[Any]")
# Connecting to a peer on the same network is quick or it is down: only the read waits.
PEER_CONNECT_SECONDS = 2.0


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True)
class ServiceRuntime(Generic[SettingsT]):
    settings: SettingsT
    database: Database
    celery: Celery
    # None for a service that sends nothing.
    outbox: Outbox | None
    revocations: Revocations
    migrations_dir: Path
    # The time, injected: tests move it (a month's report "on the 1st", a missed workout).
    clock: Callable[[], datetime] = utc_now
    # Called, in order, when the process stops (peer clients' pools, ...).
    closers: list[Callable[[], None]] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> None:
        for close in self.closers:
            close()


def build_service_runtime(
    runtime_class: type[RuntimeT],
    settings: KitSettings,
    migrations_dir: Path,
    *,
    revocation_model: type[Any],
    outbox_model: type[Any] | None = None,
    clock: Callable[[], datetime] | None = None,
    closers: list[Callable[[], None]] | None = None,
    **own: Any,
) -> RuntimeT:
    """The service's runtime: the database, Celery, the outbox (when ``outbox_model`` is
    given), the revocations, and ``own``, the fields that are the service's own."""
    database = Database(settings.database_url)
    celery = create_celery(settings.service_name, settings.broker_url)
    outbox = (
        None
        if outbox_model is None
        else Outbox(outbox_model, database, celery, settings.service_name)
    )
    return runtime_class(
        settings=settings,
        database=database,
        celery=celery,
        outbox=outbox,
        revocations=Revocations(revocation_model, database),
        migrations_dir=migrations_dir,
        closers=list(closers or []),
        **({"clock": clock} if clock is not None else {}),
        **own,
    )


def peer_timeout(read_seconds: float) -> httpx.Timeout:
    """The one timeout policy of calls to peers: a short connect, a read as long as the
    call needs."""
    return httpx.Timeout(read_seconds, connect=min(PEER_CONNECT_SECONDS, read_seconds))


class PeerClients:
    """The clients of a service's peers, sharing its one token.

    The token asks for the scopes the topology gives the service (or ``scopes``); the URL of
    each peer is the service's ``<peer>_url`` setting. ``transport`` stands in for the
    network (tests). ``close`` closes every client made here.
    """

    def __init__(
        self,
        settings: KitSettings,
        *,
        read_seconds: float = 30.0,
        scopes: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.read_seconds = read_seconds
        self.transport = transport
        known = SERVICES.get(settings.service_name)
        self.scopes = scopes if scopes is not None else (known.scopes if known else "")
        self._credentials: ClientCredentials | None = None
        self._clients: list[ServiceClient] = []

    @property
    def credentials(self) -> ClientCredentials:
        """The service's own token, asked for once and renewed before it expires."""
        if self._credentials is None:
            self._credentials = self.credentials_for(self.scopes)
        return self._credentials

    def credentials_for(self, scopes: str) -> ClientCredentials:
        """A token of the service's own client with only ``scopes`` (a narrower use)."""
        return ClientCredentials(
            token_url=self.settings.token_url,
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret.get_secret_value(),
            scopes=scopes,
            transport=self.transport,
        )

    def client(
        self,
        peer: str,
        *,
        read_seconds: float | None = None,
        own_token: bool = True,
        credentials: ClientCredentials | None = None,
        retries: int = 2,
    ) -> ServiceClient:
        """A pooled client of ``peer``, sending ``credentials``' token, else the service's
        own, or (``own_token=False``) none: the caller forwards a runner's."""
        if credentials is None and own_token:
            credentials = self.credentials
        client = ServiceClient(
            self.settings.url_of(peer),
            peer,
            credentials=credentials,
            timeout=peer_timeout(read_seconds or self.read_seconds),
            retries=retries,
            transport=self.transport,
        )
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()
