"""``runnerly reports run``: the operator's command queues the month task on the broker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runnerly.cli import app
from runnerly_kit.tasks import create_celery
from runnerly_reports.config import get_settings
from runnerly_reports.reports import service


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("RUNNERLY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RUNNERLY_BROKER_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def queued(data_dir: Path) -> list[tuple[str, dict[str, object]]]:
    celery = create_celery("reports", f"sqla+sqlite:///{(data_dir / 'broker.sqlite').resolve()}")
    found = []
    with celery.connection_for_read() as connection:
        queue = connection.SimpleQueue("reports")
        try:
            while True:
                message = queue.get(block=False)
                found.append((message.headers["task"], message.payload[1]))
                message.ack()
        except queue.Empty:
            pass
        finally:
            queue.close()
    return found


def test_run_queues_the_month_task(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["reports", "run", "--month", "2026-10"])

    assert result.exit_code == 0, result.output
    assert "reports of 2026-10 queued" in result.output
    assert queued(data_dir) == [(service.MONTH_TASK, {"month": "2026-10"})]


@pytest.mark.parametrize(("month", "complaint"), [("2026-13", "is not a month"),
                                                  ("2199-01", "has not ended")])
def test_run_refuses_a_bad_or_unfinished_month(data_dir: Path, month: str, complaint: str) -> None:
    result = CliRunner().invoke(app, ["reports", "run", "--month", month])

    assert result.exit_code != 0
    assert complaint in result.output
