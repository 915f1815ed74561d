"""Strava's settings: demo mode is said, never guessed from a URL, and production refuses
to start with a Strava it could not really talk to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from runnerly_ingest.config import Settings

SECRETS: dict[str, Any] = {"token_key": "a-real-key", "webhook_verify_token": "a-real-token",
                           "client_secret": "a-real-client-secret"}
CREDENTIALS: dict[str, Any] = {"strava_client_id": "98765", "strava_client_secret": "a-real-secret"}
STRAVA_URLS: dict[str, Any] = {
    "strava_oauth_url": "https://www.strava.com/oauth",
    "strava_api_url": "https://www.strava.com/api/v3",
}


@pytest.fixture(autouse=True)
def _no_strava_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("RUNNERLY_STRAVA_DEMO", "RUNNERLY_INGEST_DEMO_MODE", "RUNNERLY_ENV",
                 "RUNNERLY_STRAVA_API_URL", "RUNNERLY_STRAVA_OAUTH_URL",
                 "RUNNERLY_STRAVA_CLIENT_ID", "RUNNERLY_STRAVA_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.mark.parametrize("api_url", [
    "https://www.strava.com/api/v3",
    "http://127.0.0.1:8009/api/v3",
    "https://strava.example.org/api/v3",
    "http://strava.test/api/v3",
])
def test_demo_mode_is_off_unless_set_whatever_the_url(api_url: str) -> None:
    assert Settings(strava_api_url=api_url).demo_mode is False


@pytest.mark.parametrize("variable", ["RUNNERLY_STRAVA_DEMO", "RUNNERLY_INGEST_DEMO_MODE"])
@pytest.mark.parametrize("api_url", ["https://www.strava.com/api/v3", "http://127.0.0.1:8009/api/v3"])
def test_demo_mode_is_the_shared_setting_or_its_old_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, api_url: str
) -> None:
    monkeypatch.setenv(variable, "true")
    assert Settings(strava_api_url=api_url).demo_mode is True
    monkeypatch.setenv(variable, "false")
    assert Settings(strava_api_url=api_url).demo_mode is False


# What production refuses when demo mode is off: Strava's app missing, or a Strava URL that
# is not https (tokens and the client secret would travel in clear).
REFUSED: dict[str, dict[str, Any]] = {
    "no client id": {**STRAVA_URLS, "strava_client_secret": "a-real-secret"},
    "no client secret": {**STRAVA_URLS, "strava_client_id": "98765"},
    "no credentials": {**STRAVA_URLS},
    "http API URL": {**CREDENTIALS, **STRAVA_URLS,
                     "strava_api_url": "http://strava.example.org/api/v3"},
    "http OAuth URL": {**CREDENTIALS, **STRAVA_URLS,
                       "strava_oauth_url": "http://strava.example.org/oauth"},
    "URL without a scheme": {**CREDENTIALS, **STRAVA_URLS,
                             "strava_api_url": "www.strava.com/api/v3"},
}


@pytest.mark.parametrize("strava", REFUSED.values(), ids=REFUSED.keys())
def test_production_refuses_a_strava_it_cannot_really_use(strava: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="RUNNERLY_STRAVA"):
        Settings(env="production", **SECRETS, **strava)


@pytest.mark.parametrize("strava", REFUSED.values(), ids=REFUSED.keys())
def test_outside_production_or_in_demo_mode_it_starts(strava: dict[str, Any]) -> None:
    assert Settings(env="development", **SECRETS, **strava).demo_mode is False
    assert Settings(env="test", **SECRETS, **strava).demo_mode is False
    assert Settings(env="production", demo_mode=True, **SECRETS, **strava).demo_mode is True


def test_production_with_strava_credentials_over_https_starts() -> None:
    settings = Settings(env="production", **SECRETS, **CREDENTIALS, **STRAVA_URLS)
    assert settings.demo_mode is False
    assert settings.has_strava_credentials
