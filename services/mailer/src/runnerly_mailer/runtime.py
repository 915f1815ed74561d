"""What the API process and the worker process both need, built in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from celery import Celery

from runnerly_kit.db import Database
from runnerly_kit.revocations import Revocations
from runnerly_kit.tasks import create_celery
from runnerly_mailer.config import Settings
from runnerly_mailer.mail.transports import MailTransport, transport_for
from runnerly_mailer.models import Revocation

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass
class Runtime:
    settings: Settings
    database: Database
    celery: Celery
    revocations: Revocations
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
    database = Database(settings.database_url)
    celery = create_celery(settings.service_name, settings.broker_url)
    return Runtime(
        settings=settings,
        database=database,
        celery=celery,
        revocations=Revocations(Revocation, database),
        transport=transport_for(settings.smtp_url, settings.maildir_path, settings.smtp_timeout),
    )
