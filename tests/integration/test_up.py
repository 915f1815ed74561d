"""A second ``runnerly up`` beside a running system: refused at once, and harmless."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..system import free_base_port
from .conftest import System

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def start_again(system: System, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runnerly", "up"],
        env={**system.env, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_second_system_on_the_same_data_is_refused(system: System) -> None:
    second = start_again(system, RUNNERLY_PORT=str(free_base_port()))

    assert second.returncode == 1
    assert f"Runnerly is already running on {system.data_dir}" in second.stderr
    assert "Runnerly is starting" not in second.stdout
    assert system.http.get("/api/health").status_code == 200


def test_a_second_system_on_the_same_ports_is_refused_before_it_starts(
    system: System, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "other"

    second = start_again(system, RUNNERLY_DATA_DIR=str(elsewhere))

    assert second.returncode == 1
    port = system.url.rsplit(":", 1)[1]
    assert f"Ports in use: dashboard {port}, tokendealer {int(port) + 1}" in second.stderr
    assert "--base-port" in second.stderr
    # Nothing was set up there: no database migrated, no supervisor configured.
    assert not list(elsewhere.glob("*.sqlite"))
    assert not (elsewhere / "supervisord.conf").exists()
    assert system.http.get("/api/health").status_code == 200
