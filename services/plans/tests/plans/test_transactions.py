"""No transaction is held open while the dataservice answers: making, rebuilding and
matching read it first, then write in a short transaction of their own. Each peer request
is checked, as it is made, against the connections the calling thread holds from the real
database's pool."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import httpx
from fastapi.testclient import TestClient

from runnerly_kit.messages import RunCreated
from runnerly_kit.testing import PeerCallWatch, TestKeys
from runnerly_plans.config import Settings
from runnerly_plans.main import create_app
from runnerly_plans.plans import tasks

if TYPE_CHECKING:
    from conftest import Clock, FakeDataservice


def at(day: date) -> datetime:
    return datetime.combine(day, time(7), UTC)


def test_no_transaction_is_held_while_the_dataservice_answers(
    settings: Settings, keys: TestKeys, dataservice: FakeDataservice, clock: Clock,
    runner_headers: Callable[..., dict[str, str]], peer_network: httpx.MockTransport,
) -> None:
    watch = PeerCallWatch(peer_network.handle_request)
    app = create_app(settings, peer_transport=watch.transport(), clock=clock)
    keys.install(app)
    alice = runner_headers("alice")
    dataservice.set_profile("alice", time_zone="Europe/Paris")
    dataservice.add_run("alice", at(date(2026, 2, 20)), 10_000, 45 * 60)
    race_id = dataservice.add_race("City 10K", date(2026, 5, 3), 10_000)
    with TestClient(app) as client:
        watch.watch(app.state.runtime.database.engine)
        made = [
            client.post("/plans", json=body, headers=alice)
            for body in (
                {"race_id": race_id, "days_per_week": 4},
                {"distance_m": 21097.5, "date": "2026-06-14", "days_per_week": 4},
            )
        ]
        assert [response.status_code for response in made] == [201, 201]
        # A few runs matched one by one, then a batch read in one listing.
        days = [date(2026, 3, 9) + timedelta(days=n) for n in range(14)]
        run_ids = [dataservice.add_run("alice", at(day), 5000, 1700) for day in days]
        clock.now = at(date(2026, 3, 24))
        tasks.runs_created(app.state.runtime, RunCreated(runner_id="alice", run_ids=run_ids[:2]))
        tasks.runs_created(app.state.runtime, RunCreated(runner_id="alice", run_ids=run_ids))
        plan_id = made[1].json()["id"]
        rebuilt = client.post(f"/plans/{plan_id}/regenerate", headers=alice)
        assert rebuilt.status_code == 200, rebuilt.text

    assert any("/races/" in call for call in watch.requests)
    assert any("/runs/" in call for call in watch.requests)
    assert watch.in_transaction == []
