from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_kit.auth import JwksCache, TokenVerifier
from runnerly_kit.testing import DATABASE_BACKENDS, TestKeys, database_for_test
from runnerly_tokendealer.config import Settings
from runnerly_tokendealer.main import create_app
from runnerly_tokendealer.models import OutboxMessage
from runnerly_tokendealer.runtime import Runtime

PUBLIC_URL = "https://runnerly.example"
PASSWORD = "correct horse battery"
DASHBOARD_SECRET = "dashboard-secret-0123456789"


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_for_test(request.param, "tokendealer", tmp_path) as url:
        yield url


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "data_dir": tmp_path,
        "public_url": PUBLIC_URL,
        # Cheap hashing keeps the suite fast; production uses RFC 9106's profile.
        "argon2_time_cost": 1,
        "argon2_memory_kib": 8,
        "argon2_parallelism": 1,
        "clients": {
            "dashboard": {
                "secret": DASHBOARD_SECRET,
                "scopes": "mail:read runs:read accounts:relay",
            },
            "reports": {"secret": "reports-secret-0123456789", "scopes": "runs:read accounts:read"},
        },
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url=database_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        # These tests read the mails and events from the outbox: the relay would take them
        # (and delete those that carry links) before the test reads them.
        app.state.outbox.stop()
        yield client


@pytest.fixture
def runtime(client: TestClient) -> Runtime:
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return runtime


@pytest.fixture
def foreign_keys() -> TestKeys:
    """Keys this tokendealer never published."""
    return TestKeys(kid="someone-elses-key")


@dataclass
class OutboxRow:
    kind: str
    name: str
    payload: dict[str, Any]


@pytest.fixture
def outbox(runtime: Runtime) -> Callable[[], list[OutboxRow]]:
    def rows() -> list[OutboxRow]:
        with runtime.database.transaction() as session:
            found = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
            return [OutboxRow(row.kind, row.name, dict(row.payload)) for row in found]

    return rows


@pytest.fixture
def mails(outbox: Callable[[], list[OutboxRow]]) -> Callable[[str], list[dict[str, Any]]]:
    """The mails asked of the mailer for one address, oldest first."""

    def to(address: str) -> list[dict[str, Any]]:
        return [
            row.payload
            for row in outbox()
            if row.kind == "task"
            and row.name == "mailer.mail.send"
            and row.payload["to"] == address
        ]

    return to


def link_token(mail: dict[str, Any], path: str) -> str:
    match = re.search(rf"{re.escape(PUBLIC_URL + path)}\?token=([A-Za-z0-9_-]+)", mail["text"])
    assert match, mail["text"]
    return match.group(1)


@pytest.fixture
def link_in() -> Callable[[dict[str, Any], str], str]:
    return link_token


@pytest.fixture
def signed_up(
    client: TestClient, mails: Callable[[str], list[dict[str, Any]]]
) -> Callable[..., str]:
    """Sign up ``email``; returns the confirmation token mailed."""

    def sign_up(email: str, password: str = PASSWORD) -> str:
        response = client.post("/accounts", json={"email": email, "password": password})
        assert response.status_code == 202, response.text
        return link_token(mails(email)[-1], "/confirm")

    return sign_up


@pytest.fixture
def registered(client: TestClient, signed_up: Callable[..., str]) -> Callable[..., dict[str, Any]]:
    """A confirmed account, logged in: returns the login's token pair."""

    def register(email: str = "ada@example.com", password: str = PASSWORD) -> dict[str, Any]:
        token = signed_up(email, password)
        assert client.post("/accounts/confirm", json={"token": token}).status_code == 200
        response = client.post("/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        return tokens

    return register


@pytest.fixture
def verifier(client: TestClient) -> TokenVerifier:
    """The kit's verifier, as every other service builds it, fed by this service's JWKS."""
    return TokenVerifier(
        JwksCache(lambda: client.get("/.well-known/jwks.json").json()),
        "runnerly",
        "runnerly-tokendealer",
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def dashboard_secret() -> str:
    return DASHBOARD_SECRET


@pytest.fixture
def settings_factory(tmp_path: Path) -> Callable[..., Settings]:
    return lambda **overrides: make_settings(tmp_path, **overrides)


@pytest.fixture
def relayed(client: TestClient) -> Callable[..., dict[str, str]]:
    """The headers of the dashboard relaying a browser's request from an address: its
    service token (with ``scope``) and the address it appends to X-Forwarded-For."""
    tokens: dict[str, str] = {}

    def headers(address: str, scope: str = "accounts:relay") -> dict[str, str]:
        if scope not in tokens:
            tokens[scope] = _dashboard_token(client, scope)
        # Whatever the browser sent, then the address the dashboard saw.
        return {
            "Authorization": f"Bearer {tokens[scope]}",
            "X-Forwarded-For": f"10.9.9.9, {address}",
        }

    return headers


def _dashboard_token(client: TestClient, scope: str) -> str:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": scope},
        auth=("dashboard", DASHBOARD_SECRET),
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
