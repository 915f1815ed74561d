"""The processes ``runnerly up`` starts and what it hands them: the services and how they
find each other are the kit's table (``runnerly_kit.topology``); the data dir, the
generated secrets and the development tools are the launcher's own."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from runnerly_kit import topology as kit_topology
from runnerly_kit.topology import CLIENT_SCOPES, DEFAULT_BASE_PORT, WORKERS

__all__ = ["DEFAULT_BASE_PORT", "SERVICES", "TOOLS", "WORKERS", "Topology"]

# name -> port offset from the base port, as the launcher and the system tests use it.
SERVICES: dict[str, int] = {
    name: service.offset for name, service in kit_topology.SERVICES.items()
}

# Development tools started next to the services: the Strava simulator, in demo mode only
# (when no RUNNERLY_STRAVA_CLIENT_ID is set).
TOOLS: dict[str, int] = {"stravasim": 9}
# The simulator's one registered application (public demo credentials, not secrets).
DEMO_STRAVA_CLIENT_ID = "12345"
DEMO_STRAVA_CLIENT_SECRET = "stravasim-demo-secret"  # noqa: S105
# Secrets generated into secrets.json on first start, by variable name.
GENERATED_SECRETS: dict[str, Callable[[], str]] = {
    "RUNNERLY_INGEST_TOKEN_KEY": lambda: Fernet.generate_key().decode(),
    "RUNNERLY_INGEST_WEBHOOK_VERIFY_TOKEN": lambda: secrets.token_urlsafe(24),
    # Signs the unsubscribe links of the monthly report mails.
    "RUNNERLY_REPORTS_UNSUBSCRIBE_KEY": lambda: secrets.token_urlsafe(32),
}


@dataclass(frozen=True)
class Topology:
    base_port: int
    data_dir: Path

    def port(self, service: str) -> int:
        return self.base_port + {**SERVICES, **TOOLS}[service]

    @property
    def demo_mode(self) -> bool:
        """No Strava credentials (or the simulator's own): the built-in simulator plays
        Strava."""
        return os.environ.get("RUNNERLY_STRAVA_CLIENT_ID", "") in ("", DEMO_STRAVA_CLIENT_ID)

    def tools(self) -> list[str]:
        return list(TOOLS) if self.demo_mode else []

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
        for name in GENERATED_SECRETS:
            env[name] = client_secrets[name]
        if self.demo_mode:
            simulator = self.url("stravasim")
            env.update(
                RUNNERLY_STRAVASIM_PORT=str(self.port("stravasim")),
                RUNNERLY_STRAVA_OAUTH_URL=f"{simulator}/oauth",
                RUNNERLY_STRAVA_API_URL=f"{simulator}/api/v3",
                RUNNERLY_STRAVA_CLIENT_ID=DEMO_STRAVA_CLIENT_ID,
                RUNNERLY_STRAVA_CLIENT_SECRET=DEMO_STRAVA_CLIENT_SECRET,
                RUNNERLY_STRAVA_DEMO="true",
            )
        return {**env, **{k: v for k, v in os.environ.items() if k in env}}

    def client_secrets(self) -> dict[str, str]:
        """Service client secrets (by client id) and the other generated secrets (by
        variable name), generated into the data dir on first start."""
        path = self.data_dir / "secrets.json"
        stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        missing = [client for client in CLIENT_SCOPES if client not in stored]
        missing_named = [name for name in GENERATED_SECRETS if name not in stored]
        if missing or missing_named:
            stored.update({client: secrets.token_urlsafe(32) for client in missing})
            stored.update({name: GENERATED_SECRETS[name]() for name in missing_named})
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(json.dumps(stored, indent=2))
        return stored
