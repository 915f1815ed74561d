"""The runners and runs the benchmarks store: deterministic, shaped like a Strava sync.

A run carries its summary (name, start, time zone, distance, times, climb, heart rate,
cadence) and a summary polyline of about 200 characters, as Strava's activity list gives
them; no streams and no splits (those come one activity at a time, later).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa

from runnerly_dataservice.models import Run
from runnerly_dataservice.runtime import MIGRATIONS_DIR
from runnerly_kit.db import create_engine, migrate

RUNS = cast(sa.Table, Run.__table__)
_NAMESPACE = uuid.UUID("6f1d3c2e-9a4b-4d5e-8f70-1a2b3c4d5e6f")
_LATEST = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
_NAMES = ("Morning Run", "Lunch Run", "Evening Run", "Long Run", "Intervals", "Tempo", "Easy")
_ZONES = ("Europe/Paris", "Europe/London", "America/New_York", "Asia/Tokyo", None)
_POLYLINE_ALPHABET = "?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
# Polylines are 200-character windows of one random text: as varied, far cheaper to make.
_POLYLINES = "".join(random.Random(1).choices(_POLYLINE_ALPHABET, k=20_000))


def runner_id(index: int) -> str:
    """Account ids look like tokendealer's: 32 hex characters."""
    return uuid.uuid5(_NAMESPACE, f"runner-{index}").hex


def run_fields(rng: random.Random, runner: int, number: int) -> dict[str, Any]:
    """One run as a source sends it (``RunUpsert`` fields), with an aware ``started_at``."""
    distance = rng.uniform(3_000, 25_000)
    moving = int(distance / rng.uniform(2.4, 4.2))
    # About one run every two days, going back in time from _LATEST.
    started_at = _LATEST - timedelta(days=number * 2, minutes=rng.randrange(0, 720))
    return {
        "runner_id": runner_id(runner),
        "source": "strava",
        "external_id": str(10_000_000_000 + runner * 100_000 + number),
        "name": rng.choice(_NAMES),
        "sport_type": "Run",
        "started_at": started_at,
        "time_zone": rng.choice(_ZONES),
        "distance_m": round(distance, 1),
        "moving_time_s": moving,
        "elapsed_time_s": moving + rng.randrange(0, 600),
        "elevation_gain_m": round(rng.uniform(0, 400), 1),
        "average_hr": round(rng.uniform(120, 170), 1),
        "max_hr": round(rng.uniform(170, 195), 1),
        "average_cadence": round(rng.uniform(80, 95), 1),
        "summary_polyline": _POLYLINES[(start := rng.randrange(19_800)) : start + 200],
    }


def runs(runners: int, runs_per_runner: int, seed: int = 2017) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for runner in range(runners):
        for number in range(runs_per_runner):
            yield run_fields(rng, runner, number)


def as_json(run: dict[str, Any]) -> dict[str, Any]:
    """A run as a ``POST /runs/batch`` body item."""
    return {**run, "started_at": run["started_at"].isoformat()}


def build_runs_database(url: str, runners: int, runs_per_runner: int) -> int:
    """A database made by the dataservice's own migrations, holding ``runners`` x
    ``runs_per_runner`` runs inserted with Core; returns how many runs it holds."""
    migrate(url, MIGRATIONS_DIR)
    engine = create_engine(url, poolclass=sa.NullPool)
    now = datetime.now(UTC)
    chunk: list[dict[str, Any]] = []
    total = 0
    try:
        with engine.begin() as connection:
            for run in runs(runners, runs_per_runner):
                chunk.append(
                    {**run, "streams": None, "splits": None, "created_at": now, "updated_at": now}
                )
                if len(chunk) == 10_000:
                    connection.execute(sa.insert(RUNS), chunk)
                    total += len(chunk)
                    chunk = []
            if chunk:
                connection.execute(sa.insert(RUNS), chunk)
                total += len(chunk)
        with engine.connect() as connection:
            # Fresh statistics, as a database that has been in use would have.
            connection.execute(sa.text("ANALYZE"))
            connection.commit()
    finally:
        engine.dispose()
    return total
