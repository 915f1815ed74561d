"""Edges: the ``mailer.mail.send`` command and the ``user.deleted`` event."""

from __future__ import annotations

import smtplib
from typing import Any

import structlog
from celery import Task
from prometheus_client import Counter

from runnerly_kit.messages import SendMail, UserDeleted
from runnerly_kit.tasks import RetryableError, receive
from runnerly_mailer.mail import service
from runnerly_mailer.mail.schemas import MailRequest
from runnerly_mailer.runtime import Runtime

log = structlog.get_logger()

# Counted in the worker that delivers (its /metrics: RUNNERLY_WORKER_METRICS_PORT).
MAILS_SENT = Counter("runnerly_mails_sent_total", "Mails handed to the SMTP relay or Maildir.")
MAIL_SEND_FAILURES = Counter(
    "runnerly_mail_send_failures_total",
    "Deliveries that failed (the relay refused or was unreachable); each is retried.",
)
MAILS_UNDELIVERED = Counter(
    "runnerly_mails_undelivered_total",
    "Mails given up on: the last retry failed too, and the mail is not sent.",
)


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
                sent = service.send(
                    session,
                    runtime.transport,
                    runtime.revocations,
                    runtime.settings.mail_from,
                    key,
                    request,
                )
        except (smtplib.SMTPException, OSError) as exc:
            MAIL_SEND_FAILURES.inc()
            if self.request.retries >= self.max_retries:
                MAILS_UNDELIVERED.inc()
                log.error("mail.undelivered", key=key, attempts=self.request.retries + 1)
            # Not chained: a relay's refusal quotes the recipient, and the failure is kept
            # by the result backend and logged on every retry.
            raise RetryableError(f"mail delivery failed: {_reason(exc)}") from None
        if sent:
            MAILS_SENT.inc()


def _reason(exc: smtplib.SMTPException | OSError) -> str:
    """Why a delivery failed, in words that name no address."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        return f"the relay refused the recipient ({', '.join(map(str, codes))})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the relay answered {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPException):
        return type(exc).__name__
    return f"the relay is unreachable ({type(exc).__name__})"


def forget_user(runtime: Runtime, event: UserDeleted) -> None:
    if event.email is not None:
        service.forget_user(runtime.maildir, event.user_id, event.email)
