"""Opaque tokens (refresh tokens, link tokens): random, and stored only as a digest, so a
copy of the database lets no one use them."""

from __future__ import annotations

import hashlib
import secrets

# Bytes of randomness in a token (256 bits).
TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
