"""Where mail goes: an SMTP server, or a local Maildir in the embedded default.

Both speak one protocol so the service never knows which one it has.
"""

from __future__ import annotations

import mailbox
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit


class MailTransport(Protocol):
    def deliver(self, message: EmailMessage) -> None: ...

    def describe(self) -> dict[str, str]:
        """Where mail goes, for the log (never a password)."""
        ...


class MaildirTransport:
    def __init__(self, path: Path) -> None:
        self.path = path

    def deliver(self, message: EmailMessage) -> None:
        mailbox.Maildir(self.path, create=True).add(message)

    def describe(self) -> dict[str, str]:
        return {"transport": "maildir", "maildir": str(self.path.resolve())}


class SmtpTransport:
    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("The SMTP URL must look like smtp://user:password@host:port")
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def describe(self) -> dict[str, str]:
        return {
            "transport": "smtp",
            "smtp_host": f"{self.host}:{self.port}",
            "tls": "implicit" if self.implicit_tls else "starttls when offered",
        }

    def deliver(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self.implicit_tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            client.ehlo()
            if not self.implicit_tls and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            if self.username and self.password:
                client.login(self.username, self.password)
            client.send_message(message)


def transport_for(smtp_url: str, maildir: Path, timeout: float) -> MailTransport:
    if smtp_url:
        return SmtpTransport(smtp_url, timeout)
    return MaildirTransport(maildir)
