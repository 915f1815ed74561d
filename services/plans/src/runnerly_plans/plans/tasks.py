"""Edges: the events plans consume, each one service call in its own transaction (matching
runs owns its transactions, between the dataservice's answers); a dataservice that cannot
answer becomes a retry."""

from __future__ import annotations

from runnerly_kit.messages import EventHandlers, RunCreated, RunDeleted, UserDeleted
from runnerly_plans.plans import service
from runnerly_plans.runtime import Runtime


def runs_created(runtime: Runtime, event: RunCreated) -> None:
    service.record_runs(runtime, event.runner_id, event.run_ids)


def runs_deleted(runtime: Runtime, event: RunDeleted) -> None:
    run_ids = [run.run_id for run in event.runs]
    with runtime.database.transaction() as session:
        service.unmatch_runs(session, event.runner_id, run_ids)


def user_deleted(runtime: Runtime, event: UserDeleted) -> None:
    with runtime.database.transaction() as session:
        service.forget_runner(session, event.user_id)


def handlers(runtime: Runtime) -> EventHandlers:
    """The event handlers the worker registers, by the class of the event each takes."""
    return {
        RunCreated: lambda event: runs_created(runtime, event),
        RunDeleted: lambda event: runs_deleted(runtime, event),
        UserDeleted: lambda event: user_deleted(runtime, event),
    }
