from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response

from runnerly_dataservice.deps import (
    OutboxDep,
    RevocationsDep,
    RunDeleter,
    RunReader,
    RunWriterService,
    SessionDep,
)
from runnerly_dataservice.fields import RowId, RunnerId
from runnerly_dataservice.runs import service
from runnerly_dataservice.runs.schemas import (
    ExternalId,
    RunBatch,
    RunBatchResult,
    RunDetail,
    RunList,
    RunListQuery,
    RunsDeleted,
    Source,
)
from runnerly_kit.auth import (
    RunnerAccess,
    RunnerIdQuery,
    TokenVerifier,
    access_for,
    authenticated,
    bearer_token,
    require_scopes,
)
from runnerly_kit.caching import ConditionalRoute
from runnerly_kit.db import Database, is_sqlite

router = APIRouter(prefix="/runs", tags=["runs"], route_class=ConditionalRoute)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such run among the runner's own."}
}


@router.post("/batch")
def upsert_runs(
    body: RunBatch,
    session: SessionDep,
    outbox: OutboxDep,
    revocations: RevocationsDep,
    _: RunWriterService,
) -> RunBatchResult:
    """Insert or update up to 1000 runs, keyed by runner, source and external id, all or
    nothing (the runs of a deleted runner are dropped, without an outcome)."""
    return service.upsert_batch(session, outbox, body.runs, revocations=revocations)


# ``RunReader``'s checks, resolved on the event loop for the busiest endpoint. The kit's
# dependencies are plain functions, which FastAPI runs in its thread pool, one trip each;
# called here in the same order, they cost no trip at all. The revocation check is one
# primary-key read that waits on no lock (in autocommit on PostgreSQL, in WAL mode on
# SQLite); what may wait longer, a fetch of tokendealer's keys, goes to a thread.
_holds_runs_read = require_scopes("runs:read")


async def _runs_reader(request: Request, runner_id: RunnerIdQuery = None) -> RunnerAccess:
    verifier: TokenVerifier = request.app.state.verifier
    if verifier.verifies_at_once(bearer_token(request)):
        principal = authenticated(request)
    else:
        # The fetch blocks for up to its timeout; in the embedded default tokendealer
        # answers on this very loop, so made here it could only time out.
        principal = await anyio.to_thread.run_sync(authenticated, request)
    return access_for(_holds_runs_read(principal), runner_id)


# Threads (per process) that wait on a network database's reads of the list at once: two
# overlap the round trips; more only fight over the GIL (measured in bench/README.md).
_NETWORK_READS = anyio.CapacityLimiter(2)


@router.get("", response_model=RunList)
async def list_runs(
    request: Request,
    runner: Annotated[RunnerAccess, Depends(_runs_reader)],
    query: Annotated[RunListQuery, Query()],
) -> Response:
    """The runner's runs, sorted, filtered and searched, a page at a time."""
    database: Database = request.app.state.database
    page = partial(_list_page, database, runner.runner_id, query)
    # On SQLite the read is a few dozen microseconds of local work (in WAL mode a reader
    # never waits for the writer): a trip to a thread would cost more than the query. A
    # network database's round trips are waited for in a thread, but in one of a few only:
    # with the pool's forty, the threads' fight over the GIL cost as much as the request.
    if is_sqlite(database.url):
        body = page()
    else:
        body = await anyio.to_thread.run_sync(page, limiter=_NETWORK_READS)
    return Response(body, media_type="application/json")


def _list_page(database: Database, runner_id: str, query: RunListQuery) -> bytes:
    """One page as JSON, read on a connection of its own (no ORM session: nothing here is
    an ORM object); serialised once, here, rather than validated again on the way out
    (``response_model`` still documents it)."""
    # The database's read connections: on PostgreSQL no pre-ping and no transaction, so
    # the query is the read's only round trip (it was the second of four: ping, BEGIN
    # implied, query, ROLLBACK). On SQLite, the service's own engine.
    return database.read(
        lambda connection: service.list_runs(connection, runner_id, query)
        .model_dump_json()
        .encode()
    )


@router.delete("/by-source")
def delete_runs_by_source(
    runner_id: Annotated[RunnerId, Query()],
    source: Annotated[Source, Query()],
    session: SessionDep,
    outbox: OutboxDep,
    _: RunWriterService,
    external_id: Annotated[
        list[ExternalId] | None,
        Query(
            max_length=200,
            description="Only the runs with these external ids (repeat the parameter).",
        ),
    ] = None,
) -> RunsDeleted:
    """Delete every run a runner has from one source (when they unlink it), or only those
    with the given external ids (deleted at the source)."""
    if external_id:
        return RunsDeleted(
            deleted=service.delete_by_external_ids(session, outbox, runner_id, source, external_id)
        )
    return RunsDeleted(deleted=service.delete_by_source(session, outbox, runner_id, source))


@router.get("/{run_id}", responses=NOT_FOUND)
def get_run(run_id: RowId, session: SessionDep, runner: RunReader) -> RunDetail:
    """One of the runner's runs, with its streams, route and splits."""
    return service.get_run(session, runner.runner_id, run_id)


@router.delete("/{run_id}", status_code=204, responses=NOT_FOUND)
def delete_run(
    run_id: RowId, session: SessionDep, outbox: OutboxDep, runner: RunDeleter
) -> Response:
    """Delete one of the runner's runs."""
    service.delete_run(session, outbox, runner.sub, run_id)
    return Response(status_code=204)
