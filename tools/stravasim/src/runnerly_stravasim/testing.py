"""Helpers for tests that drive the simulator through a TestClient (here and in ingest)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

REDIRECT = "http://127.0.0.1:8000/api/strava/callback"
CLIENT_ID = "12345"
CLIENT_SECRET = "stravasim-demo-secret"  # noqa: S105 - the simulator's public demo credential


def authorize(
    client: TestClient,
    scope: str = "read,activity:read_all",
    state: str = "s1",
    redirect_uri: str = REDIRECT,
) -> str:
    """Open the approval page, press Authorize, return the code from the redirect."""
    page = client.get(
        "/oauth/authorize",
        params={
            "client_id": CLIENT_ID,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "approval_prompt": "auto",
            "scope": scope,
            "state": state,
        },
        follow_redirects=False,
    )
    if page.status_code == 302:  # auto_approve
        location = page.headers["location"]
    else:
        assert page.status_code == 200, page.text
        form = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
        form["decision"] = "authorize"
        response = client.post("/oauth/authorize", data=form, follow_redirects=False)
        assert response.status_code == 302, response.text
        location = response.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [state]
    return query["code"][0]


def exchange(client: TestClient, code: str) -> dict[str, Any]:
    """Trade a code for tokens (POST /oauth/token, form-encoded as Strava's examples)."""
    response = client.post(
        "/oauth/token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code": code,
            "grant_type": "authorization_code",
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
