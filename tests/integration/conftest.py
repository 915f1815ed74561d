"""Integration tests: the real processes (``runnerly up``), driven through ``/api``.

They run twice: on the embedded default (SQLite files, the SQL broker, a Maildir) and at
scale (PostgreSQL, RabbitMQ, a real SMTP server) when ``RUNNERLY_TEST_POSTGRES_URL`` and
``RUNNERLY_TEST_AMQP_URL`` name servers (``scripts/infra.sh`` starts them). Starting the
system is shared with the browser tests: ``tests/system.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import Message

import pytest

from ..system import System, running_system, wait_until

__all__ = ["CONFIRM_LINK", "System", "text_of", "wait_until"]

START_TIMEOUT = 90.0
# Smaller backfill pages and a shorter lease, so the crash test has pages to interrupt and
# a killed worker's step is taken up again within seconds.
INTEGRATION_ENV = {
    "RUNNERLY_INGEST_PAGE_SIZE": "25",
    # The session's Strava tests together read more than Strava's 100 reads per quarter
    # hour: a backfill paused until the next window would outlast their waits. Pausing and
    # resuming at the limits is tested in ingest's own tests, against the simulator.
    "RUNNERLY_STRAVASIM_READ_LIMIT_15MIN": "2000",
    "RUNNERLY_STRAVASIM_LIMIT_15MIN": "4000",
    "RUNNERLY_STRAVASIM_READ_LIMIT_DAILY": "20000",
    "RUNNERLY_STRAVASIM_LIMIT_DAILY": "40000",
    "RUNNERLY_INGEST_LEASE_SECONDS": "8",
    "RUNNERLY_INGEST_RESUME_SECONDS": "2",
}


@pytest.fixture(scope="session", params=["embedded", "scale"])
def system(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    mode: str = request.param
    with running_system(
        mode,
        tmp_path_factory.mktemp(f"runnerly-{mode}"),
        extra_env=INTEGRATION_ENV,
        start_timeout=START_TIMEOUT,
        failed=lambda: bool(request.session.testsfailed),
    ) as system:
        yield system


CONFIRM_LINK = re.compile(r"/confirm\?token=([A-Za-z0-9_\-]+)")


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text part")
