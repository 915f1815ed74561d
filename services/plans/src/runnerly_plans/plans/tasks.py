"""Edges: the events plans consume, each one service call in its own transaction (matching
runs owns its transactions, between the dataservice's answers); a dataservice that cannot
answer becomes a retry."""

from __future__ import annotations

from typing import Any

from runnerly_plans.plans import service
from runnerly_plans.runtime import Runtime


def runs_created(runtime: Runtime, payload: dict[str, Any]) -> None:
    runner_id = str(payload["runner_id"])
    run_ids = [int(run_id) for run_id in payload.get("run_ids", [])]
    service.record_runs(runtime, runner_id, run_ids)


def runs_deleted(runtime: Runtime, payload: dict[str, Any]) -> None:
    run_ids = [int(run["run_id"]) for run in payload.get("runs", [])]
    with runtime.database.transaction() as session:
        service.unmatch_runs(session, str(payload["runner_id"]), run_ids)


def user_deleted(runtime: Runtime, payload: dict[str, Any]) -> None:
    with runtime.database.transaction() as session:
        service.forget_runner(session, str(payload["user_id"]))


def handlers(runtime: Runtime) -> dict[str, Any]:
    """The event handlers the worker registers, by event name."""
    return {
        "run.created": lambda payload: runs_created(runtime, payload),
        "run.deleted": lambda payload: runs_deleted(runtime, payload),
        "user.deleted": lambda payload: user_deleted(runtime, payload),
    }
