from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_all_ok(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "services": {
        "dashboard": "ok", "tokendealer": "ok", "dataservice": "ok", "mailer": "ok",
        "ingest": "ok", "plans": "ok", "reports": "ok"}}


def test_degraded_when_a_peer_is_down(client: TestClient, fake: Any) -> None:
    fake.down.add("dataservice")
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["services"]["dataservice"] == "down"
    assert response.json()["services"]["tokendealer"] == "ok"
    # One probe, no retries: a down peer is reported at once.
    probes = [r for r in fake.requests if r.url.port == 8002]
    assert len(probes) == 1
