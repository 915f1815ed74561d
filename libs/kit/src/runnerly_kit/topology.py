"""The services of the system and how they meet, in one table.

Everything else is read from it: each service's default port and its peers' default URLs
(``runnerly_kit.settings``), the scopes its client asks tokendealer for (its runtime), the
event queues and their bindings (``runnerly_kit.tasks``), and which processes the launcher
starts (``runnerly.topology``).
"""

from __future__ import annotations

from dataclasses import dataclass

from runnerly_kit.messages import RunCreated, RunDeleted, UserDeleted, UserSessionsRevoked

# The dashboard, the front door, is on the base port; every other service is an offset.
DEFAULT_BASE_PORT = 8000
DEFAULT_HOST = "127.0.0.1"
# Every consumer takes the two revocation events (see ``runnerly_kit.revocations``).
REVOCATION_EVENTS = (UserDeleted.name, UserSessionsRevoked.name)


@dataclass(frozen=True)
class Service:
    name: str
    # Port offset from the base port.
    offset: int
    # The scopes this service's own client may ask tokendealer for (space separated);
    # empty: it calls no peer with a token of its own.
    scopes: str = ""
    # The services it calls.
    peers: tuple[str, ...] = ()
    # Runs a Celery worker (it consumes commands or events).
    worker: bool = False
    # Has a Celery beat schedule (embedded in its worker, or one ``runnerly beat NAME``).
    beat: bool = False
    # The events its worker consumes (``runnerly_kit.messages``), bound to its
    # ``<name>.events`` queue.
    events: tuple[str, ...] = ()

    @property
    def default_port(self) -> int:
        return DEFAULT_BASE_PORT + self.offset

    @property
    def default_url(self) -> str:
        return f"http://{DEFAULT_HOST}:{self.default_port}"


SERVICES: dict[str, Service] = {
    service.name: service
    for service in (
        Service(
            "dashboard",
            0,
            # Reads the dev mailbox; relays browsers' sign-ups, logins and resets with
            # their address.
            scopes="mail:read accounts:relay",
            peers=("tokendealer", "dataservice", "mailer", "ingest", "plans", "reports"),
        ),
        Service("tokendealer", 1),
        Service("dataservice", 2, worker=True, events=REVOCATION_EVENTS),
        Service("mailer", 3, worker=True, events=REVOCATION_EVENTS),
        Service(
            "ingest",
            4,
            # Strava and file ingest: stores the runs it fetches or parses.
            scopes="runs:read runs:write",
            peers=("dataservice",),
            worker=True,
            beat=True,
            events=REVOCATION_EVENTS,
        ),
        Service(
            "plans",
            5,
            # Fitness from recent runs and records, the runner's time zone, the race to
            # train for; it reads runners' data, never writes it.
            scopes="runs:read profile:read races:read stats:read",
            peers=("dataservice",),
            worker=True,
            events=(RunCreated.name, RunDeleted.name, *REVOCATION_EVENTS),
        ),
        Service(
            "reports",
            6,
            # A month of runs and records, the runner's plans and races, and whom to write to.
            scopes="runs:read profile:read races:read stats:read plans:read accounts:read",
            peers=("dataservice", "plans", "tokendealer"),
            worker=True,
            beat=True,
            events=REVOCATION_EVENTS,
        ),
    )
}
WORKERS: tuple[str, ...] = tuple(name for name, service in SERVICES.items() if service.worker)
BEATS: tuple[str, ...] = tuple(name for name, service in SERVICES.items() if service.beat)
# Service clients and the scopes each may ask tokendealer for.
CLIENT_SCOPES: dict[str, str] = {
    name: service.scopes for name, service in SERVICES.items() if service.scopes
}
EVENT_SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    name: service.events for name, service in SERVICES.items() if service.events
}
