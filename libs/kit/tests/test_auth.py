"""Every way a token can be wrong is refused."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Annotated

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from runnerly_kit.app import create_app
from runnerly_kit.auth import JwksCache, RunnerAccess, TokenVerifier, reads_for_runner
from runnerly_kit.errors import ServiceUnavailable, Unauthorized
from runnerly_kit.settings import KitSettings
from runnerly_kit.testing import AUDIENCE, ISSUER, TestKeys, bearer


def _refused(client: TestClient, token: str, path: str = "/mine") -> str:
    response = client.get(path, headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    detail: str = response.json()["detail"]
    return detail.lower()


def test_a_good_user_token_is_accepted(client: TestClient, keys: TestKeys) -> None:
    response = client.get("/mine", headers=bearer(keys.token("u1", "runs:read")))

    assert response.status_code == 200
    assert response.json() == {"sub": "u1"}


def test_no_token(client: TestClient) -> None:
    assert client.get("/mine").status_code == 401


def test_alg_none(client: TestClient, keys: TestKeys) -> None:
    claims = jwt.decode(keys.token("u1", "runs:read"), options={"verify_signature": False})
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": keys.kid}).encode())
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode())
    token = f"{header.decode().rstrip('=')}.{payload.decode().rstrip('=')}."

    assert "algorithm" in _refused(client, token)


def test_hs256_signed_with_the_public_key(client: TestClient, keys: TestKeys) -> None:
    claims = jwt.decode(keys.token("u1", "runs:read"), options={"verify_signature": False})
    public = keys.private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    header = base64.urlsafe_b64encode(
        json.dumps({"alg": "HS256", "typ": "JWT", "kid": keys.kid}).encode()
    ).rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    import hashlib
    import hmac

    signature = base64.urlsafe_b64encode(
        hmac.new(public, header + b"." + payload, hashlib.sha256).digest()
    ).rstrip(b"=")
    token = (header + b"." + payload + b"." + signature).decode()

    assert "algorithm" in _refused(client, token)


def test_expired(client: TestClient, keys: TestKeys) -> None:
    past = int(time.time()) - 3600
    token = keys.token("u1", "runs:read", iat=past, exp=past + 60)

    assert "expired" in _refused(client, token)


def test_wrong_audience(client: TestClient, keys: TestKeys) -> None:
    assert "audience" in _refused(client, keys.token("u1", "runs:read", aud="someone-else"))


def test_wrong_issuer(client: TestClient, keys: TestKeys) -> None:
    assert "issuer" in _refused(client, keys.token("u1", "runs:read", iss="evil"))


@pytest.mark.parametrize("claim", ["sub", "exp", "iss", "aud", "iat"])
def test_missing_required_claim(client: TestClient, keys: TestKeys, claim: str) -> None:
    _refused(client, keys.token("u1", "runs:read", **{claim: None}))


def test_unknown_kid(client: TestClient) -> None:
    stranger = TestKeys(kid="stranger")

    assert "known key" in _refused(client, stranger.token("u1", "runs:read"))


def test_a_key_of_another_issuer_under_a_known_kid(client: TestClient, keys: TestKeys) -> None:
    impostor = TestKeys(kid=keys.kid)

    _refused(client, impostor.token("u1", "runs:read"))


def test_tampered_payload(client: TestClient, keys: TestKeys) -> None:
    header, payload, signature = keys.token("u1", "runs:read").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "u2"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    _refused(client, f"{header}.{forged}.{signature}")


def test_rs256_from_an_unknown_key(client: TestClient) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    token = jwt.encode(
        {
            "sub": "u1",
            "iss": "runnerly-tokendealer",
            "aud": "runnerly",
            "iat": now,
            "exp": now + 60,
            "scope": "runs:read",
        },
        key,
        algorithm="RS256",
        headers={"kid": "test-key"},
    )

    _refused(client, token)


def test_missing_scope_is_403(client: TestClient, keys: TestKeys) -> None:
    response = client.get("/mine", headers=bearer(keys.token("u1", "races:read")))

    assert response.status_code == 403
    assert "runs:read" in response.json()["detail"]


def test_a_service_token_cannot_act_as_a_runner(client: TestClient, keys: TestKeys) -> None:
    response = client.get("/mine", headers=bearer(keys.service_token("ingest", "runs:read")))

    assert response.status_code == 403


def test_a_service_token_with_its_scope(client: TestClient, keys: TestKeys) -> None:
    ok = client.get("/service-only", headers=bearer(keys.service_token("ingest", "runs:write")))
    without = client.get("/service-only", headers=bearer(keys.service_token("ingest", "runs:read")))

    assert ok.json() == {"service": True}
    assert without.status_code == 403


def test_jwks_is_refetched_on_an_unknown_kid_but_not_in_a_flood() -> None:
    first, second = TestKeys(kid="one"), TestKeys(kid="two")
    published = {"keys": first.jwks()["keys"]}
    fetches = []

    def fetch() -> dict[str, object]:
        fetches.append(1)
        return published

    now = [100.0]
    cache = JwksCache(fetch, clock=lambda: now[0])
    assert cache.key("one") is not None
    published = {"keys": first.jwks()["keys"] + second.jwks()["keys"]}
    # Within the refetch interval an unknown kid does not trigger another fetch.
    assert cache.key("two") is None
    assert cache.key("forged") is None
    assert len(fetches) == 1
    now[0] += 60  # the interval has passed
    assert cache.key("two") is not None
    assert len(fetches) == 2


@pytest.mark.parametrize("before", [{"keys": []}, {}], ids=["no-keys", "no-list"])
def test_a_jwks_fetched_before_the_first_key_does_not_hold_back_the_first_token(
    before: dict[str, object],
) -> None:
    # At a first start the services may ask for the keys before tokendealer has made one;
    # a set with no usable key must not stop the refetch of the first runner's token.
    key = TestKeys(kid="first")
    published = before

    cache = JwksCache(lambda: published)
    assert cache.key("first") is None  # asked before the key exists
    published = {"keys": key.jwks()["keys"]}

    assert cache.key("first") is not None


def test_while_the_keys_cannot_be_fetched_no_token_is_refused_as_signed_by_an_unknown_key() -> None:
    # A 401 makes the web app forget the runner's session: the token service being slow
    # or down is a 503, to retry, for every request until a fetch succeeds again.
    key = TestKeys(kid="k")
    now = [100.0]
    down = [True]
    fetches = []

    def fetch() -> dict[str, object]:
        fetches.append(now[0])
        if down[0]:
            raise httpx.ConnectTimeout("timed out")
        return key.jwks()

    cache = JwksCache(fetch, clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(ServiceUnavailable):
            cache.key("k")
    assert len(fetches) == 1  # not one slow attempt per waiting request
    down[0] = False
    now[0] += 1.5  # a failed fetch is retried within seconds, not after the refetch interval

    assert cache.key("k") is not None
    assert fetches == [100.0, 101.5]


def test_a_token_verifies_at_once_unless_its_key_must_be_fetched() -> None:
    keys = TestKeys(kid="k")
    verifier = TokenVerifier(JwksCache(keys.jwks), AUDIENCE, ISSUER)
    token = keys.token("u1", "runs:read")
    no_kid = jwt.encode({"sub": "u1"}, keys.private_key, algorithm="EdDSA")

    assert not verifier.verifies_at_once(token)  # its key is not fetched yet
    assert verifier.verifies_at_once("not a token")  # refused without a key
    assert verifier.verifies_at_once(no_kid)
    verifier.verify(token)
    assert verifier.verifies_at_once(token)  # remembered
    assert verifier.verifies_at_once(keys.token("u2", "runs:read"))  # its key at hand


def test_the_test_keys_refuse_a_fetch_made_on_an_event_loop() -> None:
    # What makes every service's tests fail a verifier that fetches on the loop.
    keys = TestKeys()
    app = FastAPI()
    keys.install(app)
    verifier: TokenVerifier = app.state.verifier

    async def on_the_loop() -> object:
        return verifier.jwks.key(keys.kid)

    with pytest.raises(AssertionError, match="event loop"):
        asyncio.run(on_the_loop())
    assert verifier.jwks.key(keys.kid) is not None  # off the loop, fetched


def test_jwks_down_is_a_503() -> None:
    def fetch() -> dict[str, object]:
        raise ValueError("not json")

    with pytest.raises(Exception) as caught:
        JwksCache(fetch).key("any")
    assert getattr(caught.value, "status", None) == 503
    assert not isinstance(caught.value, Unauthorized)


def test_a_verified_token_is_remembered_until_it_expires() -> None:
    keys = TestKeys()
    fetches = []

    def fetch() -> dict[str, object]:
        fetches.append(1)
        return keys.jwks()

    now = [time.time()]
    verifier = TokenVerifier(JwksCache(fetch), AUDIENCE, ISSUER, clock=lambda: now[0])
    token = keys.token("u1", "runs:read", ttl=60)
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"

    first = verifier.verify(token)
    again = verifier.verify(token)
    with pytest.raises(Unauthorized):
        verifier.verify(tampered)  # not remembered: checked, and refused
    now[0] += 61
    with pytest.raises(Unauthorized, match="expired"):
        verifier.verify(token)

    assert again is first
    assert first.sub == "u1"
    assert len(fetches) == 1


def test_remembered_tokens_are_bounded() -> None:
    keys = TestKeys()
    verifier = TokenVerifier(JwksCache(keys.jwks), AUDIENCE, ISSUER, kept=20)
    tokens = [keys.token(f"u{number}", "runs:read") for number in range(50)]

    principals = [verifier.verify(token) for token in tokens]

    assert [principal.sub for principal in principals] == [f"u{n}" for n in range(50)]
    assert len(verifier._verified) <= 20
    assert verifier.verify(tokens[-1]) is principals[-1]  # the newest are kept


@pytest.mark.parametrize("lifetime", [900 + 6, 3600, 10 * 365 * 24 * 3600])
def test_a_token_claiming_a_longer_life_than_the_maximum_is_refused(
    client: TestClient, keys: TestKeys, lifetime: int
) -> None:
    # Signed by the trusted key, not expired, right audience and issuer: only too long.
    assert "lifetime" in _refused(client, keys.token("u1", "runs:read", ttl=lifetime))


def test_a_token_of_the_maximum_lifetime_is_accepted(client: TestClient, keys: TestKeys) -> None:
    token = keys.token("u1", "runs:read", ttl=900)

    assert client.get("/mine", headers=bearer(token)).status_code == 200


def test_the_maximum_lifetime_follows_the_setting(keys: TestKeys) -> None:
    verifier = TokenVerifier(JwksCache(keys.jwks), AUDIENCE, ISSUER, max_lifetime=60)

    assert verifier.verify(keys.token("u1", "runs:read", ttl=60)).sub == "u1"
    with pytest.raises(Unauthorized, match="lifetime"):
        verifier.verify(keys.token("u1", "runs:read", ttl=120))


@pytest.mark.parametrize(
    ("claim", "value"),
    [("exp", 10**400), ("iat", -(10**400)), ("iat", -(2**1024))],
    ids=["exp-far-future", "iat-far-past", "iat-just-past-a-double"],
)
def test_a_time_too_large_for_a_number_is_refused_not_a_crash(
    client: TestClient, keys: TestKeys, claim: str, value: int
) -> None:
    # JSON integers have no bound, and the token library compares them as integers: a far
    # future expiry or a far past issue passes it, and reaches the lifetime check as is.
    assert "times" in _refused(client, keys.token("u1", "runs:read", **{claim: value}))


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b", "!!.!!.!!", "bm90IGpzb24.e30.e30"])
def test_a_malformed_token(client: TestClient, token: str) -> None:
    assert "malformed" in _refused(client, token or " ")


def test_a_token_without_a_key_id(client: TestClient, keys: TestKeys) -> None:
    claims = jwt.decode(keys.token("u1", "runs:read"), options={"verify_signature": False})
    # (A key id that is there but not a string, the token library calls malformed.)
    header, payload = (
        base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")
        for part in ({"alg": "EdDSA", "typ": "JWT"}, claims)
    )

    assert "key id" in _refused(client, f"{header}.{payload}.c2lnbmF0dXJl")


def test_only_usable_keys_of_the_jwks_are_kept() -> None:
    good, other = TestKeys(kid="good"), TestKeys(kid="other")
    [good_key] = good.jwks()["keys"]
    [other_key] = other.jwks()["keys"]
    hmac_key = json.loads(jwt.algorithms.HMACAlgorithm.to_jwk(b"a shared secret"))
    published = [
        {"kty": "nonsense", "kid": "broken"},
        {**other_key, "kid": None},  # no key id: no token could name it
        {**hmac_key, "kid": "hmac", "alg": "HS256"},  # an algorithm no service accepts
        good_key,
    ]
    cache = JwksCache(lambda: {"keys": published})

    assert cache.key("good") is not None
    assert cache._keys.keys() == {"good"}


class _Jwks(BaseHTTPRequestHandler):
    """Publishes whatever the test sets as the JWKS, with the status it sets."""

    body = b""
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def jwks_server() -> Iterator[tuple[str, type[_Jwks]]]:
    handler = type("Handler", (_Jwks,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json", handler
    finally:
        server.shutdown()
        server.server_close()


def test_keys_are_fetched_from_the_jwks_url(jwks_server: tuple[str, type[_Jwks]]) -> None:
    url, handler = jwks_server
    keys = TestKeys()
    handler.body = json.dumps(keys.jwks()).encode()
    verifier = TokenVerifier(JwksCache.from_url(url), AUDIENCE, ISSUER)

    assert verifier.verify(keys.token("u1", "runs:read")).sub == "u1"


@pytest.mark.parametrize(("status", "body"), [(500, b"{}"), (200, b"<html>"), (200, b"")])
def test_a_jwks_url_failing_or_not_json_is_a_503(
    jwks_server: tuple[str, type[_Jwks]], status: int, body: bytes
) -> None:
    url, handler = jwks_server
    handler.status, handler.body = status, body

    with pytest.raises(ServiceUnavailable):
        JwksCache.from_url(url).key("any")


def test_a_jwks_url_nobody_answers_is_a_503() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    # Nothing listens on the port any more: the connection is refused.
    with pytest.raises(ServiceUnavailable):
        JwksCache.from_url(f"http://127.0.0.1:{port}/jwks.json", timeout=1).key("any")


reads = APIRouter()


@reads.get("/runs")
def runs(access: Annotated[RunnerAccess, Depends(reads_for_runner("runs:read"))]) -> dict[str, str]:
    return {"runner": access.runner_id, "by": access.principal.sub}


@pytest.fixture
def reads_client(settings: KitSettings, keys: TestKeys) -> Iterator[TestClient]:
    app = create_app(settings, title="demo", routers=[reads])
    keys.install(app)
    with TestClient(app) as client:
        yield client


def test_a_runner_reads_their_own_data(reads_client: TestClient, keys: TestKeys) -> None:
    token = bearer(keys.token("u1", "runs:read"))

    assert reads_client.get("/runs", headers=token).json() == {"runner": "u1", "by": "u1"}
    assert reads_client.get("/runs?runner_id=u1", headers=token).json()["runner"] == "u1"
    other = reads_client.get("/runs?runner_id=u2", headers=token)
    assert other.status_code == 403


def test_a_service_reads_for_the_runner_it_names(reads_client: TestClient, keys: TestKeys) -> None:
    token = bearer(keys.service_token("plans", "runs:read"))

    named = reads_client.get("/runs?runner_id=u2", headers=token)
    unnamed = reads_client.get("/runs", headers=token)
    unscoped = reads_client.get(
        "/runs?runner_id=u2", headers=bearer(keys.service_token("plans", "races:read"))
    )

    assert named.json() == {"runner": "u2", "by": "plans"}
    assert unnamed.status_code == 422
    assert "runner_id" in unnamed.json()["detail"]
    assert unscoped.status_code == 403
