from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from runnerly_kit.auth import JwksCache, TokenVerifier
from runnerly_kit.errors import Unauthorized
from runnerly_tokendealer.config import Settings
from runnerly_tokendealer.keys.service import rotate_keys
from runnerly_tokendealer.main import create_app


def test_jwks_publishes_the_public_signing_key(client: TestClient) -> None:
    response = client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    [key] = response.json()["keys"]
    assert set(key) == {"kty", "crv", "x", "kid", "alg", "use"}
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert "d" not in key


def test_issued_user_tokens_verify_with_the_kit_verifier(
    registered: Callable[..., Any], verifier: TokenVerifier
) -> None:
    tokens = registered("ada@example.com")

    principal = verifier.verify(tokens["access_token"])

    assert principal.kind == "user"
    assert "runs:read" in principal.scopes
    assert len(principal.sub) == 32


def test_a_rotation_while_running_signs_with_the_new_key_and_keeps_the_old_one(
    client: TestClient,
    settings: Settings,
    registered: Callable[..., Any],
    password: str,
    verifier: TokenVerifier,
) -> None:
    before = registered("ada@example.com")
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]

    new_kid = rotate_keys(settings)

    after = client.post("/login", json={"email": "ada@example.com", "password": password}).json()
    assert jwt.get_unverified_header(after["access_token"])["kid"] == new_kid
    published = [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]]
    assert published == [old_kid, new_kid]
    assert verifier.verify(before["access_token"]).sub == verifier.verify(after["access_token"]).sub
    me = client.get("/accounts/me", headers={"Authorization": f"Bearer {after['access_token']}"})
    assert me.status_code == 200


def test_a_token_signed_by_a_pruned_key_is_refused(settings: Settings) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    old_kid = rotate_keys(settings, long_ago)
    old_pem = (settings.keys_path / f"{old_kid}.pem").read_bytes()
    rotate_keys(settings, long_ago + timedelta(minutes=30))
    private_key = serialization.load_pem_private_key(old_pem, password=None)
    now = int(datetime.now(UTC).timestamp())
    forged = jwt.encode(
        {
            "iss": "runnerly-tokendealer",
            "aud": "runnerly",
            "sub": "someone",
            "scope": "runs:read",
            "iat": now,
            "exp": now + 300,
        },
        private_key,  # type: ignore[arg-type]
        algorithm="EdDSA",
        headers={"kid": old_kid},
    )

    with TestClient(create_app(settings)) as client:
        published = [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]]
        verifier = TokenVerifier(
            JwksCache(lambda: client.get("/.well-known/jwks.json").json()),
            "runnerly",
            "runnerly-tokendealer",
        )
        assert old_kid not in published
        assert not (settings.keys_path / f"{old_kid}.pem").exists()
        with pytest.raises(Unauthorized, match="not signed by a known key"):
            verifier.verify(forged)
        refused = client.get("/accounts/me", headers={"Authorization": f"Bearer {forged}"})
        assert refused.status_code == 401
