"""Internationalised addresses are delivered (the domain IDNA-encoded, SMTPUTF8 when the
local part needs it), and no header can be injected through a subject or a display name."""

from __future__ import annotations

import email
import mailbox
import smtplib
import socket
import threading
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import ValidationError

from runnerly_mailer.mail import service
from runnerly_mailer.mail.schemas import MailRequest
from runnerly_mailer.mail.transports import MaildirTransport, SmtpTransport
from runnerly_mailer.runtime import Runtime

SENDER = "Runnerly <no-reply@runnerly.localhost>"
IDN = "runner@bücher.example"
IDN_ASCII = "runner@xn--bcher-kva.example"
EAI = "jürgen@bücher.example"
EAI_DELIVERED = "jürgen@xn--bcher-kva.example"
LINE_BREAKS = ["\r\n", "\n", "\r", "\v", "\f", "\x1c", "\x85", "\u2028", "\u2029"]


def mail(to: str, subject: str = "Confirm your email") -> MailRequest:
    return MailRequest(to=to, subject=subject, text="Open the link.", user_id="u1")


def _maildir(path: Path) -> list[EmailMessage]:
    box = mailbox.Maildir(
        path, factory=lambda f: email.message_from_binary_file(f, policy=policy.default),
        create=False,
    )
    return list(box.values())


class _Recorder:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        self.received.set()
        return "250 Message accepted for delivery"


def _peer(smtputf8: bool) -> Iterator[tuple[_Recorder, int]]:
    recorder = _Recorder()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(recorder, hostname="127.0.0.1", port=port,
                            enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


@pytest.fixture
def smtp_peer() -> Iterator[tuple[_Recorder, int]]:
    yield from _peer(smtputf8=True)


@pytest.fixture
def plain_smtp_peer() -> Iterator[tuple[_Recorder, int]]:
    yield from _peer(smtputf8=False)


def _send(runtime: Runtime, transport: object, request: MailRequest, key: str) -> None:
    with runtime.database.transaction() as session:
        service.send(session, transport, runtime.revocations, SENDER, key, request)  # type: ignore[arg-type]


def test_an_idn_domain_is_delivered_by_smtp_as_its_ascii_form(
    runtime: Runtime, plain_smtp_peer: tuple[_Recorder, int]
) -> None:
    recorder, port = plain_smtp_peer

    _send(runtime, SmtpTransport(f"smtp://127.0.0.1:{port}", timeout=5), mail(IDN), "idn-1")

    assert recorder.received.wait(5)
    [envelope] = recorder.envelopes
    assert envelope.rcpt_tos == [IDN_ASCII]
    content = envelope.original_content
    assert isinstance(content, bytes)
    assert f"\r\nTo: {IDN_ASCII}\r\n".encode() in content
    assert content.isascii()


def test_an_idn_domain_is_delivered_into_the_maildir_as_its_ascii_form(
    runtime: Runtime,
) -> None:
    _send(runtime, runtime.transport, mail(IDN), "idn-2")

    assert runtime.maildir is not None
    [message] = _maildir(runtime.maildir)
    assert message["To"] == IDN_ASCII
    assert [m.to for m in service.list_mailbox(runtime.maildir, 10).items] == [IDN_ASCII]


def test_a_non_ascii_local_part_goes_by_smtputf8_when_the_server_offers_it(
    runtime: Runtime, smtp_peer: tuple[_Recorder, int]
) -> None:
    recorder, port = smtp_peer

    _send(runtime, SmtpTransport(f"smtp://127.0.0.1:{port}", timeout=5), mail(EAI), "eai-1")

    assert recorder.received.wait(5)
    [envelope] = recorder.envelopes
    assert envelope.rcpt_tos == [EAI_DELIVERED]
    assert "SMTPUTF8" in envelope.mail_options
    content = envelope.original_content
    assert isinstance(content, bytes)
    assert f"\r\nTo: {EAI_DELIVERED}\r\n".encode() in content


def test_a_non_ascii_local_part_is_not_sent_to_a_server_without_smtputf8(
    runtime: Runtime, plain_smtp_peer: tuple[_Recorder, int]
) -> None:
    recorder, port = plain_smtp_peer
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}", timeout=5)

    with pytest.raises(smtplib.SMTPNotSupportedError):
        _send(runtime, transport, mail(EAI), "eai-2")
    assert recorder.envelopes == []


def test_a_non_ascii_local_part_is_kept_whole_in_the_maildir(runtime: Runtime) -> None:
    _send(runtime, runtime.transport, mail(EAI, subject="Grüße"), "eai-3")

    assert runtime.maildir is not None
    [message] = _maildir(runtime.maildir)
    assert message["To"] == EAI_DELIVERED
    listed = service.list_mailbox(runtime.maildir, 10).items
    assert [(m.to, m.subject) for m in listed] == [(EAI_DELIVERED, "Grüße")]
    service.forget_user(runtime.maildir, "someone", EAI)
    assert _maildir(runtime.maildir) == []


@pytest.mark.parametrize("newline", LINE_BREAKS, ids=lambda c: f"U+{ord(c[0]):04X}")
def test_a_subject_with_a_line_break_is_refused(newline: str) -> None:
    with pytest.raises(ValidationError, match="subject"):
        mail("ada@example.com", subject=f"Hello{newline}Bcc: evil@example.org")


@pytest.mark.parametrize("newline", LINE_BREAKS, ids=lambda c: f"U+{ord(c[0]):04X}")
def test_no_header_is_injected_even_past_validation(newline: str, tmp_path: Path) -> None:
    request = MailRequest.model_construct(
        to="ada@example.com", subject=f"Hello{newline}Bcc: evil@example.org",
        text="x", html=None, user_id=None, attachments=[], inline_images=[], headers={},
    )

    try:
        message = service.build_message(request, SENDER, "k")
    except ValueError:
        return  # refused: nothing built, nothing sent
    MaildirTransport(tmp_path / "box").deliver(message)
    [stored] = _maildir(tmp_path / "box")
    assert stored["Bcc"] is None
    assert "Bcc" not in stored.as_string().split("\n\n", 1)[0].replace("Hello Bcc", "")


@pytest.mark.parametrize(
    "sender",
    ["Rünnerly Läufer <no-reply@runnerly.localhost>", '"Runnerly, the club" <a@b.example>',
     "=?utf-8?q?Runnerly?= <a@b.example>"],
)
def test_a_sender_display_name_is_encoded(sender: str, tmp_path: Path) -> None:
    message = service.build_message(mail("ada@example.com"), sender, "k")
    MaildirTransport(tmp_path / "box").deliver(message)

    [stored] = _maildir(tmp_path / "box")
    raw = stored.as_bytes(policy=policy.SMTP)
    assert raw.isascii()
    assert str(stored["From"]) == str(message["From"])
