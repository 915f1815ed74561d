"""The simulator's settings: ``RUNNERLY_STRAVASIM_*``, plus the shared ``RUNNERLY_DATA_DIR``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RUNNERLY_STRAVASIM_", extra="ignore", populate_by_name=True
    )

    host: str = "127.0.0.1"
    port: int = 8009
    # Shared with every Runnerly process; state lives in <data_dir>/stravasim.sqlite.
    data_dir: Path = Field(
        default=Path("var"),
        validation_alias=AliasChoices("RUNNERLY_STRAVASIM_DATA_DIR", "RUNNERLY_DATA_DIR"),
    )
    # The simulator's own base URL as a browser sees it (empty: http://127.0.0.1:<port>).
    public_url: str = ""
    # The one registered application (Runnerly's demo credentials).
    client_id: str = "12345"
    client_secret: str = "stravasim-demo-secret"  # noqa: S105 - a public demo credential
    # Strava checks the redirect_uri's host against the app's "Authorization Callback
    # Domain"; localhost and 127.0.0.1 are always allowed, as on Strava.
    callback_domains: list[str] = ["localhost", "127.0.0.1"]
    # Rate limits, per application (Strava's defaults).
    limit_15min: int = 200
    limit_daily: int = 2000
    read_limit_15min: int = 100
    read_limit_daily: int = 1000
    # Lifetimes, in seconds: Strava's access tokens last 6 hours, codes 10 minutes.
    access_token_ttl: int = 21600
    code_ttl: int = 600
    # The demo athlete's history: deterministic from the seed, generated at first start.
    seed: int = 42
    demo_activities: int = 600
    # Redirect from /oauth/authorize at once, without the approval page.
    auto_approve: bool = False
    # Use a fake clock that only /admin/clock/advance moves (scenario testing).
    fake_clock: bool = False
    # Webhook delivery: Strava waits 2 s for a 200 and retries up to 3 times.
    webhook_timeout: float = 2.0
    webhook_retries: int = 3
    webhook_retry_delay: float = 1.0
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _fill_defaults(self) -> Self:
        if not self.public_url:
            self.public_url = f"http://127.0.0.1:{self.port}"
        self.public_url = self.public_url.rstrip("/")
        return self

    @property
    def database_path(self) -> Path:
        return self.data_dir / "stravasim.sqlite"


@lru_cache
def get_settings() -> Settings:
    return Settings()
