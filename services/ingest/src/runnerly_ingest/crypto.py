"""Strava tokens are encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) with the
configured keys, the first encrypting and all of them decrypting, so keys can rotate."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class TokenCipher:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("RUNNERLY_INGEST_TOKEN_KEY names no key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode()

    def decrypt(self, stored: str) -> str:
        try:
            return self._fernet.decrypt(stored.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("a stored Strava token cannot be decrypted with these keys") from exc

    def rotate(self, stored: str) -> str:
        """Re-encrypt with the first (newest) key."""
        try:
            return self._fernet.rotate(stored.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("a stored Strava token cannot be decrypted with these keys") from exc
