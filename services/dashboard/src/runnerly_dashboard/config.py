from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from runnerly_kit.loopback import is_loopback_url
from runnerly_kit.settings import KitSettings, peer_url, public_url_setting

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = "© OpenStreetMap contributors"


class Settings(KitSettings):
    model_config = SettingsConfigDict(
        env_prefix="RUNNERLY_DASHBOARD_", extra="ignore", populate_by_name=True
    )
    service_name = "dashboard"
    secret_fields = ("client_secret",)

    # The dashboard is the front door, so the system-wide port variable names it too.
    port: int = Field(
        default=0,
        validation_alias=AliasChoices("RUNNERLY_DASHBOARD_PORT", "RUNNERLY_PORT", "port"),
    )
    dataservice_url: str = peer_url("dataservice")  # type: ignore[assignment]
    mailer_url: str = peer_url("mailer")  # type: ignore[assignment]
    ingest_url: str = peer_url("ingest")  # type: ignore[assignment]
    plans_url: str = peer_url("plans")  # type: ignore[assignment]
    reports_url: str = peer_url("reports")  # type: ignore[assignment]
    # Largest body of a file import (POST /api/runs/import), in bytes: up to 20 files. Every
    # other request keeps RUNNERLY_MAX_BODY_BYTES.
    import_max_body_bytes: int = Field(default=64 * 1024 * 1024, ge=1024, le=1024**3)
    # Where browsers reach the dashboard; an https URL makes the cookies Secure and adds HSTS.
    public_url: str = public_url_setting()  # type: ignore[assignment]
    # Serve the mailer's local mailbox at /api/dev/mail. Unset: on in development only. Either
    # way only on a loopback public URL, and only to requests made on the machine itself.
    dev_mail: bool | None = None
    # Serve /metrics on this, the public, port: for a proxy that keeps the path to itself.
    metrics: bool = False
    # How long a browser session lasts without a new login, in seconds.
    session_ttl_seconds: int = Field(default=14 * 24 * 3600, ge=60, le=365 * 24 * 3600)
    # How long /api/health waits for each peer's readiness, in seconds.
    health_timeout_seconds: float = Field(default=1.0, gt=0, le=10)
    # A built single-page app (its index.html and assets) to serve at "/"; unset: the build
    # packaged in runnerly_dashboard/web_dist (`make web`), or a placeholder when not built.
    web_dir: Path | None = None
    # The map's tile server: an XYZ template (http or https, with {z}, {x} and {y}; {s} and
    # {r} as Leaflet knows them), for self-hosted tiles; and the credit its tiles require.
    tile_url: str = Field(default=DEFAULT_TILE_URL, max_length=500)
    tile_attribution: str = Field(default=DEFAULT_TILE_ATTRIBUTION, max_length=300)

    @field_validator("tile_url")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        parts = urlsplit(value)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or any(mark not in value for mark in ("{z}", "{x}", "{y}"))
            or any(character.isspace() or ord(character) < 32 for character in value)
        ):
            raise ValueError(
                "the tile URL must be an http(s) template with {z}, {x} and {y}"
            )
        return value

    @field_validator("tile_attribution")
    @classmethod
    def _one_line_credit(cls, value: str) -> str:
        if any(ord(character) < 32 for character in value):
            raise ValueError("the tile attribution must be one line of text")
        return value

    @property
    def tile_origin(self) -> str:
        """The tile server's scheme, host and port, as a content security policy names it."""
        parts = urlsplit(self.tile_url)
        return f"{parts.scheme}://{parts.netloc}"

    @model_validator(mode="after")
    def _dev_mail_default(self) -> Self:
        if self.dev_mail is None:
            self.dev_mail = self.env == "development"
        return self

    @property
    def https(self) -> bool:
        return self.public_url.lower().startswith("https://")

    @property
    def secure_cookies(self) -> bool:
        return self.https

    @property
    def dev_mail_enabled(self) -> bool:
        return self.dev_mail_off_reason is None

    @property
    def dev_mail_off_reason(self) -> str | None:
        """Why /api/dev/mail is not served, or None when it is."""
        if not self.dev_mail:
            return "turned off"
        # Everyone's confirmation and reset links are in it: where runners reach the system,
        # it would be a door into every account.
        if not is_loopback_url(self.public_url):
            return "public URL is not loopback"
        return None


@lru_cache
def get_settings() -> Settings:
    return Settings()
