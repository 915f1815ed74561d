"""What the API process and the worker process both need, built in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from runnerly_kit.outbox import Outbox
from runnerly_kit.runtime import PeerClients, ServiceRuntime, build_service_runtime
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


@dataclass(kw_only=True)
class Runtime(ServiceRuntime[Settings]):
    outbox: Outbox
    # The peers, each named after its service.
    dataservice: RunnerData
    plans: PlanData
    tokendealer: AccountData

    @property
    def unsubscribe_key(self) -> bytes:
        return self.settings.unsubscribe_key.get_secret_value().encode()


def build_runtime(
    settings: Settings,
    *,
    peer_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Runtime:
    """``peer_transport`` and ``clock`` stand in for the network and the time (tests)."""
    peers = PeerClients(settings, read_seconds=settings.peer_timeout, transport=peer_transport)
    return build_service_runtime(
        Runtime, settings, MIGRATIONS_DIR, outbox_model=OutboxMessage, revocation_model=Revocation,
        clock=clock,
        closers=[peers.close],
        dataservice=DataserviceClient(peers.client("dataservice")),
        plans=PlansClient(peers.client("plans")),
        tokendealer=TokendealerClient(peers.client("tokendealer")),
    )
