"""Typed dependency aliases: the database session, the outbox, and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from runnerly_dataservice.runtime import Runtime
from runnerly_kit.auth import (
    Principal,
    RunnerAccess,
    reads_for_runner,
    require_scopes,
    require_user,
)
from runnerly_kit.db import SessionDep
from runnerly_kit.errors import Forbidden
from runnerly_kit.outbox import Outbox
from runnerly_kit.revocations import Revocations

__all__ = [
    "OutboxDep",
    "ProfileReader",
    "ProfileWriter",
    "RaceReader",
    "RaceWriter",
    "RevocationsDep",
    "RunDeleter",
    "RunReader",
    "RunWriterService",
    "SessionDep",
    "StatsReader",
]


def _outbox(request: Request) -> Outbox:
    runtime: Runtime = request.app.state.runtime
    return runtime.outbox


OutboxDep = Annotated[Outbox, Depends(_outbox)]


def _revocations(request: Request) -> Revocations:
    runtime: Runtime = request.app.state.runtime
    return runtime.revocations


RevocationsDep = Annotated[Revocations, Depends(_revocations)]

# Reads a runner makes of their own data, and that a service (plans, reports) makes for one.
ProfileReader = Annotated[RunnerAccess, Depends(reads_for_runner("profile:read"))]
ProfileWriter = Annotated[Principal, Depends(require_user("profile:write", writes=True))]
RunReader = Annotated[RunnerAccess, Depends(reads_for_runner("runs:read"))]
RunDeleter = Annotated[Principal, Depends(require_user("runs:delete", writes=True))]
RaceReader = Annotated[RunnerAccess, Depends(reads_for_runner("races:read"))]
RaceWriter = Annotated[Principal, Depends(require_user("races:write", writes=True))]
StatsReader = Annotated[RunnerAccess, Depends(reads_for_runner("stats:read"))]


def _run_writer_service(
    principal: Annotated[Principal, Depends(require_scopes("runs:write"))],
) -> Principal:
    if not principal.is_service:
        raise Forbidden("This endpoint takes a service's token, not a runner's.")
    return principal


RunWriterService = Annotated[Principal, Depends(_run_writer_service)]
