"""Edges: the ``user.deleted`` event."""

from __future__ import annotations

from runnerly_dataservice.profiles import service
from runnerly_dataservice.runtime import Runtime
from runnerly_kit.messages import UserDeleted


def forget_user(runtime: Runtime, event: UserDeleted) -> None:
    with runtime.database.transaction() as session:
        service.forget_runner(session, event.user_id)
