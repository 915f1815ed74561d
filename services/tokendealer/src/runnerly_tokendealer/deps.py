from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from runnerly_kit.app import SessionDep
from runnerly_kit.auth import Principal, require_scopes, require_user
from runnerly_tokendealer.runtime import Runtime

__all__ = [
    "AccountLister",
    "ClientAddress",
    "ProfileReader",
    "ProfileWriter",
    "RuntimeDep",
    "SessionDep",
]

# Longest client address kept (an IPv6 address with a zone fits).
MAX_ADDRESS_LENGTH = 64


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _client_address(request: Request) -> str:
    """The caller's address: the first of ``X-Forwarded-For`` (set by the dashboard, which
    calls on the browser's behalf), else the peer's."""
    forwarded = request.headers.get("x-forwarded-for", "")
    first = forwarded.split(",", 1)[0].strip()
    if first:
        return first[:MAX_ADDRESS_LENGTH]
    return (request.client.host if request.client else "unknown")[:MAX_ADDRESS_LENGTH]


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
ClientAddress = Annotated[str, Depends(_client_address)]
ProfileReader = Annotated[Principal, Depends(require_user("profile:read"))]
ProfileWriter = Annotated[Principal, Depends(require_user("profile:write"))]
# A service that writes to runners (reports), or an operator's admin token.
AccountLister = Annotated[Principal, Depends(require_scopes("accounts:read"))]
