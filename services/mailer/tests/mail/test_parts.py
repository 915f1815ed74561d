"""Attachments, inline images and the safe extra headers: validated, then delivered whole
to the Maildir and to a real SMTP server."""

from __future__ import annotations

import base64
import email
import mailbox
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import ValidationError

from runnerly_mailer.mail import service
from runnerly_mailer.mail.schemas import MAX_PART_BYTES, MailRequest
from runnerly_mailer.mail.transports import SmtpTransport
from runnerly_mailer.runtime import Runtime

SENDER = "Runnerly <no-reply@runnerly.localhost>"
PDF = b"%PDF-1.4\n% a tiny stand-in\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
UNSUBSCRIBE = (
    "<http://127.0.0.1:8000/api/reports/unsubscribe?token="
    "YWxpY2U.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8tbmVlZC1mb2xkaW5n>"
)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def report_mail(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "to": "ada@example.com",
        "subject": "Your October 2026 in running",
        "text": "Distance: 123.4 km",
        "html": "<p>Distance: 123.4 km</p><img src='cid:chart@runnerly'>",
        "user_id": "u1",
        "attachments": [
            {"filename": "report-2026-10.pdf", "content_type": "application/pdf",
             "content_b64": b64(PDF)}
        ],
        "inline_images": [
            {"content_id": "chart@runnerly", "content_type": "image/png", "content_b64": b64(PNG)}
        ],
        "headers": {
            "List-Unsubscribe": UNSUBSCRIBE,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }
    fields.update(overrides)
    return fields


def parts_of(message: email.message.Message) -> dict[str, Any]:
    found: dict[str, Any] = {"attachments": {}, "images": {}}
    for part in message.walk():
        disposition = part.get_content_disposition()
        if disposition == "attachment":
            found["attachments"][part.get_filename()] = (
                part.get_content_type(), part.get_payload(decode=True)
            )
        elif part.get_content_type() == "image/png":
            found["images"][part["Content-ID"]] = part.get_payload(decode=True)
        elif part.get_content_type() == "text/html":
            found["html"] = part.get_payload(decode=True).decode()
    return found


def test_a_mail_carries_the_pdf_the_chart_and_the_unsubscribe_headers(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        assert service.send(session, runtime.transport, runtime.revocations, SENDER, "r1",
                            MailRequest.model_validate(report_mail()))

    assert runtime.maildir is not None
    [message] = mailbox.Maildir(runtime.maildir).values()
    assert message["List-Unsubscribe"] == UNSUBSCRIBE  # one line, not an encoded-word
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = parts_of(message)
    assert found["attachments"] == {"report-2026-10.pdf": ("application/pdf", PDF)}
    assert found["images"] == {"<chart@runnerly>": PNG}
    assert "cid:chart@runnerly" in found["html"]
    # The HTML and its image are one multipart/related, beside the text alternative.
    types = [part.get_content_type() for part in message.walk()]
    assert types[:4] == ["multipart/mixed", "multipart/alternative", "text/plain",
                         "multipart/related"]


def test_the_mailbox_page_shows_the_text_and_html_not_the_attachments(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        service.send(session, runtime.transport, runtime.revocations, SENDER, "r2",
                     MailRequest.model_validate(report_mail()))

    [item] = service.list_mailbox(runtime.maildir, 10).items
    assert item.text.strip() == "Distance: 123.4 km"
    assert item.html is not None and "123.4 km" in item.html


def test_existing_mails_without_parts_are_unchanged(runtime: Runtime) -> None:
    plain = MailRequest(to="ada@example.com", subject="Confirm", text="Open the link.")
    message = service.build_message(plain, SENDER, "k")

    assert message.get_content_type() == "text/plain"
    assert message["List-Unsubscribe"] is None


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"headers": {"Bcc": "eve@example.com"}}, "may not be set"),
        ({"headers": {"List-Unsubscribe": "<http://x/\r\nBcc: eve@example.com>"}}, "one line"),
        ({"headers": {"List-Unsubscribe": "http://no-angle-brackets"}}, "List-Unsubscribe must"),
        ({"headers": {"List-Unsubscribe": UNSUBSCRIBE, "List-Unsubscribe-Post": "yes"}},
         "List-Unsubscribe-Post must"),
        ({"headers": {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}},
         "needs an https List-Unsubscribe"),
        ({"attachments": [{"filename": "x.exe", "content_type": "application/x-msdownload",
                           "content_b64": b64(b"MZ")}]}, "attachments may be"),
        ({"attachments": [{"filename": "../../etc/passwd", "content_type": "text/plain",
                           "content_b64": b64(b"x")}]}, "filename"),
        ({"attachments": [{"filename": "a.pdf", "content_type": "application/pdf",
                           "content_b64": "not base64!"}]}, "base64"),
        ({"html": None}, "send html too"),
        ({"inline_images": [
            {"content_id": "same", "content_type": "image/png", "content_b64": b64(PNG)},
            {"content_id": "same", "content_type": "image/png", "content_b64": b64(PNG)},
        ]}, "its own content_id"),
        ({"attachments": [{"filename": "big.pdf", "content_type": "application/pdf",
                           "content_b64": b64(b"x" * (MAX_PART_BYTES + 1))}]}, "larger than"),
        ({"attachments": [
            {"filename": f"p{i}.pdf", "content_type": "application/pdf",
             "content_b64": b64(b"x" * (MAX_PART_BYTES - 10))} for i in range(3)
        ]}, "together exceed"),
        ({"subject": "Hello\r\nBcc: eve@example.com"}, "contains a line break"),
    ],
)
def test_unsafe_or_oversized_parts_are_refused(overrides: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        MailRequest.model_validate(report_mail(**overrides))


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


def test_smtp_delivers_the_parts_whole(runtime: Runtime, smtp_peer: tuple[_Recorder, int]) -> None:
    recorder, port = smtp_peer
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}", timeout=5)

    with runtime.database.transaction() as session:
        service.send(session, transport, runtime.revocations, SENDER, "smtp-parts",
                     MailRequest.model_validate(report_mail()))

    assert recorder.received.wait(5)
    [envelope] = recorder.envelopes
    assert isinstance(envelope.content, bytes)
    message = email.message_from_bytes(envelope.content, policy=default_policy)
    assert isinstance(message, EmailMessage)
    assert message["List-Unsubscribe"] == UNSUBSCRIBE
    found = parts_of(message)
    assert found["attachments"]["report-2026-10.pdf"] == ("application/pdf", PDF)
    assert found["images"]["<chart@runnerly>"] == PNG
