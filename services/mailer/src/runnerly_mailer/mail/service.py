"""Mail delivery: each asked-for mail is delivered once, whoever asks twice."""

from __future__ import annotations

import email
import mailbox
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid, parsedate_to_datetime
from pathlib import Path

import structlog
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from runnerly_kit.errors import NotFound
from runnerly_kit.revocations import Revocations
from runnerly_mailer.mail import repository
from runnerly_mailer.mail.schemas import MailboxList, MailboxMessage, MailRequest
from runnerly_mailer.mail.transports import MailTransport
from runnerly_mailer.models import OutgoingMail

log = structlog.get_logger()


# Headers fold at whitespace up to RFC 5322's hard limit: a List-Unsubscribe URI is one long
# word, which the default 78 would turn into an encoded-word no mail client reads as a URI.
MESSAGE_POLICY = policy.default.clone(max_line_length=998)
# Headers in UTF-8 (RFC 6532), for a recipient whose local part is not ASCII: an encoded
# word is no address, so such a mail goes whole, by SMTPUTF8, or not at all.
INTERNATIONAL_POLICY = MESSAGE_POLICY.clone(utf8=True)


def recipient(address: str) -> str:
    """``address`` as mail carries it: the domain in its ASCII (IDNA) form, which every
    server and client reads; the local part as given, which needs SMTPUTF8 when not ASCII.
    Without this, ``bücher.example`` became an encoded word in ``To:``, and no server
    delivered it."""
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return address
    return f"{checked.local_part}@{checked.ascii_domain}"


def build_message(request: MailRequest, sender: str, key: str) -> EmailMessage:
    to = recipient(str(request.to))
    message = EmailMessage(policy=MESSAGE_POLICY if to.isascii() else INTERNATIONAL_POLICY)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = request.subject
    message["Date"] = datetime.now(UTC)
    message["Message-ID"] = make_msgid(idstring=key, domain="runnerly.localhost")
    for name, value in request.headers.items():
        message[name] = value
    message.set_content(request.text)
    if request.html:
        message.add_alternative(request.html, subtype="html")
        if request.inline_images:
            # text/html becomes multipart/related: the HTML and the images it shows by cid.
            html_part = message.get_body(preferencelist=("html",))
            assert isinstance(html_part, EmailMessage)
            for image in request.inline_images:
                maintype, subtype = image.content_type.split("/")
                html_part.add_related(
                    image.content, maintype, subtype, cid=f"<{image.content_id}>",
                    disposition="inline",
                )
    for attachment in request.attachments:
        maintype, subtype = attachment.content_type.split("/")
        message.add_attachment(
            attachment.content, maintype, subtype, filename=attachment.filename
        )
    return message


def send(
    session: Session,
    transport: MailTransport,
    revocations: Revocations,
    sender: str,
    key: str,
    request: MailRequest,
) -> bool:
    """Deliver ``request`` unless the mail with this ``key`` was already sent, or its
    runner's account is gone.

    Returns whether it was delivered now. The row is locked while delivering, so two
    workers handed the same message cannot both send it.
    """
    if request.user_id is not None and not revocations.admits(session, request.user_id):
        # Asked for before the deletion (a report queued a moment earlier): never sent.
        log.info("mail.dropped_deleted_runner", key=key, user_id=request.user_id)
        return False
    mail = repository.get_by_key(session, key)
    if mail is None:
        mail = OutgoingMail(key=key, created_at=datetime.now(UTC))
        repository.add(session, mail)
    if mail.sent_at is not None:
        log.info("mail.duplicate_ignored", key=key)
        return False
    transport.deliver(build_message(request, sender, key))
    mail.sent_at = datetime.now(UTC)
    log.info("mail.sent", key=key)
    return True


def forget_user(maildir: Path | None, user_id: str, email: str) -> None:
    """Delete the local mailbox's copies of the user's mail (the log of sent mail names
    nobody), whichever form of the address (as given, or with its domain in IDNA) they
    were sent to."""
    addresses = {email, recipient(email)}
    if maildir is not None and maildir.exists():
        box = mailbox.Maildir(maildir, create=False)
        for key, message in list(_mails(box)):
            if str(message["To"]) in addresses:
                box.discard(key)
    log.info("mail.user_forgotten", user_id=user_id)


def list_mailbox(maildir: Path | None, limit: int) -> MailboxList:
    """The local mailbox, newest first (a development setup only)."""
    if maildir is None:
        raise NotFound(
            "There is no local mailbox to show here: it is shown only in development, on a "
            "loopback public URL, with mail delivered to a Maildir."
        )
    if not maildir.exists():
        return MailboxList(items=[])
    box = mailbox.Maildir(maildir, create=False)
    items = [_read(key, message) for key, message in _mails(box)]
    items.sort(key=lambda m: m.date or datetime.min.replace(tzinfo=UTC), reverse=True)
    return MailboxList(items=items[:limit])


def _mails(box: mailbox.Maildir) -> Iterator[tuple[str, EmailMessage]]:
    """The mailbox's mails, read as RFC 6532 allows (headers in UTF-8): mailbox's own
    parser (compat32) garbles them."""
    for key in box.iterkeys():
        yield key, email.message_from_bytes(box.get_bytes(key), policy=policy.default)


def _read(key: str, message: EmailMessage) -> MailboxMessage:
    text, html = "", None
    for part in message.walk():
        if part.get_content_maintype() == "multipart" or part.get_content_disposition() in (
            "attachment",
            "inline",
        ):
            continue
        payload = part.get_payload(decode=True)
        content = (
            payload.decode(part.get_content_charset() or "utf-8", "replace")
            if isinstance(payload, bytes)
            else ""
        )
        if part.get_content_type() == "text/plain" and not text:
            text = content
        elif part.get_content_type() == "text/html" and html is None:
            html = content
    date = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    return MailboxMessage(
        id=key,
        to=str(message["To"]),
        subject=str(message["Subject"]),
        date=date,
        text=text,
        html=html,
    )
