"""The processes of the whole system and how they find each other, in one table."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

# name -> port offset from the base port (the dashboard, the front door, is the base).
SERVICES: dict[str, int] = {
    "dashboard": 0,
    "tokendealer": 1,
    "dataservice": 2,
    "mailer": 3,
}
# Services that run a Celery worker (they consume commands or events).
WORKERS: tuple[str, ...] = ("dataservice", "mailer")
# Service clients and the scopes each may ask tokendealer for.
CLIENT_SCOPES: dict[str, str] = {
    "dashboard": "mail:read",
    # Strava and file ingest (its service comes next); the tests use it to store runs.
    "ingest": "runs:read runs:write",
}
DEFAULT_BASE_PORT = 8000


@dataclass(frozen=True)
class Topology:
    base_port: int
    data_dir: Path

    def port(self, service: str) -> int:
        return self.base_port + SERVICES[service]

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.port(service)}"

    def environment(self) -> dict[str, str]:
        """Variables that point every process at its peers, its port and its secrets.

        Anything the operator already set wins, so the same command runs the embedded
        default and a deployment with PostgreSQL and RabbitMQ URLs.
        """
        env: dict[str, str] = {
            "RUNNERLY_DATA_DIR": str(self.data_dir),
            "RUNNERLY_PUBLIC_URL": self.url("dashboard"),
        }
        for service in SERVICES:
            prefix = f"RUNNERLY_{service.upper()}"
            env[f"{prefix}_PORT"] = str(self.port(service))
            env[f"{prefix}_URL"] = self.url(service)
        client_secrets = self.client_secrets()
        env["RUNNERLY_TOKENDEALER_CLIENTS"] = json.dumps(
            {
                client: {"secret": client_secrets[client], "scopes": scopes}
                for client, scopes in CLIENT_SCOPES.items()
            }
        )
        for client in CLIENT_SCOPES:
            env[f"RUNNERLY_{client.upper()}_CLIENT_SECRET"] = client_secrets[client]
        return {**env, **{k: v for k, v in os.environ.items() if k in env}}

    def client_secrets(self) -> dict[str, str]:
        """Service client secrets, generated into the data dir on first start."""
        path = self.data_dir / "secrets.json"
        stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        missing = [client for client in CLIENT_SCOPES if client not in stored]
        if missing:
            stored.update({client: secrets.token_urlsafe(32) for client in missing})
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(json.dumps(stored, indent=2))
        return stored
