"""RUNNERLY_ACCESS_LOG: a line for every, a share of, or no successful request; errors always."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from structlog.testing import capture_logs

from runnerly_kit.app import create_app
from runnerly_kit.db import Database

from .conftest import DemoSettings, router

SUCCESSES = 40


@contextmanager
def _served(tmp_path: Path, access_log: str) -> Iterator[TestClient]:
    settings = DemoSettings(env="test", data_dir=tmp_path, access_log=access_log)
    app = create_app(
        settings, title="demo", routers=[router], database=Database(settings.database_url)
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _lines(client: TestClient) -> list[dict[str, Any]]:
    """The access-log lines of SUCCESSES successful requests mixed with errors of each
    kind: refused (409), unknown (404), invalid (422) and failed (500)."""
    with capture_logs() as logs:
        for number in range(SUCCESSES):
            assert client.post("/things", json={"name": f"t{number}", "size": 1}).status_code == 201
            if number % 10 == 0:
                assert client.post("/things", json={"name": "taken", "size": 1}).status_code == 409
                assert client.get("/nowhere").status_code == 404
                assert client.post("/things", json={"name": ""}).status_code == 422
                assert client.get("/boom").status_code == 500
    return [line for line in logs if line["event"] == "http.request"]


def _errors(lines: list[dict[str, Any]]) -> list[int]:
    return sorted(line["status"] for line in lines if line["status"] >= 400)


EVERY_ERROR = sorted([409, 404, 422, 500] * (SUCCESSES // 10))


@pytest.mark.parametrize(
    ("setting", "successes_logged"),
    [("all", SUCCESSES), ("1", SUCCESSES), ("0.25", SUCCESSES // 4), ("0.1", SUCCESSES // 10),
     ("off", 0), ("0", 0)],
)
def test_a_share_of_successes_is_logged_and_every_error(
    tmp_path: Path, setting: str, successes_logged: int
) -> None:
    with _served(tmp_path, setting) as client:
        lines = _lines(client)

    assert len([line for line in lines if line["status"] < 400]) == successes_logged
    assert _errors(lines) == EVERY_ERROR


def test_a_sampled_log_spreads_its_lines_evenly(tmp_path: Path) -> None:
    written: list[int] = []
    with _served(tmp_path, "0.25") as client, capture_logs() as logs:
        for number in range(12):
            client.post("/things", json={"name": f"t{number}", "size": 1})
            written.append(len([line for line in logs if line["event"] == "http.request"]))

    # A line every fourth request, not three at once and then none.
    assert written == [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3]


@pytest.mark.parametrize("setting", ["some", "1.5", "-0.1", "nan", ""])
def test_a_setting_that_is_no_share_is_refused_at_start(tmp_path: Path, setting: str) -> None:
    with pytest.raises(ValidationError, match="RUNNERLY_ACCESS_LOG"):
        DemoSettings(env="test", data_dir=tmp_path, access_log=setting)


def test_the_setting_is_read_from_the_shared_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNNERLY_ACCESS_LOG", "off")
    assert DemoSettings(env="test", data_dir=tmp_path).access_log_share == 0.0
