"""JWT verification for every service: keys from tokendealer's JWKS, scopes per endpoint."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Query, Request

from runnerly_kit.db import SessionDep
from runnerly_kit.errors import Forbidden, InvalidInput, ServiceUnavailable, Unauthorized
from runnerly_kit.revocations import Revocations

# Asymmetric algorithms only: "none" and HMAC (which an attacker could sign with the
# public key) are never accepted.
ALLOWED_ALGORITHMS = ("EdDSA", "RS256")
REQUIRED_CLAIMS = ("iss", "aud", "exp", "sub", "iat")
# An unknown kid triggers a refetch, but at most this often (seconds): a flood of forged
# kids must not become a flood of JWKS requests.
MIN_REFETCH_SECONDS = 10.0
# A fetch that failed is tried again after this long (seconds); until then an unknown kid
# is the token service's outage (503), never a token signed by an unknown key (401).
RETRY_FAILED_FETCH_SECONDS = 1.0
# Tokens verified once are remembered, by their whole signed text, until they expire: a
# client sends the same token for its whole life (up to 15 minutes), and checking the
# signature cost more than the rest of a read (bench/README.md). A forged or altered token
# can never match an entry. At most this many are kept per process.
VERIFIED_TOKENS_KEPT = 10_000
# The longest lifetime (``exp - iat``, seconds) an access token may claim: tokendealer's
# longest (``RUNNERLY_ACCESS_TOKEN_MAX_TTL``), and this much more for rounding. A token
# that claims more was not issued by tokendealer as configured, whoever signed it.
DEFAULT_MAX_LIFETIME = 900
LIFETIME_LEEWAY = 5


@dataclass(frozen=True)
class Principal:
    """Who is calling: a runner (``sub`` is their user id) or a service (``client``)."""

    sub: str
    scopes: frozenset[str]
    kind: str  # "user" or "service"
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def is_service(self) -> bool:
        return self.kind == "service"


class JwksCache:
    """Public keys by ``kid``, fetched from the JWKS URL and refetched on an unknown kid."""

    def __init__(
        self,
        fetch: Callable[[], dict[str, Any]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._next_fetch_at = float("-inf")
        self._failed = False
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, timeout: float = 3.0) -> JwksCache:
        def fetch() -> dict[str, Any]:
            response = httpx.get(url, timeout=timeout)
            response.raise_for_status()
            data: dict[str, Any] = response.json()
            return data

        return cls(fetch)

    def holds(self, kid: str) -> bool:
        """Whether ``kid``'s key is at hand: looking it up then waits on no fetch."""
        return kid in self._keys

    def key(self, kid: str) -> jwt.PyJWK | None:
        found = self._keys.get(kid)
        if found is not None:
            return found
        with self._lock:  # held by one fetch at a time; the others find what it fetched
            unknown = kid not in self._keys
            if unknown and self._clock() >= self._next_fetch_at:
                self._refresh()
            elif unknown and self._failed:
                raise ServiceUnavailable("The token service's keys cannot be fetched.")
        return self._keys.get(kid)

    def _refresh(self) -> None:
        try:
            data = self._fetch()
        except (httpx.HTTPError, ValueError) as exc:
            self._failed = True
            self._next_fetch_at = self._clock() + RETRY_FAILED_FETCH_SECONDS
            raise ServiceUnavailable("The token service's keys cannot be fetched.") from exc
        self._failed = False
        keys: dict[str, jwt.PyJWK] = {}
        for entry in data.get("keys", []):
            try:
                key = jwt.PyJWK(entry)
            except jwt.PyJWTError:
                continue
            if key.key_id and key.algorithm_name in ALLOWED_ALGORITHMS:
                keys[key.key_id] = key
        self._keys = keys
        # A set with no usable key was asked before tokendealer made its first key (every
        # service starts at once): no token can be verified against it, so it must not
        # hold back the refetch that the first runner's token asks for.
        self._next_fetch_at = self._clock() + MIN_REFETCH_SECONDS if keys else float("-inf")


