"""Two batches carrying the same activity from different sources at the same moment (a file
import while the Strava sync sends it) store it once: the second waits for the first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from runnerly_dataservice.models import Run
from runnerly_dataservice.runs import service
from runnerly_dataservice.runs.schemas import RunBatchResult, RunUpsert
from runnerly_dataservice.runtime import Runtime

RunBuilder = Callable[..., dict[str, Any]]


def test_the_same_activity_in_two_concurrent_batches_is_stored_once(
    runtime: Runtime, make_run: RunBuilder
) -> None:
    strava = RunUpsert.model_validate(
        make_run("333", started_at="2026-03-01T07:00:00Z", distance_m=10_000)
    )
    file = RunUpsert.model_validate(
        make_run("sha-c", source="file", started_at="2026-03-01T07:00:20Z", distance_m=10_100)
    )
    outcome: list[RunBatchResult] = []
    failures: list[BaseException] = []

    def file_import() -> None:
        try:
            with runtime.database.transaction() as session:
                result = service.upsert_batch(
                    session, runtime.outbox, [file], revocations=runtime.revocations
                )
            outcome.append(result)
        except BaseException as exc:  # surfaced in the test's thread below
            failures.append(exc)

    with runtime.database.transaction() as session:
        first = service.upsert_batch(
            session, runtime.outbox, [strava], revocations=runtime.revocations
        )
        # The file's batch arrives while the Strava batch is still uncommitted.
        second = threading.Thread(target=file_import)
        second.start()
        second.join(timeout=1.0)
        waited = second.is_alive()
    second.join(timeout=30)

    assert not failures, failures
    assert waited, "the second batch must wait for the first to commit"
    assert [item.status for item in first.results] == ["created"]
    assert [(item.status, item.run_id) for item in outcome[0].results] == [
        ("duplicate", first.results[0].run_id)
    ]
    with runtime.database.sessions() as session:
        stored = session.execute(sa.select(Run.source, Run.external_id)).all()
    assert [tuple(row) for row in stored] == [("strava", "333")]
