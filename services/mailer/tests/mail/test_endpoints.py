from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from runnerly_kit.testing import TestKeys, bearer
from runnerly_mailer.config import Settings
from runnerly_mailer.main import create_app


def _client(settings: Settings, keys: TestKeys) -> TestClient:
    app = create_app(settings)
    keys.install(app)
    return TestClient(app)


@pytest.fixture
def dev_client(tmp_path: Path, keys: TestKeys) -> Iterator[TestClient]:
    """The embedded default as ``make run`` starts it: development, on a loopback URL."""
    with _client(Settings(env="development", data_dir=tmp_path), keys) as client:
        yield client


def test_messages_need_a_token(client: TestClient) -> None:
    response = client.get("/messages")

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_messages_need_the_mail_read_scope(client: TestClient, keys: TestKeys) -> None:
    token = keys.service_token("dashboard", "runs:read")

    response = client.get("/messages", headers=bearer(token))

    assert response.status_code == 403
    assert "mail:read" in response.json()["detail"]


def test_messages_list_the_local_mailbox(dev_client: TestClient, keys: TestKeys) -> None:
    token = keys.service_token("dashboard", "mail:read")

    response = dev_client.get("/messages", headers=bearer(token))

    assert response.status_code == 200
    assert response.json() == {"items": []}


@pytest.mark.parametrize(
    ("env", "public_url"),
    [
        ("test", "http://127.0.0.1:8000"),
        ("production", "http://127.0.0.1:8000"),
        ("development", "https://runnerly.example.org"),
        ("development", "http://10.0.0.5:8000"),
        ("development", "http://0.0.0.0:8000"),
    ],
)
def test_no_mailbox_unless_in_development_on_a_loopback_url(
    tmp_path: Path, keys: TestKeys, env: str, public_url: str
) -> None:
    # Every confirmation and reset link is in it: a token with mail:read is not enough.
    settings = Settings(env=env, data_dir=tmp_path, public_url=public_url)
    token = keys.service_token("dashboard", "mail:read")

    with _client(settings, keys) as client:
        response = client.get("/messages", headers=bearer(token))

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_no_mailbox_when_mail_goes_to_smtp(tmp_path: Path, keys: TestKeys) -> None:
    settings = Settings(env="development", data_dir=tmp_path,
                        smtp_url="smtp://mail.example.org:587")
    token = keys.service_token("dashboard", "mail:read")

    with _client(settings, keys) as client:
        response = client.get("/messages", headers=bearer(token))

    assert response.status_code == 404


def test_the_start_up_log_says_where_mail_goes(tmp_path: Path, keys: TestKeys) -> None:
    client = _client(Settings(env="development", data_dir=tmp_path), keys)
    with capture_logs() as logs, client:
        pass

    [event] = [log for log in logs if log["event"] == "mail.delivery"]
    assert event["transport"] == "maildir"
    assert event["maildir"] == str((tmp_path / "mailer" / "Maildir").resolve())
    assert event["dev_mailbox"] is True


def test_the_start_up_log_names_the_smtp_server_without_its_password(
    tmp_path: Path, keys: TestKeys
) -> None:
    settings = Settings(env="development", data_dir=tmp_path, public_url="https://r.example.org",
                        smtp_url="smtp://runnerly:s3cret@mail.example.org:587")
    client = _client(settings, keys)
    with capture_logs() as logs, client:
        pass

    [event] = [log for log in logs if log["event"] == "mail.delivery"]
    assert event["transport"] == "smtp"
    assert event["smtp_host"] == "mail.example.org:587"
    assert event["dev_mailbox"] is False
    assert "s3cret" not in repr(event)


def test_limit_is_bounded(client: TestClient, keys: TestKeys) -> None:
    token = keys.service_token("dashboard", "mail:read")

    response = client.get("/messages?limit=100000", headers=bearer(token))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"
