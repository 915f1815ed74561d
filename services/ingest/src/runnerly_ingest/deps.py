"""Typed dependency aliases: the session, the runtime, and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from runnerly_ingest.runtime import Runtime
from runnerly_kit.auth import Principal, require_user
from runnerly_kit.db import SessionDep

__all__ = ["Importer", "RunReader", "Runner", "RuntimeDep", "SessionDep"]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
# Linking Strava and uploading files both bring runs in: ``runs:import``. ``Importer``
# stores in the request's transaction; ``Runner`` is for the paths that call Strava or the
# dataservice between short transactions of their own.
Importer = Annotated[Principal, Depends(require_user("runs:import", writes=True))]
Runner = Annotated[Principal, Depends(require_user("runs:import"))]
RunReader = Annotated[Principal, Depends(require_user("runs:read"))]
