from __future__ import annotations

from fastapi.testclient import TestClient

from runnerly_kit.testing import TestKeys, bearer


def test_messages_need_a_token(client: TestClient) -> None:
    response = client.get("/messages")

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_messages_need_the_mail_read_scope(client: TestClient, keys: TestKeys) -> None:
    token = keys.service_token("dashboard", "runs:read")

    response = client.get("/messages", headers=bearer(token))

    assert response.status_code == 403
    assert "mail:read" in response.json()["detail"]


def test_messages_list_the_local_mailbox(client: TestClient, keys: TestKeys) -> None:
    token = keys.service_token("dashboard", "mail:read")

    response = client.get("/messages", headers=bearer(token))

    assert response.status_code == 200
    assert response.json() == {"items": []}


def test_limit_is_bounded(client: TestClient, keys: TestKeys) -> None:
    token = keys.service_token("dashboard", "mail:read")

    response = client.get("/messages?limit=100000", headers=bearer(token))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"