class TokenVerifier:
    def __init__(
        self,
        jwks: JwksCache,
        audience: str,
        issuer: str,
        kept: int = VERIFIED_TOKENS_KEPT,
        clock: Callable[[], float] = time.time,
        max_lifetime: int = DEFAULT_MAX_LIFETIME,
    ) -> None:
        self.jwks = jwks
        self.audience = audience
        self.issuer = issuer
        self.max_lifetime = max_lifetime
        self._kept = kept
        self._clock = clock
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def verifies_at_once(self, token: str) -> bool:
        """Whether verifying ``token`` waits on nothing: it was verified before, its key is
        at hand, or it is refused without one. Otherwise the key set is fetched, by a
        blocking request that must not be made on an event loop."""
        if token in self._verified:
            return True
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return True
        return not isinstance(kid, str) or self.jwks.holds(kid)

    def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            principal, expires_at = remembered
            if self._clock() < expires_at:
                return principal
            self._verified.pop(token, None)
            raise Unauthorized("The access token has expired.")
        principal = self._verify_signed(token)
        self._remember(token, principal)
        return principal

    def _remember(self, token: str, principal: Principal) -> None:
        if len(self._verified) >= self._kept:
            with self._lock:  # the oldest tenth goes (dicts keep insertion order)
                for old in list(self._verified)[: max(1, self._kept // 10)]:
                    self._verified.pop(old, None)
        self._verified[token] = (principal, float(principal.claims["exp"]))

    def _verify_signed(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("The access token is malformed.") from exc
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in ALLOWED_ALGORITHMS:
            raise Unauthorized("The access token's algorithm is not accepted.")
        if not isinstance(kid, str):
            raise Unauthorized("The access token has no key id.")
        key = self.jwks.key(kid)
        if key is None or key.algorithm_name != algorithm:
            raise Unauthorized("The access token was not signed by a known key.")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The access token has expired.") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"The access token is invalid: {str(exc).rstrip('.')}.") from exc
        lifetime = _number(claims["exp"]) - _number(claims["iat"])
        if not 0 < lifetime <= self.max_lifetime + LIFETIME_LEEWAY:
            raise Unauthorized(
                f"The access token claims a lifetime of {lifetime:.0f} s; "
                f"at most {self.max_lifetime} s is accepted."
            )
        scopes = frozenset(str(claims.get("scope", "")).split())
        kind = (
            "service"
            if claims.get("client_id") and claims.get("sub") == claims.get("client_id")
            else "user"
        )
        return Principal(sub=str(claims["sub"]), scopes=scopes, kind=kind, claims=claims)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError) as exc:  # JSON integers have no bound
        raise Unauthorized("The access token's times are not numbers.") from exc


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    return token.strip()


def authenticated(request: Request) -> Principal:
    verifier: TokenVerifier = request.app.state.verifier
    principal = verifier.verify(bearer_token(request))
    if not principal.is_service:
        # Checked on every request, after the remembered verification: a runner deleted
        # or whose password changed is refused from the moment the row is committed.
        revocations: Revocations | None = getattr(request.app.state, "revocations", None)
        if revocations is not None:
            revocations.check(principal.sub, float(principal.claims["iat"]))
    request.state.principal = principal
    return principal


def require_scopes(*scopes: str) -> Callable[..., Principal]:
    """A dependency that admits a token holding every one of ``scopes``."""

    # Plain defaults, not Annotated: these annotations are strings (PEP 563) that FastAPI
    # resolves in the module's globals, where the closure's locals are not.
    def dependency(principal: Principal = Depends(authenticated)) -> Principal:
        missing = set(scopes) - principal.scopes
        if missing:
            raise Forbidden(f"The token lacks the scope(s): {', '.join(sorted(missing))}.")
        return principal

    return dependency


def require_user(*scopes: str, writes: bool = False) -> Callable[..., Principal]:
    """A dependency that admits only a runner's own token holding ``scopes``.

    ``writes``: the endpoint changes what the service holds for the runner. The request's
    transaction then holds the runner's revocation lock (``Revocations.admits``): a
    deletion recorded after the token was checked either waits for this write to commit,
    and then forgets what it stored, or is seen by it, and the runner is refused.
    """
    check = require_scopes(*scopes)

    def dependency(principal: Principal = Depends(check)) -> Principal:
        if principal.is_service:
            raise Forbidden("This endpoint takes a runner's token, not a service's.")
        return principal

    if not writes:
        return dependency

    def writer(
        request: Request, session: SessionDep, principal: Principal = Depends(dependency)
    ) -> Principal:
        revocations: Revocations = request.app.state.revocations
        revocations.ensure_admitted(session, principal.sub)
        return principal

    return writer


@dataclass(frozen=True)
class RunnerAccess:
    """Whose data a read is for: the calling runner's own, or the runner a service names."""

    runner_id: str
    principal: Principal


RunnerIdQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=64,
        description="The runner a service reads for (service tokens only).",
    ),
]


def access_for(principal: Principal, runner_id: str | None) -> RunnerAccess:
    """A runner's token reads its own rows; a service's names the runner it reads for."""
    if principal.is_service:
        if runner_id is None:
            raise InvalidInput("A service names the runner it reads for in runner_id.")
        return RunnerAccess(runner_id, principal)
    if runner_id is not None and runner_id != principal.sub:
        raise Forbidden("A runner's token reads only that runner's data.")
    return RunnerAccess(principal.sub, principal)


def reads_for_runner(*scopes: str) -> Callable[..., RunnerAccess]:
    """A dependency for the reads runners make of their own data and services make for a
    runner (a plan, a report), by a token holding every one of ``scopes``."""
    check = require_scopes(*scopes)

    def dependency(
        principal: Principal = Depends(check), runner_id: RunnerIdQuery = None
    ) -> RunnerAccess:
        return access_for(principal, runner_id)

    return dependency
