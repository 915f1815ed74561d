from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Self

from argon2 import profiles
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import DEV_SECRET, KitSettings, public_url_setting

CLIENT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
# A service secret shorter than this is guessable; refused outside development.
MIN_CLIENT_SECRET_LENGTH = 16
_ARGON2_DEFAULTS = profiles.RFC_9106_LOW_MEMORY


class ClientConfig(BaseModel):
    """One service client, as configured by the operator."""

    model_config = ConfigDict(extra="forbid")

    secret: SecretStr = Field(min_length=1, max_length=256)
    scopes: str = Field(default="", max_length=1000)


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="RUNNERLY_TOKENDEALER_", extra="ignore")
    service_name = "tokendealer"

    # Base of the links in mails (the dashboard, which serves /confirm and /reset-password).
    public_url: str = public_url_setting()  # type: ignore[assignment]
    # Lifetimes, in seconds. Access tokens live 15 minutes at most (every service refuses
    # longer ones); a deletion or a reset revokes them earlier (runnerly_kit.revocations).
    access_token_ttl: int = Field(default=900, ge=10, le=900)
    refresh_token_ttl: int = Field(default=30 * 24 * 3600, ge=60, le=365 * 24 * 3600)
    confirm_token_ttl: int = Field(default=48 * 3600, ge=60, le=30 * 24 * 3600)
    reset_token_ttl: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    # Service clients: {"<client_id>": {"secret": "...", "scopes": "space separated"}}.
    clients: dict[str, ClientConfig] = Field(default_factory=dict)
    # Argon2id cost: passes over memory, and memory in KiB (tests lower both).
    argon2_time_cost: int = Field(default=_ARGON2_DEFAULTS.time_cost, ge=1, le=20)
    argon2_memory_kib: int = Field(default=_ARGON2_DEFAULTS.memory_cost, ge=8, le=4_194_304)
    argon2_parallelism: int = Field(default=_ARGON2_DEFAULTS.parallelism, ge=1, le=64)
    # Failed logins allowed per window (seconds). Per account from one client address: the
    # lock a guesser meets. Per account from every address together: a ceiling well above
    # it, which stops a guess spread over many addresses and does not hold the addresses
    # the account logged in from before, so a guesser cannot lock its owner out. Per client
    # address, whatever the account.
    login_max_failures_per_client: int = Field(default=5, ge=1, le=1000)
    login_max_failures_per_account: int = Field(default=100, ge=1, le=100_000)
    login_max_failures_per_address: int = Field(default=20, ge=1, le=100_000)
    login_failure_window: int = Field(default=15 * 60, ge=1, le=24 * 3600)
    # Mails asked for (sign-up, password reset) per window (seconds), per email address and
    # per client address; beyond, 429. Counted whether or not the email has an account.
    mail_max_per_email: int = Field(default=3, ge=1, le=1000)
    mail_max_per_address: int = Field(default=10, ge=1, le=100_000)
    mail_window: int = Field(default=3600, ge=1, le=7 * 24 * 3600)
    # Signing keys (PEM files, one per key); default <data dir>/tokendealer/keys.
    keys_dir: Path | None = None

    @model_validator(mode="after")
    def _check_argon2(self) -> Self:
        # Argon2 needs 8 KiB per lane.
        if self.argon2_memory_kib < 8 * self.argon2_parallelism:
            raise ValueError(
                "RUNNERLY_TOKENDEALER_ARGON2_MEMORY_KIB must be at least 8 times "
                "RUNNERLY_TOKENDEALER_ARGON2_PARALLELISM"
            )
        return self

    @model_validator(mode="after")
    def _check_access_token_ttl(self) -> Self:
        # Every service refuses a token living longer than the shared maximum.
        if self.access_token_ttl > self.access_token_max_ttl:
            raise ValueError(
                "RUNNERLY_TOKENDEALER_ACCESS_TOKEN_TTL must be at most "
                f"RUNNERLY_ACCESS_TOKEN_MAX_TTL ({self.access_token_max_ttl})"
            )
        return self

    @model_validator(mode="after")
    def _check_clients(self) -> Self:
        for client_id, client in self.clients.items():
            if not CLIENT_ID_PATTERN.match(client_id):
                raise ValueError(
                    f"RUNNERLY_TOKENDEALER_CLIENTS: client id {client_id!r} must be 1-64 "
                    "lowercase letters, digits, '.', '_' or '-'"
                )
            if self.env == "development":
                continue
            secret = client.secret.get_secret_value()
            if secret == DEV_SECRET or len(secret) < MIN_CLIENT_SECRET_LENGTH:
                raise ValueError(
                    f"RUNNERLY_TOKENDEALER_CLIENTS: the secret of {client_id!r} must be a real "
                    f"secret of at least {MIN_CLIENT_SECRET_LENGTH} characters "
                    f"when RUNNERLY_ENV={self.env}"
                )
        return self

    @property
    def keys_path(self) -> Path:
        path = self.keys_dir or self.service_dir / "keys"
        path.mkdir(parents=True, exist_ok=True)
        return path


@lru_cache
def get_settings() -> Settings:
    return Settings()
