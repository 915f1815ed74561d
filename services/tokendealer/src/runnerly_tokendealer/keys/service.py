"""Signing keys: the newest signs; older ones stay published until the tokens they signed
have expired, then are pruned. And the access tokens they sign."""

from __future__ import annotations

import math
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt
import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runnerly_kit.auth import JwksCache
from runnerly_tokendealer.config import Settings
from runnerly_tokendealer.db import utcnow
from runnerly_tokendealer.keys import repository
from runnerly_tokendealer.keys.repository import StoredKey
from runnerly_tokendealer.keys.schemas import Jwk, JwkSet

log = structlog.get_logger()
ALGORITHM = "EdDSA"


class KeyStore:
    """The keys of one folder, re-read when the folder changes (a rotation by the CLI or by
    another replica), so a running server picks up a new signer without a restart."""

    def __init__(self, settings: Settings) -> None:
        self.directory = settings.keys_path
        # A retired key signed tokens that live this long after its successor appeared.
        self.retention = timedelta(seconds=settings.access_token_ttl)
        self._lock = threading.Lock()
        self._version = -1
        self._keys: list[StoredKey] = []
        self._public: dict[str, jwt.PyJWK] = {}

    def ensure_signer(self, now: datetime | None = None) -> str:
        """The signer's kid, creating a first key when the folder has none."""
        keys = self._current(now)
        if keys:
            return keys[-1].kid
        return self.rotate(now)

    def rotate(self, now: datetime | None = None) -> str:
        """Add a new key, which signs from now on; returns its kid."""
        now = now or utcnow()
        kid = repository.new_kid(now)
        repository.write_key(self.directory, kid, Ed25519PrivateKey.generate())
        log.info("keys.created", kid=kid)
        self._current(now)
        return kid

    def signer(self) -> StoredKey:
        keys = self._current()
        if not keys:
            raise RuntimeError(f"no signing key in {self.directory}")
        return keys[-1]

    def jwks(self, now: datetime | None = None) -> JwkSet:
        return JwkSet(keys=[_public_jwk(key) for key in self._current(now)])

    def public_key(self, kid: str) -> jwt.PyJWK | None:
        self._current()
        return self._public.get(kid)

    def _current(self, now: datetime | None = None) -> list[StoredKey]:
        """The published keys, oldest first, after pruning those whose time is up."""
        now = now or utcnow()
        with self._lock:
            version = repository.version(self.directory)
            if version != self._version:
                self._version = version
                self._load(repository.read_keys(self.directory))
            expired = self._expired(now)
            if expired:
                for key in expired:
                    repository.remove_key(self.directory, key.kid)
                    log.info("keys.pruned", kid=key.kid)
                self._version = repository.version(self.directory)
                self._load([key for key in self._keys if key not in expired])
            return list(self._keys)

    def _load(self, keys: list[StoredKey]) -> None:
        self._keys = keys
        self._public = {
            key.kid: jwt.PyJWK(_public_jwk(key).model_dump(), algorithm=ALGORITHM) for key in keys
        }

    def _expired(self, now: datetime) -> list[StoredKey]:
        return [
            key
            for key, successor in zip(self._keys, self._keys[1:], strict=False)
            if now >= successor.created_at + self.retention
        ]


class LocalJwks(JwksCache):
    """The kit's verifier fed straight from the key folder instead of over HTTP."""

    def __init__(self, store: KeyStore) -> None:
        super().__init__(lambda: store.jwks().model_dump())
        self._store = store

    def holds(self, kid: str) -> bool:
        return True  # read from the local folder: never waits on a fetch

    def key(self, kid: str) -> jwt.PyJWK | None:
        return self._store.public_key(kid)


def rotate_keys(settings: Settings, now: datetime | None = None) -> str:
    """Add a new signing key (the ``runnerly keys rotate`` command); returns its kid."""
    return KeyStore(settings).rotate(now)


def issue_access_token(
    store: KeyStore,
    settings: Settings,
    subject: str,
    scopes: str,
    client_id: str | None = None,
) -> str:
    """A short-lived JWT; a service's carries ``client_id`` equal to its ``sub``."""
    signer = store.signer()
    now = time.time()
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "scope": scopes,
        "jti": uuid.uuid4().hex,
        # In milliseconds: a password reset refuses the tokens issued before its instant,
        # and a login a moment after it (in the same second) must not be among them.
        "iat": math.floor(now * 1000) / 1000,
        "exp": int(now) + settings.access_token_ttl,
    }
    if client_id is not None:
        claims["client_id"] = client_id
    return jwt.encode(claims, signer.private_key, algorithm=ALGORITHM, headers={"kid": signer.kid})


def _public_jwk(key: StoredKey) -> Jwk:
    public = jwt.algorithms.OKPAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
    return Jwk(kty="OKP", crv="Ed25519", x=public["x"], kid=key.kid, alg="EdDSA", use="sig")
