"""Edges: the ``mailer.mail.send`` command and the ``user.deleted`` event."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import Task

from runnerly_kit.messages import SendMail, UserDeleted
from runnerly_kit.tasks import RetryableError, receive
from runnerly_mailer.mail import service
from runnerly_mailer.mail.schemas import MailRequest
from runnerly_mailer.runtime import Runtime


def register(runtime: Runtime) -> None:
    celery = runtime.celery

    # Not shared: the task is its runtime's (a test's runtimes each have their own).
    @celery.task(name=SendMail.name, bind=True, shared=False)  # type: ignore[untyped-decorator]
    def send_mail(self: Task, **kwargs: Any) -> None:
        # The task id is the asking outbox row's id: the same mail asked twice has one key.
        key = str(self.request.id)
        request = receive(MailRequest, kwargs, key)
        if request is None:
            return
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


def forget_user(runtime: Runtime, event: UserDeleted) -> None:
    if event.email is not None:
        service.forget_user(runtime.maildir, event.user_id, event.email)
