from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import Depends, Request

from runnerly_kit.auth import Principal, authenticated, require_scopes, require_user
from runnerly_kit.db import SessionDep
from runnerly_kit.errors import Unauthorized
from runnerly_tokendealer.runtime import Runtime

__all__ = [
    "AccountLister",
    "ClientAddress",
    "ProfileReader",
    "ProfileWriter",
    "RuntimeDep",
    "SessionDep",
]

log = structlog.get_logger()

# Longest client address kept (an IPv6 address with a zone fits).
MAX_ADDRESS_LENGTH = 64
# The scope of a service that calls on a person's behalf and names their address.
RELAY_SCOPE = "accounts:relay"


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _client_address(request: Request) -> str:
    """The address the request is on behalf of, for the limits on logins and mails.

    The peer's, unless a relay proves itself with a service token holding ``RELAY_SCOPE``
    (the dashboard, calling on a browser's behalf): then the address it appended to
    ``X-Forwarded-For``. Anything left of it was written by whoever called the relay.
    """
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for", "")
    relayed = forwarded.rsplit(",", 1)[-1].strip()
    if relayed and _is_relay(request):
        return relayed[:MAX_ADDRESS_LENGTH]
    return peer[:MAX_ADDRESS_LENGTH]


def _is_relay(request: Request) -> bool:
    if not request.headers.get("authorization"):
        return False
    try:
        principal = authenticated(request)
    except Unauthorized:
        log.info("client_address.relay_refused", reason="token")
        return False
    if not principal.is_service or RELAY_SCOPE not in principal.scopes:
        log.info("client_address.relay_refused", reason="scope", client=principal.sub)
        return False
    return True


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
ClientAddress = Annotated[str, Depends(_client_address)]
ProfileReader = Annotated[Principal, Depends(require_user("profile:read"))]
ProfileWriter = Annotated[Principal, Depends(require_user("profile:write"))]
# A service that writes to runners (reports), or an operator's admin token.
AccountLister = Annotated[Principal, Depends(require_scopes("accounts:read"))]
