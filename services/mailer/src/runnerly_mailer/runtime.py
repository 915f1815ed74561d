"""What the API process and the worker process both need, built in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runnerly_kit.runtime import ServiceRuntime, build_service_runtime
from runnerly_mailer.config import Settings
from runnerly_mailer.mail.transports import MailTransport, transport_for
from runnerly_mailer.models import Revocation

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(kw_only=True)
class Runtime(ServiceRuntime[Settings]):
    transport: MailTransport

    @property
    def maildir(self) -> Path | None:
        """The local mailbox, or None when mail goes to an SMTP server."""
        return None if self.settings.smtp_url else self.settings.maildir_path

    @property
    def dev_mailbox(self) -> Path | None:
        """The local mailbox when it may be shown (see Settings.dev_mailbox), else None."""
        return self.settings.maildir_path if self.settings.dev_mailbox else None


def build_runtime(settings: Settings) -> Runtime:
    # The mailer only receives: it sends no event and asks no other service anything.
    return build_service_runtime(
        Runtime, settings, MIGRATIONS_DIR, revocation_model=Revocation,
        transport=transport_for(settings.smtp_url, settings.maildir_path, settings.smtp_timeout),
    )
