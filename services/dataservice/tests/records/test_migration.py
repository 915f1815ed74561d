"""Migration 0003: the best efforts of runs stored before efforts existed."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from runnerly_dataservice.runtime import MIGRATIONS_DIR
from runnerly_kit.db import create_engine, migrate

RUN = (
    "INSERT INTO runs (runner_id, source, external_id, name, sport_type, started_at, "
    "distance_m, moving_time_s, elapsed_time_s, streams, created_at, updated_at) VALUES "
    "(:runner_id, 'strava', :external_id, 'Run', :sport_type, :started_at, :distance_m, "
    ":elapsed_time_s, :elapsed_time_s, :streams, :started_at, :started_at)"
)


def test_runs_stored_before_efforts_existed_get_theirs(database_url: str, tmp_path: Path) -> None:
    migrate(database_url, MIGRATIONS_DIR, "0001")
    engine = create_engine(database_url)
    # 5.2 km in 26:00 at an even pace, with streams every 10 s; a 10 km whole run without
    # streams; a ride, which sets no running record.
    seconds = [float(t) for t in range(0, 1561, 10)]
    streams = {"time": seconds, "distance": [t * 5200 / 1560 for t in seconds]}
    with engine.begin() as connection:
        for external_id, sport_type, distance_m, elapsed, series in (
            ("even", "Run", 5200.0, 1560, streams),
            ("whole", "Run", 10_000.0, 3000, None),
            ("ride", "Ride", 40_000.0, 4000, None),
        ):
            connection.execute(sa.text(RUN), {
                "runner_id": "ada", "external_id": external_id, "sport_type": sport_type,
                "started_at": "2026-03-01 07:00:00.000000", "distance_m": distance_m,
                "elapsed_time_s": elapsed,
                "streams": None if series is None else json.dumps(series),
            })

    migrate(database_url, MIGRATIONS_DIR)

    with engine.connect() as connection:
        found = connection.execute(sa.text(
            "SELECT r.external_id, b.distance, b.elapsed_time_s, b.runner_id "
            "FROM best_efforts b JOIN runs r ON r.id = b.run_id ORDER BY 1, 2"
        )).all()
    engine.dispose()
    assert [tuple(row) for row in found] == [
        ("even", "1k", 300, "ada"),
        ("even", "5k", 1500, "ada"),
        ("whole", "10k", 3000, "ada"),  # a whole run stands for its own distance only
    ]
