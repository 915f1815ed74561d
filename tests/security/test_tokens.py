"""Every forged, stale or misdirected token is refused, on every service that checks one.

The kit's own tests cover the verifier in depth; these make sure each service wires it in
(and tokendealer, which trusts its own key folder, checks as strictly).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from runnerly_kit.testing import TestKeys

USER_SCOPES = (
    "profile:read profile:write runs:read runs:delete runs:import races:read races:write "
    "stats:read plans:read plans:write reports:read reports:write"
)


@dataclass
class Target:
    client: TestClient
    path: str  # an endpoint a runner's token with USER_SCOPES may call
    key: Ed25519PrivateKey  # the key the service trusts
    kid: str
    scopes: str = USER_SCOPES

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": "runnerly-tokendealer",
            "aud": "runnerly",
            "sub": "runner-1",
            "scope": self.scopes,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + 300,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": kid or self.kid})

    def status(self, token: str) -> int:
        return self.client.get(self.path, headers={"Authorization": f"Bearer {token}"}).status_code


def _app(service: str, data_dir: Path) -> Any:
    config = importlib.import_module(f"runnerly_{service}.config")
    main = importlib.import_module(f"runnerly_{service}.main")
    extra = {"argon2_time_cost": 1, "argon2_memory_kib": 1024} if service == "tokendealer" else {}
    return main.create_app(config.Settings(env="test", data_dir=data_dir, **extra))


@pytest.fixture(params=["dataservice", "mailer", "tokendealer", "ingest", "plans", "reports"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    service = request.param
    app = _app(service, tmp_path)
    keys = TestKeys()
    if service != "tokendealer":  # tokendealer trusts its own key folder
        keys.install(app)
    with TestClient(app) as client:
        if service == "tokendealer":
            signer = app.state.runtime.keys.signer()
            yield Target(client, "/accounts/me", signer.private_key, signer.kid)
        elif service == "mailer":
            yield Target(client, "/messages", keys.private_key, keys.kid, scopes="mail:read")
        elif service in ("plans", "reports"):
            yield Target(client, f"/{service}", keys.private_key, keys.kid)
        elif service == "ingest":
            yield Target(client, "/strava", keys.private_key, keys.kid)
        else:
            yield Target(client, "/profile", keys.private_key, keys.kid)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unsigned(claims: dict[str, Any], kid: str) -> str:
    header = _b64(json.dumps({"alg": "none", "kid": kid}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def _hs256_with_public_key(target: Target) -> str:
    public = target.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": target.kid}).encode())
    body = _b64(json.dumps(target.claims()).encode())
    signature = hmac.new(public, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def _tampered(target: Target) -> str:
    head, _, signature = target.sign(target.claims()).split(".")
    return f"{head}.{_b64(json.dumps(target.claims(sub='runner-2')).encode())}.{signature}"


FORGERIES: dict[str, Callable[[Target], str]] = {
    "alg none": lambda t: _unsigned(t.claims(), t.kid),
    "HS256 signed with the public key": _hs256_with_public_key,
    "expired": lambda t: t.sign(t.claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)),
    "wrong audience": lambda t: t.sign(t.claims(aud="another-app")),
    "wrong issuer": lambda t: t.sign(t.claims(iss="https://evil.example")),
    "no expiry": lambda t: t.sign(t.claims(exp=None)),
    "no subject": lambda t: t.sign(t.claims(sub=None)),
    "unknown kid": lambda t: t.sign(t.claims(), kid="not-a-key-we-know"),
    "signed by another key": lambda t: jwt.encode(
        t.claims(), Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": t.kid}
    ),
    "tampered payload": _tampered,
    "garbage": lambda t: "not.a.jwt",
}


def test_a_good_token_is_accepted(target: Target) -> None:
    # Past authentication: tokendealer then answers 404, as this runner has no account.
    assert target.status(target.sign(target.claims())) in (200, 404)


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_forged_or_stale_tokens_are_refused(target: Target, forgery: str) -> None:
    assert target.status(FORGERIES[forgery](target)) == 401


def test_a_token_without_the_scope_is_forbidden(target: Target) -> None:
    assert target.status(target.sign(target.claims(scope="something:else"))) == 403
