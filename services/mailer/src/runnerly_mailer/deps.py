from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from runnerly_kit.db import SessionDep
from runnerly_mailer.runtime import Runtime

__all__ = ["RuntimeDep", "SessionDep"]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
