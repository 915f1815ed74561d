"""Test helpers every service's tests share: a signing key and tokens like tokendealer's."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI

from runnerly_kit.auth import JwksCache, TokenVerifier

AUDIENCE = "runnerly"
ISSUER = "runnerly-tokendealer"


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
        app.state.verifier = TokenVerifier(JwksCache(self.jwks), AUDIENCE, ISSUER)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
