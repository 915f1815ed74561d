"""Unsubscribe tokens: the runner id and an HMAC-SHA256 of it, so a mailed link opts its
runner out without a login, and no one can forge one for another runner.

They do not expire: a link in a mail from last year must still work (RFC 8058 asks the
one-click link to keep working). Rotating the key invalidates every link mailed before.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from runnerly_kit.errors import BadRequest

PURPOSE = b"runnerly.reports.unsubscribe:"
MAX_TOKEN_LENGTH = 300


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, runner_id: str) -> bytes:
    return hmac.new(key, PURPOSE + runner_id.encode(), hashlib.sha256).digest()


def sign(key: bytes, runner_id: str) -> str:
    return f"{_b64(runner_id.encode())}.{_b64(_mac(key, runner_id))}"


def verify(key: bytes, token: str) -> str:
    """The runner id the token was signed for; ``BadRequest`` for anything else."""
    invalid = BadRequest("This unsubscribe link is not valid; open your report settings "
                         "to stop the monthly mail instead.")
    encoded_id, _, encoded_mac = token.partition(".")
    try:
        runner_id = _unb64(encoded_id).decode()
        mac = _unb64(encoded_mac)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    if not runner_id or not hmac.compare_digest(mac, _mac(key, runner_id)):
        raise invalid
    return runner_id
