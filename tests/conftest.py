"""The system the integration and security tests drive, shared: one ``runnerly up`` per
column for the whole session (each start costs tens of seconds of both cores).

Two columns: the embedded default (SQLite files, the SQL broker, a Maildir) and, at scale,
PostgreSQL, RabbitMQ and a real SMTP server when ``RUNNERLY_TEST_POSTGRES_URL`` and
``RUNNERLY_TEST_AMQP_URL`` name servers (``scripts/infra.sh`` starts them). The browser
tests start a system of their own (``tests/e2e/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .system import System, running_system

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
    # Every test's browser is 127.0.0.1: the limits per client address would make the
    # session's tests refuse each other. They are tested in tokendealer's own tests.
    "RUNNERLY_TOKENDEALER_MAIL_MAX_PER_ADDRESS": "100000",
    "RUNNERLY_TOKENDEALER_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
    # A refused sync tries again after seconds, not a minute, within the tests' waits.
    "RUNNERLY_INGEST_REFUSAL_BACKOFF_SECONDS": "2",
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
        failed=lambda: bool(request.session.testsfailed),
    ) as system:
        yield system
