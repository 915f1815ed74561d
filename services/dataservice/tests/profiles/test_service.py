"""The ``user.deleted`` handler, called as the worker calls it, on the test database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from runnerly_dataservice.models import Race
from runnerly_dataservice.profiles.tasks import forget_user
from runnerly_dataservice.runtime import Runtime
from runnerly_kit.messages import UserDeleted

Headers = dict[str, str]


def test_a_deleted_user_is_forgotten_and_their_races_stay(
    client: TestClient,
    runtime: Runtime,
    alice: Headers,
    bob: Headers,
    make_run: Callable[..., dict[str, Any]],
    post_runs: Callable[[list[dict[str, Any]]], Any],
    count_rows: Callable[[str], int],
) -> None:
    client.patch("/profile", json={"display_name": "Alice", "max_hr": 185}, headers=alice)
    client.patch("/profile", json={"display_name": "Bob"}, headers=bob)
    post_runs([make_run("a1"), make_run("a2"), make_run("b1", runner_id="bob")])
    race = {"name": "Trail", "date": (date.today() + timedelta(days=9)).isoformat(),
            "distance_m": 21_000}
    race_id = client.post("/races", json=race, headers=alice).json()["id"]
    client.put(f"/races/{race_id}/entry", headers=alice)
    client.put(f"/races/{race_id}/entry", headers=bob)
    payload = {"user_id": "alice", "email": "alice@example.org"}

    event = UserDeleted.model_validate(payload)
    forget_user(runtime, event)
    forget_user(runtime, event)  # a redelivered event changes nothing more

    assert client.get("/profile", headers=alice).json()["display_name"] is None
    assert client.get("/profile", headers=bob).json()["display_name"] == "Bob"
    assert client.get("/runs", headers=alice).json()["items"] == []
    assert [run["external_id"] for run in client.get("/runs", headers=bob).json()["items"]] == [
        "b1"
    ]
    race_now = client.get(f"/races/{race_id}", headers=bob).json()
    assert (race_now["entrants"], race_now["entered"]) == (1, True)
    with runtime.database.sessions() as session:
        assert session.scalar(sa.select(Race.created_by).where(Race.id == race_id)) is None
    assert count_rows("profiles") == 1
    assert count_rows("runs") == 1
