"""Backups and restore, as docs/deploy.md "Backups and restore" says, on the real processes.

At scale: a runner's data is made, every service's database dumped with ``pg_dump -Fc`` and
the signing keys and generated secrets copied; then a disaster (the system stopped, every
database dropped), each database made again empty and ``pg_restore``-d, a new data dir
given the copied files, and a new system started on it: the runner logs in, finds the same
runs, race and plan, and a token issued before the backup still verifies. (A restore
without the keys folder, which docs/deploy.md describes, would cost a third start of a
system: not tested here.)

The embedded default: the data dir copied while the system is stopped is a whole backup.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.integration.test_plans import _history
from tests.integration.test_strava import all_runs
from tests.integration.test_user_journey import PASSWORD, auth, sign_up
from tests.system import System, import_files, running_system

from .conftest import require_tool

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("backup")]

FILES = Path(__file__).resolve().parents[2] / "services/ingest/tests/files/data"
RUN_FILE = FILES / "activity-small-fenix2-run.fit"


def _libpq(url: str) -> str:
    """SQLAlchemy's URL (``postgresql+psycopg://``) as libpq's tools take it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _major(version: str) -> int:
    """15 of "pg_dump (PostgreSQL) 15.18 (Debian ...)" or of "15.18 (Debian ...)"."""
    for word in version.split():
        if word[:1].isdigit():
            return int(word.split(".")[0])
    raise AssertionError(f"no version in {version!r}")


@pytest.fixture(scope="module")
def postgres_admin() -> str:
    url = os.environ.get("RUNNERLY_TEST_POSTGRES_URL")
    amqp = os.environ.get("RUNNERLY_TEST_AMQP_URL")
    if not url or not amqp:
        if os.environ.get("CI"):
            pytest.fail("RUNNERLY_TEST_POSTGRES_URL and RUNNERLY_TEST_AMQP_URL are unset")
        pytest.skip("set RUNNERLY_TEST_POSTGRES_URL and RUNNERLY_TEST_AMQP_URL")
    pg_dump = require_tool("pg_dump")
    require_tool("pg_restore")
    # pg_dump refuses a newer server, and pg_restore a dump of a newer pg_dump: the one
    # that backs up must be of the server's major version (as the docs say).
    client = subprocess.run([pg_dump, "--version"], capture_output=True, text=True, check=True)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        server = str(connection.execute(sa.text("SHOW server_version")).scalar_one())
    engine.dispose()
    assert _major(client.stdout) == _major(server), (client.stdout, server)
    return url


def _admin(postgres_admin: str) -> sa.Engine:
    return sa.create_engine(
        postgres_admin, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
    )


@pytest.fixture
def restored_databases(postgres_admin: str) -> Iterator[dict[str, str]]:
    """Filled in by the test with the databases it made again; dropped whatever happens."""
    made: dict[str, str] = {}
    yield made
    admin = _admin(postgres_admin)
    with admin.connect() as connection:
        for url in made.values():
            connection.execute(
                sa.text(f'DROP DATABASE IF EXISTS "{_database_name(url)}" WITH (FORCE)')
            )
    admin.dispose()


def _back_up(system: System, backup: Path) -> None:
    """What the docs say to back up: every service's database (``pg_dump -Fc``, while it
    runs), the signing keys folder and the generated secrets (``runnerly up``'s env files)."""
    for service, url in system.database_urls.items():
        subprocess.run(
            [require_tool("pg_dump"), "--format=custom", f"--file={backup / service}.dump",
             f"--dbname={_libpq(url)}"],
            check=True, capture_output=True, timeout=120,
        )
    with tarfile.open(backup / "signing-keys.tar", "w") as archive:
        archive.add(system.data_dir / "tokendealer" / "keys", arcname="keys")
    shutil.copy2(system.data_dir / "secrets.json", backup / "secrets.json")


def _restore_databases(
    postgres_admin: str, urls: dict[str, str], backup: Path, made: dict[str, str]
) -> None:
    """Each database made again, empty, and its dump restored into it."""
    admin = _admin(postgres_admin)
    with admin.connect() as connection:
        for service, url in urls.items():
            connection.execute(sa.text(f'CREATE DATABASE "{_database_name(url)}"'))
            made[service] = url
    admin.dispose()
    for service, url in urls.items():
        subprocess.run(
            [require_tool("pg_restore"), "--exit-on-error", "--no-owner",
             f"--dbname={_libpq(url)}", str(backup / f"{service}.dump")],
            check=True, capture_output=True, timeout=120,
        )


