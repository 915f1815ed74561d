from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import ValidationError

from runnerly_tokendealer.config import Settings
from runnerly_tokendealer.main import create_app
from runnerly_tokendealer.models import ServiceClient


def stored_clients(client: TestClient) -> dict[str, str]:
    database = client.app.state.runtime.database  # type: ignore[attr-defined]
    with database.transaction() as session:
        return {c.client_id: c.scopes for c in session.scalars(sa.select(ServiceClient))}


def test_clients_follow_the_settings_at_each_start(
    settings_factory: Callable[..., Settings], database_url: str
) -> None:
    first = settings_factory(database_url=database_url)
    with TestClient(create_app(first)) as client:
        assert stored_clients(client) == {
            "dashboard": "accounts:relay mail:read runs:read",
            "reports": "accounts:read runs:read",
        }
    new_secret = "a-rotated-secret-0123456789"
    second = settings_factory(
        database_url=database_url,
        clients={"dashboard": {"secret": new_secret, "scopes": "runs:read"}},
    )

    with TestClient(create_app(second)) as client:
        assert stored_clients(client) == {"dashboard": "runs:read"}
        new = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("dashboard", new_secret),
        )
        assert new.status_code == 200
        old = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("dashboard", "dashboard-secret-0123456789"),
        )
        assert old.status_code == 401


@pytest.mark.parametrize("secret", ["change-me", "too-short"])
def test_weak_client_secrets_are_refused_outside_development(tmp_path: Path, secret: str) -> None:
    clients = {"dashboard": {"secret": secret, "scopes": "mail:read"}}

    with pytest.raises(ValidationError, match="at least 16 characters"):
        Settings(env="production", data_dir=tmp_path, clients=clients)
    assert Settings(env="development", data_dir=tmp_path, clients=clients).clients


def test_client_ids_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="client id"):
        Settings(data_dir=tmp_path, clients={"Bad Id!": {"secret": "x" * 20}})
