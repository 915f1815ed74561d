"""Integration tests: the real processes (``runnerly up``), driven through ``/api``.

They run twice: on the embedded default and at scale. The ``system`` fixture, one per
column for the session, is in ``tests/conftest.py``; starting a system is shared with the
browser tests: ``tests/system.py``.
"""

from __future__ import annotations

import re
from email.message import Message

from ..system import System, wait_until

__all__ = ["CONFIRM_LINK", "System", "text_of", "wait_until"]

CONFIRM_LINK = re.compile(r"/confirm\?token=([A-Za-z0-9_\-]+)")


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text part")
