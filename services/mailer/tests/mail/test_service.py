from __future__ import annotations

import mailbox
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from runnerly_mailer.mail import service
from runnerly_mailer.mail.schemas import MailRequest
from runnerly_mailer.mail.transports import SmtpTransport
from runnerly_mailer.models import OutgoingMail
from runnerly_mailer.runtime import Runtime

SENDER = "Runnerly <no-reply@runnerly.localhost>"


def confirmation(to: str = "ada@example.com") -> MailRequest:
    return MailRequest(
        to=to,
        subject="Confirm your email",
        text="Open http://127.0.0.1:8000/confirm?token=abc to confirm.",
        html="<p><a href='http://127.0.0.1:8000/confirm?token=abc'>Confirm</a></p>",
        user_id="u1",
    )


def test_send_delivers_into_the_maildir(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        assert service.send(
            session, runtime.transport, runtime.revocations, SENDER, "k1", confirmation()
        )

    assert runtime.maildir is not None
    [message] = mailbox.Maildir(runtime.maildir).values()
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Confirm your email"
    assert "confirm?token=abc" in message.get_payload()[0].get_payload()


def test_the_same_key_is_delivered_once(runtime: Runtime) -> None:
    for _ in range(3):
        with runtime.database.transaction() as session:
            service.send(
                session, runtime.transport, runtime.revocations, SENDER, "same-key", confirmation()
            )

    assert runtime.maildir is not None
    assert len(mailbox.Maildir(runtime.maildir)) == 1


def test_a_failed_delivery_leaves_nothing_marked_sent(runtime: Runtime) -> None:
    class Broken:
        def deliver(self, message: EmailMessage) -> None:
            raise OSError("connection refused")

    with pytest.raises(OSError), runtime.database.transaction() as session:
        service.send(session, Broken(), runtime.revocations, SENDER, "k2", confirmation())
    # The retry then delivers it exactly once.
    with runtime.database.transaction() as session:
        assert service.send(
            session, runtime.transport, runtime.revocations, SENDER, "k2", confirmation()
        )
    assert runtime.maildir is not None
    assert len(mailbox.Maildir(runtime.maildir)) == 1


def test_list_mailbox_is_newest_first_with_text_and_html(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        service.send(
            session, runtime.transport, runtime.revocations, SENDER, "a",
            confirmation("a@example.com"),
        )
        service.send(
            session, runtime.transport, runtime.revocations, SENDER, "b",
            confirmation("b@example.com"),
        )

    listing = service.list_mailbox(runtime.maildir, limit=10)

    assert {m.to for m in listing.items} == {"a@example.com", "b@example.com"}
    assert all("confirm?token=abc" in m.text for m in listing.items)
    assert all(m.html and "<a href" in m.html for m in listing.items)


def test_forget_user_removes_records_and_mailbox_copies(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        service.send(
            session, runtime.transport, runtime.revocations, SENDER, "a",
            confirmation("a@example.com"),
        )
        service.send(
            session, runtime.transport, runtime.revocations, SENDER, "b",
            confirmation("b@example.com"),
        )
    service.forget_user(runtime.maildir, "nobody", "a@example.com")

    assert [m.to for m in service.list_mailbox(runtime.maildir, 10).items] == ["b@example.com"]


class _Recorder:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        self.received.set()
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_peer() -> Iterator[tuple[_Recorder, int]]:
    recorder = _Recorder()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


def test_smtp_transport_delivers_to_a_real_smtp_server(
    runtime: Runtime, smtp_peer: tuple[_Recorder, int]
) -> None:
    recorder, port = smtp_peer
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}", timeout=5)

    with runtime.database.transaction() as session:
        service.send(session, transport, runtime.revocations, SENDER, "smtp-1", confirmation())
        service.send(session, transport, runtime.revocations, SENDER, "smtp-1", confirmation())

    assert recorder.received.wait(5)
    [envelope] = recorder.envelopes
    assert envelope.rcpt_tos == ["ada@example.com"]
    assert b"Subject: Confirm your email" in envelope.content  # type: ignore[operator]


def test_a_bad_smtp_url_is_refused() -> None:
    with pytest.raises(ValueError, match="smtp://"):
        SmtpTransport("http://mail.example.com", timeout=5)


def test_a_mail_for_a_deleted_runner_is_dropped_and_nothing_is_kept(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        runtime.revocations.record_deletion(session, "u1")

    with runtime.database.transaction() as session:
        sent = service.send(
            session, runtime.transport, runtime.revocations, SENDER, "late", confirmation()
        )

    assert sent is False
    assert runtime.maildir is None or len(mailbox.Maildir(runtime.maildir)) == 0
    with runtime.database.transaction() as session:
        assert session.scalars(sa.select(OutgoingMail)).all() == []


def test_the_log_of_sent_mail_keeps_no_address_subject_or_body(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        service.send(session, runtime.transport, runtime.revocations, SENDER, "k9",
                     confirmation("grace@example.com"))

    with runtime.database.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM outgoing_mail")).mappings().all()
    assert [row["key"] for row in rows] == ["k9"]
    assert not any("grace" in str(value) or "token=abc" in str(value)
                   for row in rows for value in row.values())
