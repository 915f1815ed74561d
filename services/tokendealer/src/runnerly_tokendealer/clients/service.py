"""Service clients and the OAuth2 ``client_credentials`` grant (RFC 6749 §4.4)."""

from __future__ import annotations

import structlog
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from runnerly_tokendealer.clients import repository
from runnerly_tokendealer.clients.schemas import (
    ClientCredentials,
    OAuthErrorCode,
    ServiceToken,
    TokenRequest,
)
from runnerly_tokendealer.db import utcnow
from runnerly_tokendealer.keys.service import issue_access_token
from runnerly_tokendealer.models import ServiceClient
from runnerly_tokendealer.runtime import Runtime

log = structlog.get_logger()

CLIENT_CREDENTIALS = "client_credentials"


class OAuthError(Exception):
    """An error of the token endpoint, answered in RFC 6749 §5.2's shape."""

    def __init__(self, error: OAuthErrorCode, description: str) -> None:
        super().__init__(description)
        self.error: OAuthErrorCode = error
        self.description = description

    @property
    def status(self) -> int:
        return 401 if self.error == "invalid_client" else 400


def sync_clients(session: Session, runtime: Runtime) -> None:
    """Make the stored clients those of the settings: new ones added, secrets and scopes
    replaced, and clients no longer configured removed."""
    configured = runtime.settings.clients
    now = utcnow()
    for client_id, config in configured.items():
        secret_hash = runtime.hasher.hash(config.secret.get_secret_value())
        scopes = " ".join(sorted(set(config.scopes.split())))
        client = repository.get(session, client_id)
        if client is None:
            repository.add(
                session,
                ServiceClient(
                    client_id=client_id, secret_hash=secret_hash, scopes=scopes, updated_at=now
                ),
            )
        else:
            client.secret_hash, client.scopes, client.updated_at = secret_hash, scopes, now
    removed = repository.all_ids(session) - set(configured)
    repository.delete_all_but(session, set(configured))
    log.info("clients.synced", clients=sorted(configured), removed=sorted(removed))


def issue_token(
    session: Session, runtime: Runtime, grant: TokenRequest, credentials: ClientCredentials
) -> ServiceToken:
    """A service's access token, holding the requested scopes (by default all it may have)."""
    if grant.grant_type != CLIENT_CREDENTIALS:
        raise OAuthError("unsupported_grant_type", "Only the client_credentials grant is served.")
    client = repository.get(session, credentials.client_id)
    if not _secret_matches(runtime, client, credentials.client_secret) or client is None:
        log.info("oauth.client_refused", client_id=credentials.client_id)
        raise OAuthError("invalid_client", "Unknown client or wrong secret.")
    allowed = set(client.scopes.split())
    requested = set(grant.scope.split())
    if not requested <= allowed:
        raise OAuthError(
            "invalid_scope",
            f"This client may not ask for: {' '.join(sorted(requested - allowed))}.",
        )
    scope = " ".join(sorted(requested or allowed))
    token = issue_access_token(
        runtime.keys, runtime.settings, client.client_id, scope, client_id=client.client_id
    )
    log.info("oauth.token_issued", client_id=client.client_id, scope=scope)
    return ServiceToken(
        access_token=token, expires_in=runtime.settings.access_token_ttl, scope=scope
    )


def _secret_matches(runtime: Runtime, client: ServiceClient | None, secret: str) -> bool:
    # Verified against a dummy hash for an unknown client, so that both take as long.
    stored = client.secret_hash if client is not None else runtime.dummy_hash
    try:
        return bool(runtime.hasher.verify(stored, secret))
    except (VerificationError, InvalidHashError):
        return False