def _new_data_dir(root: Path, name: str, backup: Path) -> Path:
    data_dir = root / name
    (data_dir / "tokendealer").mkdir(parents=True)
    shutil.copy2(backup / "secrets.json", data_dir / "secrets.json")
    with tarfile.open(backup / "signing-keys.tar") as archive:
        archive.extractall(data_dir / "tokendealer", filter="data")
    return data_dir


def _databases_left(postgres_admin: str, urls: dict[str, str]) -> list[str]:
    admin = _admin(postgres_admin)
    with admin.connect() as connection:
        names = set(connection.execute(sa.text("SELECT datname FROM pg_database")).scalars())
    admin.dispose()
    return sorted(names & {_database_name(url) for url in urls.values()})


def _login(system: System, email: str) -> dict[str, Any]:
    login = system.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens: dict[str, Any] = login.json()
    return tokens


def test_a_restored_backup_brings_back_every_runner_and_their_tokens(
    tmp_path: Path, postgres_admin: str, restored_databases: dict[str, str]
) -> None:
    backup = tmp_path / "backup"
    backup.mkdir()
    (tmp_path / "before").mkdir()
    with running_system("scale", tmp_path / "before") as system:
        email, tokens = sign_up(system)
        runner_id = system.http.get("/api/me", headers=auth(tokens)).json()["account"]["id"]
        [imported] = import_files(
            system.http,
            [("files", ("run.fit", RUN_FILE.read_bytes(), "application/octet-stream"))],
            headers=auth(tokens),
        )
        assert imported["status"] == "imported", imported
        system.store_runs(_history(runner_id))
        race_day = date.today() + timedelta(weeks=12)
        race = system.http.post(
            "/api/races", headers=auth(tokens),
            json={"name": "Backup Half", "date": race_day.isoformat(), "distance_m": 21097.5,
                  "location": "Lyon"},
        )
        assert race.status_code == 201, race.text
        plan = system.http.post("/api/plans", headers=auth(tokens), json={
            "race_id": race.json()["id"], "days_per_week": 4, "long_run_day": "sunday",
        })
        assert plan.status_code == 201, plan.text
        runs = {run["id"]: run["distance_m"] for run in all_runs(system, tokens)}
        assert imported["run_id"] in runs

        _back_up(system, backup)
        urls = dict(system.database_urls)
    # The disaster: the system is gone and so is every database (running_system drops them).
    assert _databases_left(postgres_admin, urls) == []

    _restore_databases(postgres_admin, urls, backup, restored_databases)
    data_dir = _new_data_dir(tmp_path, "restored", backup)
    # ``runnerly up`` runs ``runnerly migrate`` first: a backup of an older release is
    # brought up to date before any service starts on it.
    with running_system("scale", data_dir, database_urls=urls) as restored:
        # The token issued before the backup verifies: the same signing keys.
        me = restored.http.get("/api/me", headers=auth(tokens))
        assert me.status_code == 200, me.text
        assert me.json()["account"]["id"] == runner_id
        again = _login(restored, email)
        assert {run["id"]: run["distance_m"] for run in all_runs(restored, again)} == runs
        races = restored.http.get("/api/races", headers=auth(again)).json()["items"]
        assert race.json()["id"] in [r["id"] for r in races]
        plans = restored.http.get("/api/plans", headers=auth(again)).json()["items"]
        assert [p["id"] for p in plans] == [plan.json()["id"]]


def test_a_copy_of_the_stopped_embedded_data_dir_is_a_whole_backup(tmp_path: Path) -> None:
    (tmp_path / "live").mkdir()
    with running_system("embedded", tmp_path / "live") as system:
        email, tokens = sign_up(system)
        [imported] = import_files(
            system.http,
            [("files", ("run.fit", RUN_FILE.read_bytes(), "application/octet-stream"))],
            headers=auth(tokens),
        )
        assert imported["status"] == "imported", imported
    # Stopped: the files are still, so a plain copy is consistent.
    shutil.copytree(tmp_path / "live", tmp_path / "copy", ignore=shutil.ignore_patterns("logs"))
    shutil.rmtree(tmp_path / "live")
    with running_system("embedded", tmp_path / "copy") as restored:
        me = restored.http.get("/api/me", headers=auth(tokens))
        assert me.status_code == 200, me.text
        again = _login(restored, email)
        assert [run["id"] for run in all_runs(restored, again)] == [imported["run_id"]]
