"""Edges: the ``mailer.mail.send`` command and the ``user.deleted`` event."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import Task

from runnerly_kit.tasks import RetryableError
from runnerly_mailer.mail import service
from runnerly_mailer.mail.schemas import MailRequest
from runnerly_mailer.runtime import Runtime


def register(runtime: Runtime) -> None:
    celery = runtime.celery

    @celery.task(name="mailer.mail.send", bind=True)  # type: ignore[untyped-decorator]
    def send_mail(self: Task, **kwargs: Any) -> None:
        request = MailRequest.model_validate(kwargs)
        # The task id is the asking outbox row's id: the same mail asked twice has one key.
        key = str(self.request.id)
        try:
            with runtime.database.transaction() as session:
                service.send(
                    session,
                    runtime.transport,
                    runtime.revocations,
                    runtime.settings.mail_from,
                    key,
                    request,
                )
        except (smtplib.SMTPException, OSError) as exc:
            raise RetryableError(f"mail delivery failed: {exc}") from exc


def forget_user(runtime: Runtime, payload: dict[str, Any]) -> None:
    service.forget_user(runtime.maildir, str(payload["user_id"]), str(payload["email"]))
