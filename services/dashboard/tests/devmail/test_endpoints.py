from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient

from runnerly_dashboard.config import Settings
from runnerly_dashboard.main import create_app

MESSAGE = {"id": "1", "to": "ada@example.com", "subject": "Confirm your email",
           "date": "2026-03-01T07:00:00Z", "text": "Click", "html": None}


def test_dev_mail_reads_the_mailbox_with_the_dashboards_own_token(
    client: TestClient, fake: Any
) -> None:
    fake.mail.append(MESSAGE)
    response = client.get("/api/dev/mail", params={"limit": 5})
    assert response.status_code == 200
    assert response.json()["items"][0]["subject"] == "Confirm your email"
    [token_request] = fake.sent("tokendealer", "POST", "/oauth/token")
    assert b"scope=mail%3Aread" in token_request.read()
    [sent] = fake.sent("mailer", "GET", "/messages")
    assert sent.url.params["limit"] == "5"


def test_dev_mail_is_404_unless_enabled(
    settings: Settings, fake: Any, assert_problem: Any
) -> None:
    app = create_app(settings.model_copy(update={"dev_mail": False}),
                     transport=httpx.MockTransport(fake.handle))
    with TestClient(app) as client:
        assert_problem(client.get("/api/dev/mail"), 404)
    assert fake.sent("mailer", "GET", "/messages") == []


def test_dev_mail_defaults_to_on_only_in_development() -> None:
    assert Settings(env="development").dev_mail is True
    assert Settings(env="test").dev_mail is False
    assert Settings(env="test", dev_mail=True).dev_mail is True
