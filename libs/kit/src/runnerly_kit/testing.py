"""Test helpers every service's tests share: a signing key and tokens like tokendealer's."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI

from runnerly_kit.auth import JwksCache, TokenVerifier

AUDIENCE = "runnerly"
ISSUER = "runnerly-tokendealer"
# A server on which each test gets a database of its own (``scripts/infra.sh urls``).
POSTGRES_URL = os.environ.get("RUNNERLY_TEST_POSTGRES_URL")
# Every service's tests run on SQLite, and on PostgreSQL too when a server is named.
DATABASE_BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


@contextmanager
def database_for_test(backend: str, service: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database for one test: a SQLite file under ``tmp_path``, or a
    PostgreSQL database created for it and dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{service}.sqlite'}"
        return
    assert POSTGRES_URL is not None, "set RUNNERLY_TEST_POSTGRES_URL"
    name = f"runnerly_test_{service}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)
        admin.dispose()


def _drop_database(admin: sa.Engine, name: str, attempts: int = 5) -> None:
    # A session that is still closing (or a server process visiting the new database) can
    # make the first attempt fail; it is gone a moment later.
    tried = 0
    while True:  # until dropped, or the last attempt's error is raised
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except sa.exc.DBAPIError:
            tried += 1
            if tried >= attempts:
                raise
            time.sleep(1)


class TestKeys:
    """An Ed25519 key published as a JWKS, and tokens signed with it."""

    __test__ = False  # not a pytest class

    def __init__(self, kid: str = "test-key") -> None:
        self.kid = kid
        self.private_key = Ed25519PrivateKey.generate()

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.private_key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    def token(
        self,
        sub: str,
        scopes: str = "",
        /,
        *,
        client_id: str | None = None,
        ttl: int = 300,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": sub,
            "scope": scopes,
            "iat": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
        }
        if client_id:
            claims["client_id"] = client_id
        claims.update(overrides)
        claims = {key: value for key, value in claims.items() if value is not None}
        return jwt.encode(claims, self.private_key, algorithm="EdDSA", headers={"kid": self.kid})

    def service_token(self, client_id: str, scopes: str) -> str:
        return self.token(client_id, scopes, client_id=client_id)

    def install(self, app: FastAPI) -> None:
        """Make ``app`` trust these keys instead of fetching tokendealer's."""
        app.state.verifier = TokenVerifier(JwksCache(self._jwks_off_the_loop), AUDIENCE, ISSUER)

    def _jwks_off_the_loop(self) -> dict[str, Any]:
        # Tokendealer's set is fetched by a blocking HTTP request: on the event loop it
        # would stall every request of the process, and in the embedded default, where
        # tokendealer answers on that same loop, the fetch itself until it times out.
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self.jwks()
        raise AssertionError("the token service's keys were fetched on the event loop")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class PeerCallWatch:
    """The peer requests a service makes while the calling thread holds a connection of its
    database: a transaction kept open across a call to another service, holding its locks
    (and a connection of the pool) for as long as the peer takes to answer.

    Serve the peers through ``transport()``, then ``watch(engine)`` once the service's
    engine exists; who holds a connection is kept from the pool's own events.
    """

    def __init__(self, peers: Callable[[httpx.Request], httpx.Response]) -> None:
        self.peers = peers
        # Every request served, and those made while holding a connection: "GET host/path".
        self.requests: list[str] = []
        self.in_transaction: list[str] = []
        self._holders: dict[int, int] = {}  # connection record -> thread holding it

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def watch(self, engine: sa.Engine) -> None:
        sa.event.listen(engine, "checkout", self._checkout)
        sa.event.listen(engine, "checkin", self._checkin)

    def _checkout(self, _: Any, record: Any, __: Any) -> None:
        self._holders[id(record)] = threading.get_ident()

    def _checkin(self, _: Any, record: Any) -> None:
        # Sessions may be closed on another thread than the one that used them.
        self._holders.pop(id(record), None)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        call = f"{request.method} {request.url.host}{request.url.path}"
        self.requests.append(call)
        if threading.get_ident() in self._holders.values():
            self.in_transaction.append(call)
        return self.peers(request)
