from __future__ import annotations

from datetime import UTC, datetime

import structlog
from sqlalchemy.orm import Session

from runnerly_dataservice.models import Profile
from runnerly_dataservice.profiles import repository
from runnerly_dataservice.profiles.schemas import ProfileRead, ProfileUpdate, check_heart_rates
from runnerly_dataservice.races import repository as races
from runnerly_dataservice.runs import repository as runs
from runnerly_kit.errors import InvalidInput

log = structlog.get_logger()
DEFAULT_TIME_ZONE = "UTC"


def read(session: Session, runner_id: str) -> ProfileRead:
    profile = repository.get(session, runner_id)
    return ProfileRead() if profile is None else ProfileRead.model_validate(profile)


def time_zone(session: Session, runner_id: str) -> str:
    return repository.time_zone(session, runner_id) or DEFAULT_TIME_ZONE


def update(session: Session, runner_id: str, update: ProfileUpdate) -> ProfileRead:
    now = datetime.now(UTC)
    profile = repository.get(session, runner_id)
    if profile is None:
        profile = Profile(
            runner_id=runner_id, units="km", time_zone=DEFAULT_TIME_ZONE, created_at=now
        )
    changes = update.changes()
    for name, value in changes.items():
        setattr(profile, name, value)
    # Each bound is checked by the schema; the pair only once merged with what is stored.
    if profile.resting_hr is not None and profile.max_hr is not None:
        try:
            check_heart_rates(profile.resting_hr, profile.max_hr)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
    profile.updated_at = now
    repository.add(session, profile)
    log.info("profile.updated", runner_id=runner_id, fields=sorted(changes))
    return ProfileRead.model_validate(profile)


def forget_runner(session: Session, runner_id: str) -> None:
    """Erase everything the service holds about a runner; races they added stay, unowned."""
    profiles_deleted = repository.delete(session, runner_id)
    runs_deleted = runs.delete_all_of_runner(session, runner_id)
    entries_deleted = races.delete_entries_of_runner(session, runner_id)
    races_unowned = races.disown_races_of(session, runner_id)
    log.info(
        "runner.forgotten",
        runner_id=runner_id,
        profiles=profiles_deleted,
        runs=runs_deleted,
        race_entries=entries_deleted,
        races_unowned=races_unowned,
    )
