"""A deleted runner: their token reaches nothing, and runs still arriving for them (an
import or a backfill in flight) are dropped, while the other runners' runs of the same
batch are stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_dataservice.models import BestEffort, OutboxMessage, Run
from runnerly_dataservice.runtime import Runtime
from runnerly_kit.testing import TestKeys, bearer

Headers = dict[str, str]


def _delete(runtime: Runtime, runner_id: str) -> None:
    with runtime.database.transaction() as session:
        runtime.revocations.record_deletion(session, runner_id)


def test_runs_of_a_deleted_runner_are_dropped_and_the_others_stored(
    runtime: Runtime,
    post_runs: Callable[[list[dict[str, Any]]], Any],
    make_run: Callable[..., dict[str, Any]],
) -> None:
    _delete(runtime, "alice")

    result = post_runs([make_run("a1", runner_id="alice"), make_run("b1", runner_id="bob"),
                        make_run("a2", runner_id="alice", started_at="2026-03-02T07:00:00Z")])

    assert [(r["external_id"], r["status"]) for r in result["results"]] == [("b1", "created")]
    with runtime.database.sessions() as session:
        assert session.scalars(sa.select(Run.runner_id)).all() == ["bob"]
        assert session.scalars(
            sa.select(BestEffort.runner_id).where(BestEffort.runner_id == "alice")
        ).all() == []
        names = [str(row.payload) for row in session.scalars(sa.select(OutboxMessage))]
        assert not any("alice" in payload for payload in names)


def test_a_deleted_runners_token_is_refused_on_every_kind_of_request(
    client: TestClient, runtime: Runtime, keys: TestKeys
) -> None:
    token = bearer(keys.token("alice", "profile:read profile:write runs:read races:read "
                                       "races:write stats:read runs:delete"))
    assert client.get("/profile", headers=token).status_code == 200
    _delete(runtime, "alice")

    for method, path in [("GET", "/profile"), ("PATCH", "/profile"), ("GET", "/runs"),
                         ("GET", "/races"), ("POST", "/races"), ("GET", "/stats"),
                         ("DELETE", "/runs/1")]:
        response = client.request(method, path, headers=token, json={})
        assert response.status_code == 401, (method, path, response.text)
