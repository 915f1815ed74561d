"""upsert: 100,000 runs stored in batches of 1,000, then the same runs sent again.

Three ways, each into a fresh database made by the dataservice's migrations, in the same run:

- over HTTP: ``POST /runs/batch`` to the dataservice under uvicorn (the same command and
  workers as the read benchmark), one batch at a time, with a service token holding
  ``runs:write`` verified against a JWKS; the bodies are encoded before the clock starts;
- at the service layer: ``runs.service.upsert_batch`` in a transaction per batch, on
  ``RunUpsert`` models built before the clock starts (no HTTP, no JSON, no validation);
- the reference: the raw driver (``sqlite3`` / ``psycopg``) ``executemany`` of an
  equivalent ``INSERT ... ON CONFLICT (runner_id, source, external_id) DO UPDATE`` on the
  same table, one transaction per batch, with parameters already in the database's form.

Every run is new (inserts); ``--updates`` adds a second pass that sends them all again
(updates, same keys). The runs are the summaries a Strava sync sends (``bench.data``):
1,000 runners x 100 runs.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import sqlalchemy as sa

from bench import common
from bench.common import HOST, WORKERS, log
from bench.data import RUNS, as_json, runs
from bench.read import jwks_server
from runnerly_dataservice.models import OutboxMessage, Revocation
from runnerly_dataservice.runs import service
from runnerly_dataservice.runs.repository import KEPT_WHEN_ABSENT, KEY_COLUMNS
from runnerly_dataservice.runs.schemas import RunUpsert
from runnerly_dataservice.runtime import MIGRATIONS_DIR
from runnerly_kit.db import Database, migrate
from runnerly_kit.logging import configure_logging
from runnerly_kit.outbox import Outbox
from runnerly_kit.revocations import Revocations
from runnerly_kit.tasks import create_celery
from runnerly_kit.testing import TestKeys

RUNNERS = 1_000
RUNS_PER_RUNNER = 100
BATCH = 1_000
# The service layer against the raw driver's own executemany of the same rows.
TARGET_OF_DRIVER = 0.8

HTTP = "dataservice over HTTP (POST /runs/batch)"
SERVICE = "service layer (runs.service.upsert_batch)"
DRIVER = "raw driver executemany (reference)"


@dataclass(frozen=True)
class Measurement:
    way: str
    backend: str
    runs_per_s: dict[str, float]  # pass -> runs per second


def run(updates: bool = False) -> str:
    """Every run inserted; with ``updates``, then the same runs again, all updated."""
    passes = ("insert", "update") if updates else ("insert",)
    all_runs = list(runs(RUNNERS, RUNS_PER_RUNNER))
    batches = [all_runs[start : start + BATCH] for start in range(0, len(all_runs), BATCH)]
    measurements: list[Measurement] = []
    with common.temporary_dir("upsert") as workdir:
        for backend in common.backends():
            for way, measure in (
                (HTTP, _over_http),
                (SERVICE, _at_service_layer),
                (DRIVER, _with_raw_driver),
            ):
                with common.database_url(backend, workdir, "upsert") as url:
                    migrate(url, MIGRATIONS_DIR)
                    log(f"upsert: {len(all_runs):,} runs, {way}, {backend}")
                    seconds = measure(url, batches, workdir, passes)
                    _check_stored(url, len(all_runs))
                    rates = {name: len(all_runs) / took for name, took in seconds.items()}
                    measurements.append(Measurement(way, backend, rates))
                if backend == "sqlite":
                    for leftover in workdir.glob("upsert.sqlite*"):
                        leftover.unlink()
    return report(measurements, len(all_runs), passes)


def _timed(
    batches: Sequence[Any], send: Callable[[Any], None], passes: Sequence[str]
) -> dict[str, float]:
    """Seconds each pass took: every batch sent once (inserts), then again (updates)."""
    seconds = {}
    for name in passes:
        started = time.perf_counter()
        for batch in batches:
            send(batch)
        seconds[name] = time.perf_counter() - started
    return seconds


# -- over HTTP ---------------------------------------------------------------------------


def _over_http(
    url: str, batches: list[list[dict[str, Any]]], workdir: Path, passes: Sequence[str]
) -> dict[str, float]:
    keys = TestKeys(kid="bench-key")
    bodies = [json.dumps({"runs": [as_json(run) for run in batch]}).encode() for batch in batches]
    headers = {
        "Authorization": f"Bearer {keys.service_token('ingest', 'runs:write')}",
        "Content-Type": "application/json",
    }
    port = common.free_port()
    with jwks_server(keys) as jwks_url, common.server(
        "dataservice",
        common.uv_run(
            "uvicorn",
            "--factory", "runnerly_dataservice.main:create_app",
            "--host", HOST,
            "--port", str(port),
            "--workers", str(WORKERS),
            "--no-access-log",
            "--log-level", "warning",
        ),
        env={
            "RUNNERLY_DATA_DIR": str(workdir / "data"),
            "RUNNERLY_DATASERVICE_DATABASE_URL": url,
            "RUNNERLY_TOKENDEALER_URL": jwks_url,
            "RUNNERLY_LOG_LEVEL": "WARNING",
        },
        ready_url=f"http://{HOST}:{port}/health/live",
        log_path=workdir / "upsert-dataservice.log",
    ), httpx.Client(base_url=f"http://{HOST}:{port}", headers=headers, timeout=60) as client:

        def send(body: bytes) -> None:
            response = client.post("/runs/batch", content=body)
            if response.status_code != 200:
                raise RuntimeError(
                    f"POST /runs/batch: {response.status_code} {response.text[:300]}"
                )

        return _timed(bodies, send, passes)


# -- at the service layer ----------------------------------------------------------------------


def _at_service_layer(
    url: str, batches: list[list[dict[str, Any]]], _: Path, passes: Sequence[str]
) -> dict[str, float]:
    configure_logging("bench", "WARNING")  # as the served API logs: no line per batch
    models = [[RunUpsert.model_validate(run) for run in batch] for batch in batches]
    database = Database(url)
    # The relay is never started: the outbox rows are written, as in the API, not sent.
    outbox = Outbox(OutboxMessage, database, create_celery("dataservice", "memory://"), "bench")
    revocations = Revocations(Revocation, database)

    def send(batch: list[RunUpsert]) -> None:
        with database.transaction() as session:
            service.upsert_batch(session, outbox, batch, revocations=revocations)

    try:
        return _timed(models, send, passes)
    finally:
        database.dispose()


# -- the raw driver ----------------------------------------------------------------------------


def _with_raw_driver(
    url: str, batches: list[list[dict[str, Any]]], _: Path, passes: Sequence[str]
) -> dict[str, float]:
    sqlite = url.startswith("sqlite")
    columns = [column.name for column in RUNS.columns if column.name != "id"]
    updated = [name for name in columns if name != "created_at"]
    placeholder = "?" if sqlite else "%s"
    # The dataservice's own conflict target and update: a known run keeps its key, its
    # ``created_at``, and the streams and splits stored apart when none are sent.
    sql = (
        f"INSERT INTO runs ({', '.join(columns)}) "  # noqa: S608 - names from our own table
        f"VALUES ({', '.join([placeholder] * len(columns))}) "
        "ON CONFLICT (runner_id, source, external_id) DO UPDATE SET "
        + ", ".join(
            f"{name} = coalesce(excluded.{name}, runs.{name})"
            if name in KEPT_WHEN_ABSENT
            else f"{name} = excluded.{name}"
            for name in updated
            if name not in KEY_COLUMNS
        )
    )
    now = datetime.now(UTC)
    rows = [
        [tuple(_driver_value(run, name, now, sqlite) for name in columns) for run in batch]
        for batch in batches
    ]
    if sqlite:
        return _sqlite_executemany(url.split("///", 1)[1], sql, rows, passes)
    return _psycopg_executemany(url, sql, rows, passes)


def _driver_value(run: dict[str, Any], name: str, now: datetime, sqlite: bool) -> Any:
    value = now if name in ("created_at", "updated_at") else run.get(name)
    if isinstance(value, datetime) and sqlite:
        # SQLAlchemy's SQLite format, as the dataservice stores it.
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return value


def _sqlite_executemany(
    path: str, sql: str, rows: list[list[tuple[Any, ...]]], passes: Sequence[str]
) -> dict[str, float]:
    # The same settings as the dataservice's connections (runnerly_kit.db).
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")

    def send(batch: list[tuple[Any, ...]]) -> None:
        connection.execute("BEGIN")
        connection.executemany(sql, batch)
        connection.execute("COMMIT")

    try:
        return _timed(rows, send, passes)
    finally:
        connection.close()


def _psycopg_executemany(
    url: str, sql: str, rows: list[list[tuple[Any, ...]]], passes: Sequence[str]
) -> dict[str, float]:
    conninfo = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection:

        def send(batch: list[tuple[Any, ...]]) -> None:
            with connection.cursor() as cursor:
                cursor.executemany(sql, batch)
            connection.commit()

        return _timed(rows, send, passes)


def _check_stored(url: str, expected: int) -> None:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            stored = connection.scalar(sa.select(sa.func.count()).select_from(RUNS))
    finally:
        engine.dispose()
    if stored != expected:
        raise RuntimeError(f"expected {expected} runs stored, found {stored}")


def report(measurements: list[Measurement], total: int, passes: Sequence[str]) -> str:
    reference = {m.backend: m.runs_per_s for m in measurements if m.way == DRIVER}
    headers = ["way", "database"]
    for name in passes:
        headers += [f"{name}: runs/s", "÷ raw driver"]
    rows = []
    verdicts = []
    for m in measurements:
        cells: list[object] = [m.way, m.backend]
        for name in passes:
            rate = m.runs_per_s[name]
            cells += [f"{rate:,.0f}", f"{rate / reference[m.backend][name]:.2f}"]
        rows.append(cells)
        if m.way == SERVICE:
            worst = min(rate / reference[m.backend][name] for name, rate in m.runs_per_s.items())
            met = "target met" if worst >= TARGET_OF_DRIVER else "target NOT met"
            verdicts.append(f"{m.backend}, {m.way}: {worst:.2f}x the raw driver -> {met}")
    what = "inserted" if len(passes) == 1 else "inserted, then sent again (all updated)"
    return "\n".join(
        [
            "### upsert: bulk upsert of runs",
            "",
            f"{total:,} runs in batches of {BATCH:,}, one batch at a time, {what}. "
            f"Target: the service layer >= {TARGET_OF_DRIVER}x the raw driver.",
            "",
            common.table(headers, rows),
            "",
            *[f"- {verdict}" for verdict in verdicts],
        ]
    )
