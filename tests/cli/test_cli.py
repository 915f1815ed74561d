"""The ``runnerly`` command, run as an operator runs it."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory

from runnerly.topology import Topology
from runnerly_dataservice.runtime import MIGRATIONS_DIR as DATASERVICE_MIGRATIONS
from runnerly_kit.db import alembic_config, current_revision, migrate
from runnerly_kit.messages import SendMail
from runnerly_kit.tasks import create_celery

from ..system import wait_until


def runnerly(
    data_dir: Path, *args: str, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNERLY_")}
    env["RUNNERLY_DATA_DIR"] = str(data_dir)
    env.update(settings or {})
    return subprocess.run(
        [sys.executable, "-m", "runnerly", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrate_builds_every_database_and_says_what_it_did(tmp_path: Path) -> None:
    result = runnerly(tmp_path, "migrate")

    assert result.returncode == 0, result.stderr
    for service in ("tokendealer", "dataservice", "mailer", "dashboard"):
        assert f"{service}: database created (" in result.stdout
        assert (tmp_path / f"{service}.sqlite").exists()
    assert f"dataservice: database created ({dataservice_head()})" in result.stdout
    # The operator reads the outcome, not Alembic's progress.
    assert "Running upgrade" not in result.stderr

    again = runnerly(tmp_path, "migrate", "dataservice")

    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"dataservice: database up to date ({dataservice_head()})"


def test_migrate_says_which_migrations_it_applied(tmp_path: Path) -> None:
    migrate(f"sqlite:///{tmp_path / 'dataservice.sqlite'}", DATASERVICE_MIGRATIONS, "0001")

    result = runnerly(tmp_path, "migrate", "dataservice")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"dataservice: database upgraded from 0001 to {dataservice_head()}"
    )


def test_migrate_check_fails_until_the_database_is_at_head_and_changes_nothing(
    tmp_path: Path,
) -> None:
    database = tmp_path / "dataservice.sqlite"

    never_migrated = runnerly(tmp_path, "migrate", "--check", "dataservice")

    assert never_migrated.returncode == 1
    assert f"dataservice: database not migrated (head {dataservice_head()})" in (
        never_migrated.stderr
    )
    migrate(f"sqlite:///{database}", DATASERVICE_MIGRATIONS, "0001")

    behind = runnerly(tmp_path, "migrate", "--check", "dataservice")

    assert behind.returncode == 1
    assert f"dataservice: database at 0001 (head {dataservice_head()})" in behind.stderr
    assert current_revision(f"sqlite:///{database}") == "0001"
    assert runnerly(tmp_path, "migrate", "dataservice").returncode == 0

    at_head = runnerly(tmp_path, "migrate", "--check", "dataservice")

    assert at_head.returncode == 0, at_head.stderr
    assert at_head.stdout.strip() == f"dataservice: database up to date ({dataservice_head()})"


def test_migrate_check_without_a_name_checks_every_database(tmp_path: Path) -> None:
    assert runnerly(tmp_path, "migrate", "dataservice").returncode == 0

    result = runnerly(tmp_path, "migrate", "--check")

    assert result.returncode == 1
    assert "dataservice: database up to date" in result.stdout
    for service in ("tokendealer", "mailer", "dashboard", "ingest", "plans", "reports"):
        assert f"{service}: database not migrated" in result.stderr


def dataservice_head() -> str:
    config = alembic_config("sqlite://", DATASERVICE_MIGRATIONS)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_keys_rotate_adds_a_signing_key_each_time(tmp_path: Path) -> None:
    first = runnerly(tmp_path, "keys", "rotate")
    second = runnerly(tmp_path, "keys", "rotate")

    assert first.returncode == 0, first.stderr
    kids = [line.split(": ", 1)[1] for line in (first.stdout + second.stdout).splitlines()]
    assert len(set(kids)) == 2
    assert sorted(kids) == kids  # the newer key sorts last: it signs
    stored = sorted(path.name for path in (tmp_path / "tokendealer" / "keys").iterdir())
    assert all(any(kid in name for name in stored) for kid in kids)


def test_strava_rekey_encrypts_every_token_with_the_first_key(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from cryptography.fernet import Fernet
    from sqlalchemy.orm import Session

    from runnerly_ingest.models import StravaLink

    old, new, unrelated = (Fernet.generate_key().decode() for _ in range(3))
    assert runnerly(tmp_path, "migrate", "ingest").returncode == 0
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'ingest.sqlite'}")
    with Session(engine) as session, session.begin():
        for number in (1, 2):
            session.add(
                StravaLink(
                    runner_id=f"runner{number}",
                    athlete_id=number,
                    access_token=Fernet(old).encrypt(f"access{number}".encode()).decode(),
                    refresh_token=Fernet(old).encrypt(f"refresh{number}".encode()).decode(),
                    expires_at=datetime(2026, 12, 1, tzinfo=UTC),
                    scopes="activity:read_all",
                    linked_at=datetime(2026, 11, 1, tzinfo=UTC),
                )
            )

    missing_key = runnerly(
        tmp_path, "strava", "rekey", settings={"RUNNERLY_INGEST_TOKEN_KEY": unrelated}
    )
    rekeyed = runnerly(
        tmp_path, "strava", "rekey", settings={"RUNNERLY_INGEST_TOKEN_KEY": f"{new},{old}"}
    )

    assert missing_key.returncode == 1
    assert "Strava link 1" in missing_key.stderr and "key" in missing_key.stderr
    assert rekeyed.returncode == 0, rekeyed.stderr
    assert "2 link(s)" in rekeyed.stdout
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT access_token, refresh_token FROM strava_links ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(Fernet(new).decrypt(t.encode()).decode() for t in row) for row in rows] == [
        ("access1", "refresh1"),
        ("access2", "refresh2"),
    ]


def test_accounts_grant_and_revoke_a_role(tmp_path: Path) -> None:
    import sqlalchemy as sa

    assert runnerly(tmp_path, "migrate", "tokendealer").returncode == 0
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tokendealer.sqlite'}")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO accounts (id, email, password_hash, created_at) "
            "VALUES ('a' || hex(randomblob(15)) || 'b', 'ada@example.com', 'x', '2026-11-01')"
        ))
    engine.dispose()

    granted = runnerly(tmp_path, "accounts", "grant", "Ada@example.com", "admin")
    unknown_role = runnerly(tmp_path, "accounts", "grant", "ada@example.com", "root")
    nobody = runnerly(tmp_path, "accounts", "grant", "nobody@example.com", "admin")
    revoked = runnerly(tmp_path, "accounts", "revoke", "ada@example.com", "admin")

    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.strip() == "Ada@example.com: runner, admin"
    assert unknown_role.returncode == 1
    assert "'root' is not a role" in unknown_role.stderr
    assert nobody.returncode == 1
    assert "No account has the email" in nobody.stderr
    assert revoked.stdout.strip() == "ada@example.com: runner"


def test_a_service_without_a_worker_is_refused_clearly(tmp_path: Path) -> None:
    result = runnerly(tmp_path, "worker", "tokendealer")

    assert result.returncode != 0
    assert "has no worker" in result.stderr


def test_secrets_are_generated_once_private_and_operator_values_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    topology = Topology(base_port=18000, data_dir=tmp_path)
    first = topology.environment()
    again = topology.environment()

    assert first == again
    path = tmp_path / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    clients = json.loads(first["RUNNERLY_TOKENDEALER_CLIENTS"])
    assert clients["dashboard"]["secret"] == first["RUNNERLY_DASHBOARD_CLIENT_SECRET"]
    assert first["RUNNERLY_DATASERVICE_URL"] == "http://127.0.0.1:18002"

    monkeypatch.setenv("RUNNERLY_DATASERVICE_URL", "http://dataservice.internal:8080")
    assert topology.environment()["RUNNERLY_DATASERVICE_URL"] == "http://dataservice.internal:8080"


def test_a_worker_serves_its_metrics_on_the_port_it_is_given(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNERLY_")}
    env.update(RUNNERLY_DATA_DIR=str(tmp_path), RUNNERLY_WORKER_METRICS_PORT=str(port))
    worker = subprocess.Popen(
        [sys.executable, "-m", "runnerly", "worker", "mailer"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        celery = create_celery(
            "mailer", f"sqla+sqlite:///{(tmp_path / 'broker.sqlite').resolve()}"
        )
        celery.send_task(
            SendMail.name, task_id="k1",
            kwargs={"to": "ada@example.com", "subject": "Hi", "text": "Hello."},
        )

        def metrics() -> str:
            assert worker.poll() is None, "the worker stopped"
            try:
                return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            except httpx.TransportError:
                return ""

        # The worker delivered the mail, and says so where Prometheus scrapes it.
        wait_until(lambda: "runnerly_mails_sent_total 1.0" in metrics(), 120, "the mail counted")
        assert 'runnerly_tasks_total{outcome="ok",service="mailer",task="mailer.mail.send"}' in (
            metrics()
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize("service", ["dashboard", "mailer"])
def test_a_server_serves_its_metrics_on_a_port_of_its_own_when_given_one(
    tmp_path: Path, service: str
) -> None:
    """A port that only the scraper reaches (the dashboard's public port serves none)."""
    port, metrics_port = _free_port(), _free_port()
    prefix = f"RUNNERLY_{service.upper()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNERLY_")}
    env.update(
        {
            "RUNNERLY_DATA_DIR": str(tmp_path),
            f"{prefix}_PORT": str(port),
            f"{prefix}_METRICS_PORT": str(metrics_port),
        }
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "runnerly", "serve", service],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:

        def get(at: int, path: str) -> httpx.Response | None:
            assert server.poll() is None, "the server stopped"
            try:
                return httpx.get(f"http://127.0.0.1:{at}{path}", timeout=5)
            except httpx.TransportError:
                return None

        wait_until(lambda: get(port, "/health/live") is not None, 120, "the server up")
        # The request just answered on the public port is counted on the other.
        counted = (
            'runnerly_http_requests_total{method="GET",route="/health/live",'
            f'service="{service}",status="200"}}'
        )
        wait_until(
            lambda: counted in getattr(get(metrics_port, "/metrics"), "text", ""),
            60,
            "the request counted on the metrics port",
        )
        if service == "dashboard":
            public = get(port, "/metrics")
            assert public is not None and public.status_code == 404
    finally:
        server.terminate()
        server.wait(timeout=60)

