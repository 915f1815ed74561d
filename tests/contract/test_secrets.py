"""In production no service starts on a missing or development secret, by one rule.

The rule is the kit's (``KitSettings.secret_fields``); a service that calls another names
its OAuth client's secret among its secrets, since without it every call it makes fails.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from runnerly.topology import SERVICES
from runnerly_kit.settings import DEV_SECRET
from runnerly_kit.topology import CLIENT_SCOPES

# What production needs besides secrets, per service.
USABLE: dict[str, dict[str, Any]] = {
    "ingest": {"demo_mode": True},
}
# The services that call others with their own client credentials.
CALLERS = set(CLIENT_SCOPES)


def settings_class(service: str) -> Any:
    return importlib.import_module(f"runnerly_{service}.config").Settings


def real_secrets(service: str) -> dict[str, SecretStr]:
    return {name: SecretStr(f"a-real-{name}-0123456789abcdef")
            for name in settings_class(service).secret_fields}


@pytest.mark.parametrize("service", sorted(CALLERS))
def test_a_service_that_calls_others_names_its_client_secret(service: str) -> None:
    assert "client_secret" in settings_class(service).secret_fields


@pytest.mark.parametrize(
    ("service", "secret"),
    [(service, name) for service in SERVICES for name in settings_class(service).secret_fields],
)
@pytest.mark.parametrize("value", ["", DEV_SECRET])
def test_production_refuses_each_secret_missing_or_left_at_the_development_one(
    service: str, secret: str, value: str, tmp_path: Path
) -> None:
    values = {**real_secrets(service), secret: SecretStr(value)}
    settings = settings_class(service)

    with pytest.raises(ValidationError, match=f"RUNNERLY_{service.upper()}_{secret.upper()}"):
        settings(env="production", data_dir=tmp_path, **USABLE.get(service, {}), **values)
    assert settings(env="production", data_dir=tmp_path, **USABLE.get(service, {}),
                    **real_secrets(service))
