"""The ``mailer.mail.send`` command and the ``user.deleted`` event, received as models."""

from __future__ import annotations

import mailbox
from typing import Any

import pytest
from structlog.testing import capture_logs

from runnerly_kit.messages import SendMail, UserDeleted
from runnerly_mailer.mail import tasks
from runnerly_mailer.runtime import Runtime

MAIL = {"to": "ada@example.com", "subject": "Confirm your email", "text": "Open the link.",
        "user_id": "u1"}


def _send(runtime: Runtime, kwargs: dict[str, Any], key: str) -> bool:
    result = runtime.celery.tasks[SendMail.name].apply(kwargs=kwargs, task_id=key)
    return bool(result.successful())


def _mails(runtime: Runtime) -> list[str]:
    assert runtime.maildir is not None
    return [str(message["To"]) for message in mailbox.Maildir(runtime.maildir).values()]


@pytest.mark.parametrize(
    "poison",
    [
        {**MAIL, "to": "not an address"},
        {**MAIL, "subject": "two\nlines"},
        {**MAIL, "attachments": [{"filename": "a.pdf", "content_type": "application/pdf",
                                  "content_b64": "not base64!"}]},
        {"to": "ada@example.com"},
    ],
    ids=["address", "subject", "base64", "missing"],
)
def test_a_mail_command_that_does_not_parse_is_logged_and_dropped(
    runtime: Runtime, poison: dict[str, Any]
) -> None:
    tasks.register(runtime)

    with capture_logs() as logs:
        assert _send(runtime, poison, "k-poison")  # done with: not failed, not retried
    assert _send(runtime, MAIL, "k-good")

    [poisoned] = [log for log in logs if log["event"] == "message.poisoned"]
    assert poisoned["name"] == SendMail.name and poisoned["message_id"] == "k-poison"
    assert "ada@example.com" not in str(poisoned)
    assert _mails(runtime) == ["ada@example.com"]


def test_a_field_from_a_newer_sender_is_left_out_and_the_mail_sent(runtime: Runtime) -> None:
    # A rolling upgrade: the sender knows a field this mailer does not; it sends what it
    # knows, to whom the command names, and to no one else.
    tasks.register(runtime)
    assert _send(runtime, {**MAIL, "bcc": "eve@example.com"}, "k-newer")
    assert _mails(runtime) == ["ada@example.com"]
    [message] = mailbox.Maildir(runtime.maildir).values()
    assert "eve@example.com" not in message.as_string()


def test_a_deleted_runners_mail_is_forgotten(runtime: Runtime) -> None:
    tasks.register(runtime)
    assert _send(runtime, MAIL, "k1")
    assert _send(runtime, {**MAIL, "to": "bo@example.com", "user_id": "u2"}, "k2")

    tasks.forget_user(runtime, UserDeleted(user_id="u1", email="ada@example.com"))
    tasks.forget_user(runtime, UserDeleted(user_id="u3"))  # no address: nothing to forget

    assert _mails(runtime) == ["bo@example.com"]
