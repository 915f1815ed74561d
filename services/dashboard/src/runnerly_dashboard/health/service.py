"""Readiness of the whole system as the dashboard sees it: itself and every peer."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor

import structlog

from runnerly_dashboard.health.schemas import ServiceState, SystemHealth
from runnerly_dashboard.peers import Peers
from runnerly_kit.db import Database
from runnerly_kit.errors import RunnerlyError
from runnerly_kit.http import ServiceClient

log = structlog.get_logger()


def _probe(client: ServiceClient) -> ServiceState:
    try:
        response = client.request("GET", "/health/ready")
    except RunnerlyError:
        return "down"
    return "ok" if response.status_code == 200 else "down"


def _ping(database: Database) -> ServiceState:
    try:
        database.ping()
    except Exception:  # any failure of our own database means not ready
        log.warning("health.database_down", exc_info=True)
        return "down"
    return "ok"


def system_health(peers: Peers, database: Database) -> SystemHealth:
    """Probe every peer at once, so the answer takes one timeout, not one per peer."""
    with ThreadPoolExecutor(max_workers=len(peers.probes)) as pool:
        futures = {
            # Each probe runs in the request's context, so it carries the request id.
            name: pool.submit(contextvars.copy_context().run, _probe, client)
            for name, client in peers.probes.items()
        }
        services: dict[str, ServiceState] = {"dashboard": _ping(database)}
        services.update({name: future.result() for name, future in futures.items()})
    healthy = all(state == "ok" for state in services.values())
    if not healthy:
        log.warning("health.degraded", services=services)
    return SystemHealth(status="ok" if healthy else "degraded", services=services)
