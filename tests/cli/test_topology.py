"""The topology's Strava wiring: demo mode without credentials, strava.com with them."""

from __future__ import annotations

import configparser
import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from runnerly.supervisor import write_config
from runnerly.topology import Topology


def test_without_credentials_the_simulator_plays_strava(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUNNERLY_STRAVA_CLIENT_ID", raising=False)
    topology = Topology(base_port=18000, data_dir=tmp_path)

    env = topology.environment()

    assert env["RUNNERLY_STRAVA_API_URL"] == "http://127.0.0.1:18009/api/v3"
    assert env["RUNNERLY_STRAVA_OAUTH_URL"] == "http://127.0.0.1:18009/oauth"
    assert env["RUNNERLY_STRAVA_CLIENT_ID"] == "12345"
    assert env["RUNNERLY_STRAVA_DEMO"] == "true"
    assert env["RUNNERLY_INGEST_URL"] == "http://127.0.0.1:18004"
    Fernet(env["RUNNERLY_INGEST_TOKEN_KEY"].encode())  # a valid key
    stored = json.loads((tmp_path / "secrets.json").read_text())
    assert stored["RUNNERLY_INGEST_WEBHOOK_VERIFY_TOKEN"] == env[
        "RUNNERLY_INGEST_WEBHOOK_VERIFY_TOKEN"]
    assert topology.environment() == env  # generated once
    config = configparser.ConfigParser()
    config.read(write_config(topology, processes=True))
    programs = {name.removeprefix("program:") for name in config if name.startswith("program:")}
    assert {"stravasim", "ingest-worker", "dashboard"} <= programs
    # One group, which supervisord stops all at once (groups are stopped one by one).
    assert set(config["group:runnerly"]["programs"].split(",")) == programs


def test_with_credentials_strava_is_strava(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNNERLY_STRAVA_CLIENT_ID", "98765")
    topology = Topology(base_port=18000, data_dir=tmp_path)

    env = topology.environment()

    assert "RUNNERLY_STRAVA_API_URL" not in env
    assert "RUNNERLY_STRAVA_DEMO" not in env
    assert "[program:stravasim]" not in write_config(topology, processes=True).read_text()
