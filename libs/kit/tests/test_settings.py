from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import KitSettings


class SecretSettings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="RUNNERLY_DEMO_", extra="ignore")
    service_name = "demo"
    secret_fields: ClassVar[tuple[str, ...]] = ("signing_secret",)
    signing_secret: SecretStr = SecretStr("change-me")


def test_development_accepts_default_secrets(tmp_path: Path) -> None:
    assert SecretSettings(env="development", data_dir=tmp_path).signing_secret


def test_production_refuses_default_secrets(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="RUNNERLY_DEMO_SIGNING_SECRET"):
        SecretSettings(env="production", data_dir=tmp_path)


def test_production_accepts_real_secrets(tmp_path: Path) -> None:
    settings = SecretSettings(
        env="production", data_dir=tmp_path, signing_secret=SecretStr("a-real-one")
    )
    assert settings.signing_secret.get_secret_value() == "a-real-one"


def test_defaults_put_each_service_in_the_data_dir(tmp_path: Path) -> None:
    settings = SecretSettings(data_dir=tmp_path)

    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/demo.sqlite"
    assert settings.broker_url == f"sqla+sqlite:///{tmp_path.resolve()}/broker.sqlite"


def test_shared_and_prefixed_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNNERLY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RUNNERLY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    monkeypatch.setenv("RUNNERLY_DEMO_DATABASE_URL", "postgresql+psycopg://u:p@db/demo")

    settings = SecretSettings()

    assert settings.data_dir == tmp_path
    assert settings.broker_url.startswith("amqp://")
    assert settings.database_url == "postgresql+psycopg://u:p@db/demo"


def test_a_port_and_client_given_are_kept(tmp_path: Path) -> None:
    settings = SecretSettings(data_dir=tmp_path, port=9100, client_id="demo-replica")

    assert (settings.port, settings.client_id) == (9100, "demo-replica")


def test_the_service_folder_is_made_in_the_data_dir(tmp_path: Path) -> None:
    folder = SecretSettings(data_dir=tmp_path / "var").service_dir

    assert folder == tmp_path / "var" / "demo"
    assert folder.is_dir()
