from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from runnerly_stravasim.clock import FakeClock
from runnerly_stravasim.config import Settings
from runnerly_stravasim.main import create_app
from runnerly_stravasim.testing import authorize, exchange

ATHLETE = "/api/v3/athlete"
EXCEEDED = {
    "message": "Rate Limit Exceeded",
    "errors": [{"resource": "Application", "field": "rate limit", "code": "exceeded"}],
}


def _client(settings: Settings, clock: FakeClock, **limits: int) -> TestClient:
    for name, value in limits.items():
        setattr(settings, name, value)
    return TestClient(create_app(settings, clock))


def _auth(client: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {exchange(client, authorize(client))['access_token']}"}


def test_every_api_response_carries_the_headers(client: TestClient, auth: dict[str, str]) -> None:
    responses = [
        client.get(ATHLETE, headers=auth),
        client.get("/api/v3/activities/1", headers=auth),  # 404
        client.get(ATHLETE),  # 401
        client.get("/api/v3/push_subscriptions", params={"client_id": "1"}),  # 401
    ]
    for n, response in enumerate(responses, start=1):
        assert response.headers["X-RateLimit-Limit"] == "200,2000"
        assert response.headers["X-ReadRateLimit-Limit"] == "100,1000"
        assert response.headers["X-RateLimit-Usage"] == f"{n},{n}"
        assert response.headers["X-ReadRateLimit-Usage"] == f"{n},{n}"
    # OAuth is not the API: neither counted nor labelled.
    assert "X-RateLimit-Usage" not in client.post("/oauth/token", data={}).headers


def test_writes_count_overall_but_not_as_reads(client: TestClient, auth: dict[str, str]) -> None:
    client.get(ATHLETE, headers=auth)
    response = client.post("/api/v3/push_subscriptions", data={"client_id": "x"})
    assert response.status_code == 401
    assert response.headers["X-RateLimit-Usage"] == "2,2"
    assert response.headers["X-ReadRateLimit-Usage"] == "1,1"


def test_429_past_the_15_minute_read_limit_then_reset_on_the_quarter(
    settings: Settings, clock: FakeClock
) -> None:
    with _client(settings, clock, read_limit_15min=5, limit_15min=8) as client:
        auth = _auth(client)
        for _ in range(5):
            assert client.get(ATHLETE, headers=auth).status_code == 200
        refused = client.get(ATHLETE, headers=auth)
        assert refused.status_code == 429
        assert refused.json() == EXCEEDED
        assert refused.headers["X-ReadRateLimit-Usage"] == "6,6"  # a 429 counts too
        # Writes are not reads: they still pass until the overall limit.
        write = client.delete(
            "/api/v3/push_subscriptions/1",
            params={"client_id": "12345", "client_secret": "stravasim-demo-secret"},
        )
        assert write.status_code == 404
        assert write.headers["X-RateLimit-Usage"] == "7,7"
        # 10:07 -> 10:14:59 is the same window; 10:15:00 opens a new one.
        clock.advance(7 * 60 + 59)
        assert client.get(ATHLETE, headers=auth).status_code == 429
        clock.advance(1)
        fresh = client.get(ATHLETE, headers=auth)
        assert fresh.status_code == 200
        assert fresh.headers["X-ReadRateLimit-Usage"] == "1,8"
        assert fresh.headers["X-RateLimit-Usage"] == "1,9"


def test_overall_limit_refuses_writes(settings: Settings, clock: FakeClock) -> None:
    with _client(settings, clock, limit_15min=3) as client:
        params = {"client_id": "12345", "client_secret": "stravasim-demo-secret"}
        statuses = [
            client.delete("/api/v3/push_subscriptions/1", params=params).status_code
            for _ in range(4)
        ]
        assert statuses == [404, 404, 404, 429]


def test_daily_limit_resets_at_midnight_utc(settings: Settings, clock: FakeClock) -> None:
    with _client(settings, clock, read_limit_daily=4, access_token_ttl=2 * 86400) as client:
        auth = _auth(client)
        statuses = []
        for _ in range(5):
            statuses.append(client.get(ATHLETE, headers=auth).status_code)
            clock.advance(900)  # a new quarter each time: only the daily limit bites
        assert statuses == [200, 200, 200, 200, 429]
        # 2026-03-10T10:07 + 75 min; midnight UTC is 12h48 later.
        clock.advance(12 * 3600 + 48 * 60)
        response = client.get(ATHLETE, headers=auth)
        assert response.status_code == 200
        assert response.headers["X-ReadRateLimit-Usage"] == "1,1"


def test_admin_sets_and_resets_limits(client: TestClient, auth: dict[str, str]) -> None:
    client.put("/admin/ratelimit", json={"read_limit_15min": 1})
    assert client.get(ATHLETE, headers=auth).status_code == 200
    refused = client.get(ATHLETE, headers=auth)
    assert refused.status_code == 429
    assert refused.headers["X-ReadRateLimit-Limit"] == "1,1000"
    client.post("/admin/ratelimit/reset")
    client.put("/admin/ratelimit", json={"read_limit_15min": 100})
    assert client.get(ATHLETE, headers=auth).status_code == 200
    counters: dict[str, Any] = client.get("/admin/counters").json()
    assert counters["requests"]["GET /api/v3/athlete"] == 3
    assert counters["rate_limit"]["usage"]["read_15min"] == 1


def test_fake_clock_setting_and_admin_advance(settings: Settings) -> None:
    settings.fake_clock = True
    settings.demo_activities = 20
    with TestClient(create_app(settings)) as client:
        before = client.get("/admin/counters").json()["now"]
        after = client.post("/admin/clock/advance", json={"seconds": 900}).json()["now"]
        assert after == before + 900


def test_advancing_the_system_clock_is_refused(settings: Settings) -> None:
    settings.demo_activities = 20
    with TestClient(create_app(settings)) as client:
        response = client.post("/admin/clock/advance", json={"seconds": 1})
    assert response.status_code == 409
