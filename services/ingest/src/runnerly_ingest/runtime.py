"""What the API process and the worker process both need, built in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from runnerly_ingest.config import Settings
from runnerly_ingest.crypto import TokenCipher
from runnerly_ingest.dataservice import Dataservice
from runnerly_ingest.models import OutboxMessage, Revocation
from runnerly_ingest.strava.client import StravaClient
from runnerly_kit.outbox import Outbox
from runnerly_kit.runtime import PeerClients, ServiceRuntime, build_service_runtime

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Batches of runs with their streams: the dataservice may take a while to store them.
PEER_READ_SECONDS = 30.0


@dataclass(kw_only=True)
class Runtime(ServiceRuntime[Settings]):
    outbox: Outbox
    cipher: TokenCipher
    strava: StravaClient
    dataservice: Dataservice


def build_runtime(
    settings: Settings,
    *,
    strava_transport: httpx.BaseTransport | None = None,
    peer_transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Runtime:
    """``strava_transport``, ``peer_transport`` and ``clock`` stand in for the network and
    the time (tests)."""
    peers = PeerClients(settings, read_seconds=PEER_READ_SECONDS, transport=peer_transport)
    strava = StravaClient(
        settings.strava_oauth_url,
        settings.strava_api_url,
        settings.strava_client_id,
        settings.strava_client_secret.get_secret_value(),
        transport=strava_transport,
    )
    return build_service_runtime(
        Runtime, settings, MIGRATIONS_DIR, outbox_model=OutboxMessage, revocation_model=Revocation,
        clock=clock,
        closers=[strava.close, peers.close],
        cipher=TokenCipher(settings.fernet_keys),
        strava=strava,
        dataservice=Dataservice(peers.client("dataservice")),
    )
