from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import DEV_SECRET, KitSettings, peer_url, public_url_setting, shared

REAL_STRAVA_OAUTH_URL = "https://www.strava.com/oauth"
REAL_STRAVA_API_URL = "https://www.strava.com/api/v3"


class Settings(KitSettings):
    model_config = SettingsConfigDict(
        env_prefix="RUNNERLY_INGEST_", extra="ignore", populate_by_name=True
    )
    service_name = "ingest"
    secret_fields = ("client_secret", "token_key", "webhook_verify_token")

    # Shared with the rest of the system (unprefixed variables).
    dataservice_url: str = peer_url("dataservice")  # type: ignore[assignment]
    public_url: str = public_url_setting()  # type: ignore[assignment]
    strava_client_id: str = shared("STRAVA_CLIENT_ID", default="")  # type: ignore[assignment]
    strava_client_secret: SecretStr = shared("STRAVA_CLIENT_SECRET", default=SecretStr(""))  # type: ignore[assignment]
    strava_oauth_url: str = shared("STRAVA_OAUTH_URL", default=REAL_STRAVA_OAUTH_URL)  # type: ignore[assignment]
    strava_api_url: str = shared("STRAVA_API_URL", default=REAL_STRAVA_API_URL)  # type: ignore[assignment]

    # Largest request body, in bytes: an import carries up to 20 files.
    max_body_bytes: int = Field(
        default=64 * 1024 * 1024,
        validation_alias=AliasChoices("RUNNERLY_INGEST_MAX_BODY_BYTES", "max_body_bytes"),
    )
    # Fernet key(s) encrypting Strava tokens at rest, comma-separated: the first encrypts,
    # all decrypt (rotation). Generated into secrets.json by `runnerly up`.
    token_key: SecretStr = SecretStr(DEV_SECRET)
    # The token Strava echoes when it validates the webhook subscription.
    webhook_verify_token: SecretStr = SecretStr(DEV_SECRET)
    # Demo mode: Strava is the built-in simulator (`runnerly up` sets it when it starts
    # one). Said, never guessed from a URL. RUNNERLY_INGEST_DEMO_MODE is its former name.
    demo_mode: bool = Field(
        default=False,
        validation_alias=AliasChoices(
            "RUNNERLY_STRAVA_DEMO", "RUNNERLY_INGEST_DEMO_MODE", "demo_mode"
        ),
    )
    # Activities per list page (Strava's maximum is 200) and runs per dataservice batch.
    # At least 2: each page lists again the activities of the previous one's last second.
    page_size: int = Field(default=200, ge=2, le=200)
    # Every Strava run's streams are fetched in the background (one request each) once the
    # backfill's list pages are in; false leaves only those of the runs a runner opens.
    background_streams: bool = True
    # Share of the daily read budget one athlete may use while others wait (0-1].
    athlete_daily_share: float = Field(default=0.5, gt=0, le=1)
    # Requests left unused in each window, for webhooks and interactive calls.
    rate_headroom: int = Field(default=0, ge=0, le=1000)
    # Share of each 15-minute window's and of the day's read limit that verifying webhook
    # events (and catching up the ones folded) may spend; the rest is the sync's (0-1).
    verify_share: float = Field(default=0.25, gt=0, lt=1)
    # Reconciliation (Celery beat): list activities after the last sync, every N seconds.
    reconcile_seconds: float = Field(default=1800, ge=10)
    # How often beat wakes stalled or paused backfills, in seconds.
    resume_seconds: float = Field(default=15, ge=1)
    # A backfill step is leased for this long (s): a worker killed mid-step frees it then.
    lease_seconds: float = Field(default=45, ge=5)
    # Unfinished file imports a runner may have at once; past it an upload is a 429.
    import_jobs_per_runner: int = Field(default=2, ge=1, le=100)
    # Finished import jobs (their outcomes) are kept this long, in hours, then purged.
    import_retention_hours: float = Field(default=24, gt=0)
    # Embed Celery beat (as a thread) in this service's worker: the embedded default.
    # At scale run one `runnerly beat ingest` instead and set this to false.
    embed_beat: bool = True
    # After Strava refuses the app or an athlete (suspended, a permission missing, failing,
    # not answering), the next try waits as long as the refusal has lasted, at least the
    # first and at most the second of these (seconds); nothing is deleted meanwhile.
    refusal_backoff_seconds: float = Field(default=60, ge=1)
    refusal_backoff_max_seconds: float = Field(default=3600, ge=1)
    # Strava's limits until its headers tell (requests per 15 min and per day).
    default_short_limit: int = 200
    default_daily_limit: int = 2000
    default_read_short_limit: int = 100
    default_read_daily_limit: int = 1000

    @model_validator(mode="after")
    def _usable_strava(self) -> Self:
        if self.env == "production" and not self.demo_mode:
            self._refuse_unusable_strava()
        return self

    def _refuse_unusable_strava(self) -> None:
        """Without demo mode, production talks to Strava itself: the app's credentials
        are needed, and every URL must be https (they carry tokens and the secret)."""
        if not self.has_strava_credentials:
            raise ValueError(
                "RUNNERLY_STRAVA_CLIENT_ID and RUNNERLY_STRAVA_CLIENT_SECRET must be set when "
                f"RUNNERLY_ENV={self.env} (or RUNNERLY_STRAVA_DEMO=true for the simulator)"
            )
        for variable, url in (("RUNNERLY_STRAVA_OAUTH_URL", self.strava_oauth_url),
                              ("RUNNERLY_STRAVA_API_URL", self.strava_api_url)):
            if not url.lower().startswith("https://"):
                raise ValueError(f"{variable} must be an https URL when RUNNERLY_ENV={self.env}")

    @property
    def fernet_keys(self) -> list[bytes]:
        raw = self.token_key.get_secret_value()
        if raw == DEV_SECRET:
            # Development and tests only (production refuses it above): a fixed key.
            return [base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest())]
        return [key.strip().encode() for key in raw.split(",") if key.strip()]

    @property
    def callback_url(self) -> str:
        return f"{self.public_url.rstrip('/')}/api/strava/callback"

    @property
    def webhook_url(self) -> str:
        return f"{self.public_url.rstrip('/')}/api/strava/webhook"

    @property
    def has_strava_credentials(self) -> bool:
        return bool(self.strava_client_id and self.strava_client_secret.get_secret_value())


@lru_cache
def get_settings() -> Settings:
    return Settings()
