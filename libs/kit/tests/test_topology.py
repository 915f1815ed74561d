from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import KitSettings, peer_url
from runnerly_kit.topology import (
    BEATS,
    CLIENT_SCOPES,
    DEFAULT_BASE_PORT,
    EVENT_SUBSCRIPTIONS,
    REVOCATION_EVENTS,
    SERVICES,
    WORKERS,
)


class CallerSettings(KitSettings):
    """A service named like one of the table's, calling two of its peers."""

    model_config = SettingsConfigDict(env_prefix="RUNNERLY_REPORTS_", extra="ignore")
    service_name = "reports"
    dataservice_url: str = peer_url("dataservice")  # type: ignore[assignment]
    plans_url: str = peer_url("plans")  # type: ignore[assignment]


class UnknownSettings(KitSettings):
    service_name = "elsewhere"


def test_ports_and_peer_urls_default_to_the_table(tmp_path: Path) -> None:
    settings = CallerSettings(data_dir=tmp_path)

    assert settings.port == DEFAULT_BASE_PORT + SERVICES["reports"].offset
    assert settings.url_of("dataservice") == SERVICES["dataservice"].default_url
    assert settings.url_of("plans") == f"http://127.0.0.1:{DEFAULT_BASE_PORT + 5}"
    assert settings.url_of("tokendealer") == SERVICES["tokendealer"].default_url
    assert settings.token_url == f"{SERVICES['tokendealer'].default_url}/oauth/token"


def test_the_environment_moves_a_peer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNNERLY_PLANS_URL", "http://plans.internal:9000")
    monkeypatch.setenv("RUNNERLY_TOKENDEALER_URL", "http://tokens.internal/")

    settings = CallerSettings(data_dir=tmp_path)

    assert settings.url_of("plans") == "http://plans.internal:9000"
    assert settings.token_url == "http://tokens.internal/oauth/token"


def test_a_service_outside_the_table_has_no_default_port(tmp_path: Path) -> None:
    assert UnknownSettings(data_dir=tmp_path).port == 0


def test_ports_are_distinct_and_the_dashboard_is_the_front_door() -> None:
    offsets = [service.offset for service in SERVICES.values()]

    assert len(set(offsets)) == len(offsets)
    assert SERVICES["dashboard"].default_port == DEFAULT_BASE_PORT


def test_peers_are_services_of_the_table() -> None:
    for service in SERVICES.values():
        assert set(service.peers) <= set(SERVICES) - {service.name}, service.name


def test_only_workers_consume_events_or_run_beat() -> None:
    assert set(EVENT_SUBSCRIPTIONS) <= set(WORKERS)
    assert set(BEATS) <= set(WORKERS)


def test_every_consumer_takes_the_revocations() -> None:
    for name, events in EVENT_SUBSCRIPTIONS.items():
        assert set(REVOCATION_EVENTS) <= set(events), name


def test_a_service_with_scopes_has_peers_to_use_them_on() -> None:
    for name in CLIENT_SCOPES:
        assert SERVICES[name].peers, name
