from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import KitSettings, peer_url


class Settings(KitSettings):
    model_config = SettingsConfigDict(
        env_prefix="RUNNERLY_PLANS_", extra="ignore", populate_by_name=True
    )
    service_name = "plans"
    secret_fields = ("client_secret",)

    # Shared with the rest of the system (unprefixed variable).
    dataservice_url: str = peer_url("dataservice")  # type: ignore[assignment]
    # Seconds to wait for the dataservice before answering 503 (a plan reads up to a
    # thousand runs when the runner has no best efforts).
    dataservice_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    # At most this many of the last weeks' runs are read when fitness falls back to them.
    max_runs_read: int = Field(default=1000, ge=100, le=10_000)


@lru_cache
def get_settings() -> Settings:
    return Settings()
