"""The ``mailer.mail.send`` command and the ``user.deleted`` event, received as models."""

from __future__ import annotations

import mailbox
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from runnerly_kit.db import migrate
from runnerly_kit.messages import SendMail, UserDeleted
from runnerly_mailer.config import Settings
from runnerly_mailer.mail import tasks
from runnerly_mailer.runtime import MIGRATIONS_DIR, Runtime, build_runtime

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


class _Refuser:
    """An SMTP server that takes the connection and refuses every mail, for now."""

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        return "451 Try again later"


def _refusing_smtp() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_Refuser(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


class _RecipientRefuser:
    """An SMTP server that refuses every recipient by name, as a busy mailbox does."""

    async def handle_RCPT(  # noqa: N802
        self, server: object, session: object, envelope: object, address: str,
        rcpt_options: object,
    ) -> str:
        return f"450 4.2.1 <{address}>: mailbox busy"


def _recipient_refusing_smtp() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_RecipientRefuser(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def _closed_port() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield f"smtp://127.0.0.1:{port}"  # bound, then closed: nothing listens


RELAYS = [_refusing_smtp, _recipient_refusing_smtp, _closed_port]
RELAY_IDS = ["refused", "recipient-refused", "unreachable"]


@pytest.mark.parametrize("relay", RELAYS, ids=RELAY_IDS)
def test_each_failed_delivery_is_counted_and_a_mail_given_up_on_too(
    tmp_path: Path, relay: Callable[[], Iterator[str]]
) -> None:
    for smtp_url in relay():
        runtime = build_runtime(Settings(env="test", data_dir=tmp_path, smtp_url=smtp_url))
        migrate(runtime.database.url, MIGRATIONS_DIR)
        tasks.register(runtime)
        failures, undelivered = _sample("runnerly_mail_send_failures_total"), _sample(
            "runnerly_mails_undelivered_total"
        )
        sent = _sample("runnerly_mails_sent_total")

        with capture_logs() as logs:
            # Run eagerly, each retry at once: the first try and every retry fail.
            assert not _send(runtime, MAIL, "k-fails")

        attempts = runtime.celery.tasks[SendMail.name].max_retries + 1
        assert _sample("runnerly_mail_send_failures_total") - failures == attempts
        assert _sample("runnerly_mails_undelivered_total") - undelivered == 1
        assert _sample("runnerly_mails_sent_total") == sent
        [given_up] = [log for log in logs if log["event"] == "mail.undelivered"]
        assert given_up["key"] == "k-fails" and "ada@example.com" not in str(given_up)
        runtime.database.dispose()


@pytest.mark.parametrize("relay", RELAYS, ids=RELAY_IDS)
def test_a_failed_delivery_names_no_recipient(
    tmp_path: Path, relay: Callable[[], Iterator[str]], caplog: pytest.LogCaptureFixture
) -> None:
    # The failure is kept by the result backend and logged by the worker on each retry:
    # neither is a place for a runner's address (a relay's refusal quotes it back).
    for smtp_url in relay():
        runtime = build_runtime(Settings(env="test", data_dir=tmp_path, smtp_url=smtp_url))
        migrate(runtime.database.url, MIGRATIONS_DIR)
        tasks.register(runtime)

        with capture_logs() as logs:
            result = runtime.celery.tasks[SendMail.name].apply(kwargs=MAIL, task_id="k-private")

        assert result.failed()
        assert "ada@example.com" not in repr(result.result)
        assert "ada@example.com" not in str(result.traceback)
        assert "ada@example.com" not in str(logs)
        # The test's SMTP peer (aiosmtpd, logger "mail.log") may log what it received.
        ours = [record.getMessage() for record in caplog.records if record.name != "mail.log"]
        assert "ada@example.com" not in str(ours)
        runtime.database.dispose()


def test_a_delivered_mail_is_counted(runtime: Runtime) -> None:
    tasks.register(runtime)
    sent = _sample("runnerly_mails_sent_total")
    assert _send(runtime, MAIL, "k-counted")
    assert _send(runtime, MAIL, "k-counted")  # asked twice, sent once
    assert _sample("runnerly_mails_sent_total") - sent == 1


def _sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0
