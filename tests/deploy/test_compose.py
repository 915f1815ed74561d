"""The Compose file (``deploy/compose.yaml``): valid against the Compose Specification's
schema, and whole: every service served, every queue consumed, one beat per schedule,
everything after the migrations, only nginx reachable from outside, every secret file it
names shipped as an example, and the examples accepted by the services in production."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from dotenv import dotenv_values

from runnerly_kit.topology import BEATS, CLIENT_SCOPES, SERVICES, WORKERS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
IMAGE = "localhost/runnerly:latest"
AFTER_MIGRATE = {
    "migrate": {"condition": "service_completed_successfully"},
    "postgres": {"condition": "service_healthy"},
    "rabbitmq": {"condition": "service_healthy"},
}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def _services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _compose()["services"]
    return services


def _programs() -> dict[str, dict[str, Any]]:
    """The containers of the Runnerly image, by name."""
    return {name: s for name, s in _services().items() if s.get("image") == IMAGE}


def _running(kind: str) -> list[str]:
    """The services named by the containers that run ``runnerly <kind> NAME``."""
    return sorted(
        s["command"][1] for s in _programs().values() if s["command"][0] == kind
    )


def test_the_compose_file_follows_the_compose_specification() -> None:
    # check-jsonschema (pinned) vendors the Compose Specification's schema of its release.
    checked = subprocess.run(
        [Path(sys.executable).parent / "check-jsonschema", "--builtin-schema",
         "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_docker_compose_reads_it_where_docker_compose_exists(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run(
        [docker, "compose", "version"], capture_output=True
    ).returncode != 0:
        pytest.skip("docker compose is not installed (the schema check above still runs)")
    # Compose reads the secret files: the examples stand in for the operator's.
    copy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, copy)
    for example in (copy / "compose" / "secrets").glob("*.example"):
        shutil.copy(example, example.with_suffix(""))
    checked = subprocess.run(
        [docker, "compose", "-f", str(copy / "compose.yaml"), "config", "--quiet"],
        env={
            **os.environ,
            "RUNNERLY_PUBLIC_URL": "https://runnerly.example.org",
            "RUNNERLY_MAILER_SMTP_URL": "smtp://relay.example.org:587",
        },
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_every_service_is_served_and_every_queue_consumed_once() -> None:
    assert _running("serve") == sorted(SERVICES)
    assert _running("worker") == sorted(WORKERS)
    # Two beats of one service would fire each schedule twice: one container, one replica.
    assert _running("beat") == sorted(BEATS)
    beats = [s for s in _programs().values() if s["command"][0] == "beat"]
    assert all(s.get("deploy", {}).get("replicas", 1) == 1 for s in beats)
    migrations = [s["command"] for s in _programs().values() if s["command"][0] == "migrate"]
    assert migrations == [["migrate"]]


def test_the_beats_containers_alone_send_the_scheduled_tasks() -> None:
    """A worker embeds its service's beat unless told not to: beside the beat's own
    container, every schedule would fire twice."""
    for name, program in _programs().items():
        kind, service = program["command"][0], program["command"][-1]
        if kind == "worker" and service in BEATS:
            settings = importlib.import_module(f"runnerly_{service}.config").Settings
            embed = program["environment"].get(
                f"RUNNERLY_{service.upper()}_EMBED_BEAT",
                settings.model_fields["embed_beat"].default,
            )
            assert str(embed).lower() == "false", name


def test_every_program_waits_for_the_migrations_and_runs_in_production() -> None:
    for name, service in _programs().items():
        environment = service["environment"]
        assert environment["RUNNERLY_ENV"] == "production", name
        assert service["read_only"] is True, name
        if name != "migrate":
            assert service["depends_on"] == AFTER_MIGRATE, name
            assert service["restart"] == "unless-stopped", name
    migrate = _services()["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_every_program_reaches_each_service_where_it_listens() -> None:
    for name, service in _programs().items():
        environment = service["environment"]
        for peer, topology in SERVICES.items():
            url = environment[f"RUNNERLY_{peer.upper()}_URL"]
            assert url == f"http://{peer}:{topology.default_port}", (name, peer)


def test_only_nginx_is_reachable_from_outside_and_the_dashboard_trusts_only_it() -> None:
    services = _services()
    assert [name for name, s in services.items() if s.get("ports")] == ["nginx"]
    assert not any(s.get("network_mode") == "host" for s in services.values())
    nginx = services["nginx"]
    assert sorted(nginx["ports"]) == ["443:443", "80:80"]
    assert nginx["environment"]["RUNNERLY_NGINX_UPSTREAM"] == "dashboard:8000"
    address = nginx["networks"]["runnerly"]["ipv4_address"]
    trusting = {
        name: s["environment"]["RUNNERLY_TRUSTED_PROXIES"]
        for name, s in _programs().items()
        if "RUNNERLY_TRUSTED_PROXIES" in s["environment"]
    }
    # The dashboard is the one nginx forwards to; the services hear only each other.
    assert trusting == {"dashboard": address}


def test_postgres_has_a_database_per_service() -> None:
    postgres = _services()["postgres"]
    assert sorted(postgres["environment"]["RUNNERLY_DATABASES"].split()) == sorted(SERVICES)
    script = DEPLOY / "compose" / "postgres" / "create-databases.sh"
    mounted = [v.split(":")[0] for v in postgres["volumes"]]
    assert f"./{script.relative_to(DEPLOY)}" in mounted
    assert os.access(script, os.X_OK)
    for service in SERVICES:
        url = _secrets(f"{service}.env")[f"RUNNERLY_{service.upper()}_DATABASE_URL"]
        assert re.fullmatch(rf"postgresql\+psycopg://[^@]+@postgres:5432/{service}", url)


def test_the_init_script_creates_each_database_it_is_given() -> None:
    """Run as the postgres image runs it (its environment, psql on the server), against the
    PostgreSQL the tests use."""
    admin_url = os.environ.get("RUNNERLY_TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("set RUNNERLY_TEST_POSTGRES_URL (scripts/infra.sh urls)")
    url = sa.make_url(admin_url)
    names = [f"runnerly_init_{service}_{uuid.uuid4().hex[:8]}" for service in ("a", "b")]
    environment = {
        "PATH": os.environ["PATH"],
        "POSTGRES_USER": url.username or "",
        "PGPASSWORD": url.password or "",
        "PGHOST": url.host or "",
        "PGPORT": str(url.port or 5432),
        "RUNNERLY_DATABASES": " ".join(names),
    }
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        created = subprocess.run(
            [DEPLOY / "compose" / "postgres" / "create-databases.sh"],
            env=environment,
            capture_output=True,
            text=True,
        )
        assert created.returncode == 0, created.stderr
        with admin.connect() as connection:
            owned = connection.execute(
                sa.text(
                    "SELECT datname, pg_get_userbyid(datdba) FROM pg_database "
                    "WHERE datname LIKE 'runnerly_init_%' ORDER BY datname"
                )
            ).all()
        assert [tuple(row) for row in owned if row[0] in names] == [
            (name, url.username) for name in sorted(names)
        ]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _referenced_files() -> set[str]:
    compose = _compose()
    files = {secret["file"] for secret in compose["secrets"].values()}
    for service in compose["services"].values():
        files.update(service.get("env_file", []))
    return files


def _secrets(name: str) -> dict[str, str]:
    values = dotenv_values(DEPLOY / "compose" / "secrets" / f"{name}.example")
    return {key: value or "" for key, value in values.items()}


def test_every_secret_file_it_names_is_shipped_as_an_example() -> None:
    referenced = _referenced_files()
    assert referenced, "no secret files"
    for path in referenced:
        assert path.startswith("compose/secrets/"), path
        assert (DEPLOY / f"{path}.example").is_file(), path
    # The operator's own files never reach the repository.
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", str(DEPLOY / "compose" / "secrets" / "common.env")],
        cwd=ROOT,
    )
    assert ignored.returncode == 0


def test_the_examples_give_each_client_the_secret_and_scopes_tokendealer_holds() -> None:
    clients = json.loads(_secrets("tokendealer.env")["RUNNERLY_TOKENDEALER_CLIENTS"])
    assert {client: c["scopes"] for client, c in clients.items()} == CLIENT_SCOPES
    for client, config in clients.items():
        assert _secrets(f"{client}.env")[f"RUNNERLY_{client.upper()}_CLIENT_SECRET"] == (
            config["secret"]
        )


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_accepts_its_settings_in_production(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The container's environment and env files, as Compose hands them over, make settings
    the service starts with in production: every name right, no secret missing."""
    container = _services()[service]
    environment: dict[str, str] = {}
    for path in container["env_file"]:
        environment.update(_secrets(Path(path).name))
    for key, value in container["environment"].items():
        # ${NAME:?...} and ${NAME:-default}: the operator's own, here an example.
        environment[key] = re.sub(r"\$\{([A-Z_]+)[:?-][^}]*\}", _operator_value, str(value))
    if service == "ingest":
        # A real Fernet key, as the example's comment says to make one.
        from cryptography.fernet import Fernet

        environment["RUNNERLY_INGEST_TOKEN_KEY"] = Fernet.generate_key().decode()
    for key in list(os.environ):
        if key.startswith("RUNNERLY_"):
            monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    config = importlib.import_module(f"runnerly_{service}.config")
    settings = config.Settings()
    assert settings.env == "production"
    assert settings.database_url == environment[f"RUNNERLY_{service.upper()}_DATABASE_URL"]


def _operator_value(match: re.Match[str]) -> str:
    return {
        "RUNNERLY_PUBLIC_URL": "https://runnerly.example.org",
        "RUNNERLY_MAILER_SMTP_URL": "smtp://relay.example.org:587",
        "RUNNERLY_LOG_LEVEL": "INFO",
        "RUNNERLY_MAILER_MAIL_FROM": "Runnerly <no-reply@runnerly.example.org>",
    }[match.group(1)]
