from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from runnerly_dataservice.deps import (
    OutboxDep,
    RunDeleter,
    RunReader,
    RunWriterService,
    SessionDep,
)
from runnerly_dataservice.fields import RowId, RunnerId
from runnerly_dataservice.runs import service
from runnerly_dataservice.runs.schemas import (
    RunBatch,
    RunBatchResult,
    RunDetail,
    RunList,
    RunsDeleted,
    Source,
)
from runnerly_kit.caching import ConditionalRoute

router = APIRouter(prefix="/runs", tags=["runs"], route_class=ConditionalRoute)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such run among the runner's own."}
}


@router.post("/batch")
def upsert_runs(
    body: RunBatch, session: SessionDep, outbox: OutboxDep, _: RunWriterService
) -> RunBatchResult:
    """Insert or update up to 1000 runs, keyed by source and external id, all or nothing."""
    return service.upsert_batch(session, outbox, body.runs)


@router.get("")
def list_runs(
    session: SessionDep,
    runner: RunReader,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[
        datetime | None, Query(description="Runs started at or after (ISO date or datetime).")
    ] = None,
    before: Annotated[
        datetime | None, Query(description="Runs started before (ISO date or datetime).")
    ] = None,
) -> RunList:
    """The runner's runs, newest first, a page at a time."""
    return service.list_runs(
        session, runner.sub, limit=limit, cursor=cursor, after=after, before=before
    )


@router.delete("/by-source")
def delete_runs_by_source(
    runner_id: Annotated[RunnerId, Query()],
    source: Annotated[Source, Query()],
    session: SessionDep,
    outbox: OutboxDep,
    _: RunWriterService,
) -> RunsDeleted:
    """Delete every run a runner has from one source (when they unlink it)."""
    return RunsDeleted(deleted=service.delete_by_source(session, outbox, runner_id, source))


@router.get("/{run_id}", responses=NOT_FOUND)
def get_run(run_id: RowId, session: SessionDep, runner: RunReader) -> RunDetail:
    """One of the runner's runs, with its streams, route and splits."""
    return service.get_run(session, runner.sub, run_id)


@router.delete("/{run_id}", status_code=204, responses=NOT_FOUND)
def delete_run(
    run_id: RowId, session: SessionDep, outbox: OutboxDep, runner: RunDeleter
) -> Response:
    """Delete one of the runner's runs."""
    service.delete_run(session, outbox, runner.sub, run_id)
    return Response(status_code=204)
