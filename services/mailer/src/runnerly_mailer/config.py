from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from runnerly_kit.loopback import is_loopback_url
from runnerly_kit.settings import KitSettings, public_url_setting


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
    # Where runners reach the system: the local mailbox is served only on a loopback one.
    public_url: str = public_url_setting()  # type: ignore[assignment]

    @property
    def maildir_path(self) -> Path:
        return self.maildir or self.service_dir / "Maildir"

    @property
    def dev_mailbox(self) -> bool:
        """Whether GET /messages shows the local mailbox: it holds every account's
        confirmation and reset links, so only on a developer's own machine."""
        return (
            self.env == "development" and is_loopback_url(self.public_url) and not self.smtp_url
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
