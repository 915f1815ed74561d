from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from runnerly_dashboard.auth import service
from runnerly_dashboard.auth.schemas import Credentials
from runnerly_dashboard.config import Settings
from runnerly_kit.errors import Forbidden, ServiceUnavailable, Unauthorized

PASSWORD = "correct horse battery"


@pytest.fixture
def started(client: TestClient, app: Any, fake: Any, settings: Settings) -> Any:
    """A session opened through the service, and the means to resume it."""
    fake.add_account()
    with app.state.database.transaction() as db:
        pair, new_session = service.login(
            db, app.state.peers, settings,
            Credentials(email="ada@example.com", password=PASSWORD), "10.0.0.1",
            now=datetime.now(UTC), database=app.state.database,
        )

    def resume(now: datetime, csrf: str | None = None, unsafe: bool = False) -> Any:
        with app.state.database.transaction() as db:
            return service.resume(db, app.state.peers, new_session.session_token,
                                  csrf, unsafe, now)

    return pair, new_session, resume


def test_resume_returns_the_sessions_caller(started: Any, fake: Any) -> None:
    pair, _, resume = started
    caller = resume(datetime.now(UTC))
    assert caller.access_token == pair.access_token
    assert caller.user_id == fake.accounts["ada@example.com"].id


def test_resume_checks_csrf_only_for_unsafe_methods(started: Any) -> None:
    _, new_session, resume = started
    now = datetime.now(UTC)
    assert resume(now, csrf=None, unsafe=False) is not None
    with pytest.raises(Forbidden):
        resume(now, csrf=None, unsafe=True)
    with pytest.raises(Forbidden):
        resume(now, csrf=new_session.csrf_token + "x", unsafe=True)
    assert resume(now, csrf=new_session.csrf_token, unsafe=True) is not None


def test_resume_ends_an_expired_session(started: Any, sessions: Any, settings: Settings) -> None:
    _, _, resume = started
    later = datetime.now(UTC) + timedelta(seconds=settings.session_ttl_seconds + 1)
    assert resume(later) is None
    assert sessions() == []


def test_renewal_waits_out_a_tokendealer_outage_while_the_token_lasts(
    started: Any, fake: Any, sessions: Any
) -> None:
    pair, _, resume = started
    fake.down.add("tokendealer")
    expires_in = timedelta(seconds=pair.expires_in)
    nearly = datetime.now(UTC) + expires_in - timedelta(seconds=30)
    assert resume(nearly).access_token == pair.access_token
    with pytest.raises(ServiceUnavailable):
        resume(datetime.now(UTC) + expires_in + timedelta(seconds=1))
    assert len(sessions()) == 1  # an outage does not end the session


def test_user_id_of_refuses_garbage() -> None:
    with pytest.raises(Unauthorized):
        service.user_id_of("not-a-token")
