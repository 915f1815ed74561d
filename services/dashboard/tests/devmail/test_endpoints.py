"""The development mailbox holds every confirmation and reset link: it answers only a
developer on the machine itself, on a system whose public URL is a loopback address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from structlog.testing import capture_logs

from runnerly_dashboard.config import Settings
from runnerly_dashboard.main import create_app

MESSAGE = {"id": "1", "to": "ada@example.com", "subject": "Reset your password",
           "date": "2026-03-01T07:00:00Z", "text": "Click", "html": None}
LOCAL_URL = "http://127.0.0.1:8000"


def _client(app: FastAPI, peer: str = "127.0.0.1", base_url: str = LOCAL_URL) -> TestClient:
    """A client whose requests reach the app from ``peer``, as uvicorn reports it."""
    return TestClient(app, base_url=base_url, client=(peer, 50000))


@pytest.fixture
def local(app: FastAPI) -> Iterator[TestClient]:
    with _client(app) as client:
        yield client


def _assert_no_mailbox(response: httpx.Response, fake: Any, assert_problem: Any) -> None:
    assert_problem(response, 404)
    assert fake.sent("mailer", "GET", "/messages") == []


def test_dev_mail_reads_the_mailbox_with_the_dashboards_own_token(
    local: TestClient, fake: Any
) -> None:
    fake.mail.append(MESSAGE)
    response = local.get("/api/dev/mail", params={"limit": 5})
    assert response.status_code == 200
    assert response.json()["items"][0]["subject"] == "Reset your password"
    [token_request] = fake.sent("tokendealer", "POST", "/oauth/token")
    assert b"scope=mail%3Aread" in token_request.read()
    [sent] = fake.sent("mailer", "GET", "/messages")
    assert sent.url.params["limit"] == "5"


@pytest.mark.parametrize(
    ("peer", "base_url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("127.8.9.10", "http://localhost:8000"),
        ("::1", "http://[::1]:8000"),
        ("::ffff:127.0.0.1", "http://127.0.0.1:8000"),
    ],
)
def test_dev_mail_answers_every_loopback_peer(app: FastAPI, peer: str, base_url: str) -> None:
    with _client(app, peer, base_url) as client:
        assert client.get("/api/dev/mail").status_code == 200


@pytest.mark.parametrize(
    "peer",
    ["203.0.113.7", "10.0.0.2", "192.168.1.20", "172.17.0.1", "::", "2001:db8::1",
     "0.0.0.0",  # noqa: S104 - a peer address, not one to listen on
     "::ffff:10.0.0.1", "fe80::1", "testclient", ""],
)
def test_dev_mail_does_not_exist_for_a_peer_elsewhere(
    app: FastAPI, fake: Any, assert_problem: Any, peer: str
) -> None:
    with _client(app, peer) as client:
        _assert_no_mailbox(client.get("/api/dev/mail"), fake, assert_problem)


@pytest.mark.parametrize(
    "header",
    [
        {"X-Forwarded-For": "127.0.0.1"},
        {"x-forwarded-for": "203.0.113.7, 127.0.0.1"},
        {"Forwarded": "for=127.0.0.1"},
        {"X-Real-IP": "127.0.0.1"},
        {"X-Forwarded-Host": "127.0.0.1:8000"},
    ],
)
def test_dev_mail_does_not_exist_for_a_forwarded_request(
    local: TestClient, fake: Any, assert_problem: Any, header: dict[str, str]
) -> None:
    # A proxy on the machine makes every request come from 127.0.0.1; its header says whom
    # for. uvicorn trusts X-Forwarded-For from 127.0.0.1 and rewrites the peer from it.
    _assert_no_mailbox(local.get("/api/dev/mail", headers=header), fake, assert_problem)


@pytest.mark.parametrize(
    "host", ["runnerly.example.org", "127.0.0.1.nip.io", "10.0.0.5:8000", "testserver"]
)
def test_dev_mail_does_not_exist_under_a_host_name_that_is_not_loopback(
    local: TestClient, fake: Any, assert_problem: Any, host: str
) -> None:
    # A page of another site whose name resolves to 127.0.0.1 (DNS rebinding) reaches the
    # port from the developer's own browser: its Host header gives it away.
    _assert_no_mailbox(
        local.get("/api/dev/mail", headers={"Host": host}), fake, assert_problem
    )


@pytest.mark.parametrize(
    "public_url",
    ["https://runnerly.example.org", "http://10.0.0.5:8000", "http://0.0.0.0:8000",
     "http://127.0.0.1.nip.io:8000", "http://[2001:db8::1]:8000", "not a url"],
)
def test_dev_mail_does_not_exist_unless_the_public_url_is_loopback(
    settings: Settings, fake: Any, assert_problem: Any, public_url: str
) -> None:
    # Even turned on explicitly: links in mails then lead elsewhere, so runners reach it.
    off = settings.model_copy(update={"public_url": public_url, "dev_mail": True})
    app = create_app(off, transport=httpx.MockTransport(fake.handle))
    with _client(app) as client:
        _assert_no_mailbox(client.get("/api/dev/mail"), fake, assert_problem)
        assert "/api/dev/mail" not in client.get("/api/openapi.json").json()["paths"]


def test_dev_mail_is_404_unless_enabled(
    settings: Settings, fake: Any, assert_problem: Any
) -> None:
    app = create_app(settings.model_copy(update={"dev_mail": False}),
                     transport=httpx.MockTransport(fake.handle))
    with _client(app) as client:
        _assert_no_mailbox(client.get("/api/dev/mail"), fake, assert_problem)
        assert "/api/dev/mail" not in client.get("/api/openapi.json").json()["paths"]


def test_dev_mail_is_in_the_contract_where_it_is_served(local: TestClient) -> None:
    assert "/api/dev/mail" in local.get("/api/openapi.json").json()["paths"]


def test_dev_mail_defaults_to_on_only_in_development_on_a_loopback_url() -> None:
    assert Settings(env="development").dev_mail_enabled is True
    assert Settings(env="development", public_url="http://localhost:8100").dev_mail_enabled
    assert Settings(env="test").dev_mail_enabled is False
    assert Settings(env="test", dev_mail=True).dev_mail_enabled is True
    public = "https://runnerly.example.org"
    assert Settings(env="development", public_url=public).dev_mail_enabled is False
    production = Settings(env="production", public_url=public, dev_mail=True,
                          client_secret=SecretStr("a-real-client-secret"))
    assert production.dev_mail_enabled is False


@pytest.mark.parametrize(
    ("update", "served", "reason"),
    [
        ({}, True, None),
        ({"dev_mail": False}, False, "turned off"),
        ({"public_url": "https://runnerly.example.org"}, False, "public URL is not loopback"),
    ],
)
def test_the_start_up_log_says_whether_the_mailbox_is_served(
    settings: Settings, fake: Any, update: dict[str, Any], served: bool, reason: str | None
) -> None:
    app = create_app(settings.model_copy(update=update),
                     transport=httpx.MockTransport(fake.handle))
    with capture_logs() as logs, TestClient(app):
        pass
    [event] = [log for log in logs if log["event"] == "devmail.status"]
    assert event["served"] is served
    assert event.get("reason") == reason
    assert event["public_url"] == settings.model_copy(update=update).public_url
