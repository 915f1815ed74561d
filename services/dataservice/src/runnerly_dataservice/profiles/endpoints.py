from __future__ import annotations

from fastapi import APIRouter

from runnerly_dataservice.deps import ProfileReader, ProfileWriter, SessionDep
from runnerly_dataservice.profiles import service
from runnerly_dataservice.profiles.schemas import ProfileRead, ProfileUpdate
from runnerly_kit.caching import ConditionalRoute

router = APIRouter(prefix="/profile", tags=["profile"], route_class=ConditionalRoute)


@router.get("")
def get_profile(session: SessionDep, runner: ProfileReader) -> ProfileRead:
    """The runner's profile, with defaults for what they have not set."""
    return service.read(session, runner.runner_id)


@router.patch("")
def update_profile(
    body: ProfileUpdate, session: SessionDep, runner: ProfileWriter
) -> ProfileRead:
    """Change the fields sent; ``null`` clears an optional one."""
    return service.update(session, runner.sub, body)
