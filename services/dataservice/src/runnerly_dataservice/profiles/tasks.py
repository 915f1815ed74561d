"""Edges: the ``user.deleted`` event."""

from __future__ import annotations

from typing import Any

from runnerly_dataservice.profiles import service
from runnerly_dataservice.runtime import Runtime


def forget_user(runtime: Runtime, payload: dict[str, Any]) -> None:
    with runtime.database.transaction() as session:
        service.forget_runner(session, str(payload["user_id"]))
