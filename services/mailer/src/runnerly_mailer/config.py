from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import KitSettings


class Settings(KitSettings):
    model_config = SettingsConfigDict(env_prefix="RUNNERLY_MAILER_", extra="ignore")
    service_name = "mailer"

    # Empty: deliver into a local Maildir (the embedded default). Otherwise
    # smtp://user:password@host:port (STARTTLS when offered) or smtps://... (TLS from the start).
    smtp_url: str = ""
    # Where the embedded default delivers; default <data dir>/mailer/Maildir.
    maildir: Path | None = None
    mail_from: str = "Runnerly <no-reply@runnerly.localhost>"
    # Seconds to wait for the SMTP server before giving up (the task then retries).
    smtp_timeout: float = 10.0

    @property
    def maildir_path(self) -> Path:
        return self.maildir or self.service_dir / "Maildir"


@lru_cache
def get_settings() -> Settings:
    return Settings()
