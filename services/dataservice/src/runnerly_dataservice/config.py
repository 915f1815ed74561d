from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="RUNNERLY_DATASERVICE_", extra="ignore")
    service_name = "dataservice"

    # Largest request body accepted, in bytes. Larger than the system default because a
    # batch of runs may carry their streams; the service's own variable wins over the shared one.
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024,
        validation_alias=AliasChoices(
            "RUNNERLY_DATASERVICE_MAX_BODY_BYTES", "RUNNERLY_MAX_BODY_BYTES", "max_body_bytes"
        ),
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
