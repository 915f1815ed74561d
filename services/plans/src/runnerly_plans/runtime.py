"""What the API process and the worker process both need, built in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from runnerly_kit.outbox import Outbox
from runnerly_kit.runtime import PeerClients, ServiceRuntime, build_service_runtime
from runnerly_plans.config import Settings
from runnerly_plans.dataservice import Dataservice, HttpDataservice
from runnerly_plans.models import OutboxMessage, Revocation

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(kw_only=True)
class Runtime(ServiceRuntime[Settings]):
    outbox: Outbox
    dataservice: Dataservice


def build_runtime(
    settings: Settings,
    *,
    peer_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Runtime:
    """``peer_transport`` and ``clock`` stand in for the network and the time (tests)."""
    peers = PeerClients(
        settings, read_seconds=settings.dataservice_timeout_seconds, transport=peer_transport
    )
    return build_service_runtime(
        Runtime, settings, MIGRATIONS_DIR, outbox_model=OutboxMessage, revocation_model=Revocation,
        clock=clock,
        closers=[peers.close],
        dataservice=HttpDataservice(peers.client("dataservice")),
    )
