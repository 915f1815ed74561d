"""The reports service played next to the other fake peers: its real JSON, its tokens
checked like the others, on its own port (8006)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from runnerly_dashboard.config import Settings
from runnerly_dashboard.main import create_app
from runnerly_kit.errors import RunnerlyError

REPORTS_PORT = 8006
PDF = b"%PDF-1.4\n% October\n%%EOF\n"
GOOD_TOKEN = "YWRh.signed"


def problem(status: int, detail: str) -> httpx.Response:
    return httpx.Response(status, json={"type": "about:blank", "title": "Error",
                                        "status": status, "detail": detail},
                          headers={"Content-Type": "application/problem+json"})


def report(month: str, runs: int = 6) -> dict[str, Any]:
    return {"month": month, "status": "sent", "created_at": "2026-11-01T13:00:05Z",
            "sent_at": "2026-11-01T13:00:05Z", "send_count": 1, "has_runs": runs > 0,
            "runs": runs, "distance_m": 61600.0,
            "content": content(month, runs)}


def content(month: str, runs: int) -> dict[str, Any]:
    """A whole ``ReportContent``, as the reports service's contract has it."""
    totals = {"runs": runs, "distance_m": 61600.0, "moving_time_s": 20040,
              "elevation_gain_m": 480.0}
    longest = {"run_id": 7, "name": "Long run", "day": f"{month}-18", "distance_m": 21100.0,
               "moving_time_s": 7000, "pace_s_per_km": 331.8}
    return {"version": 1, "runner_id": "r-ada", "display_name": "Ada", "month": month,
            "units": "km", "time_zone": "Europe/Paris", "as_of": "2026-11-01",
            "has_runs": runs > 0, "totals": totals,
            "comparisons": [{"kind": "previous_month", "month": "2026-09", "totals": totals,
                             "distance_change_m": 0.0, "distance_change_pct": 0.0,
                             "moving_time_change_s": 0, "runs_change": 0}],
            "longest_run": longest, "fastest_run": longest,
            "best_efforts": [{"distance": "10k", "distance_m": 10000.0, "elapsed_time_s": 2950,
                              "run_id": 7, "day": f"{month}-18", "previous_best_s": None}],
            "weeks": [{"week_start": f"{month}-12", "first_day": f"{month}-12",
                       "last_day": f"{month}-18", "runs": runs, "distance_m": 61600.0}],
            "plan": None, "next_race": None, "prediction_basis": None, "predictions": []}


@dataclass
class FakeReports:
    fake: Any  # the shared FakePeers: its keys verify the runner's token
    reports: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    subscribed: dict[str, bool] = field(default_factory=dict)
    unsubscribe_tokens: dict[str, str] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    down: bool = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        path, method = request.url.path, request.method
        if path == "/reports/unsubscribe":
            user = self.unsubscribe_tokens.get(request.url.params.get("token", ""))
            if user is None:
                return problem(400, "This unsubscribe link is not valid.")
            self.subscribed[user] = False
            if method == "GET":
                return httpx.Response(200, text="<h1>You are unsubscribed</h1>",
                                      headers={"Content-Type": "text/html; charset=utf-8"})
            return httpx.Response(200, json={"subscribed": False})
        try:
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            user = self.fake.verifier.verify(token).sub
        except RunnerlyError as exc:
            return problem(exc.status, exc.detail)
        mine = self.reports.setdefault(user, {})
        if path == "/reports":
            items = [{k: v for k, v in r.items() if k != "content"}
                     for _, r in sorted(mine.items(), reverse=True)]
            body = json.dumps({"items": items}).encode()
            etag = '"list-etag"'
            if request.headers.get("if-none-match") == etag:
                return httpx.Response(304, headers={"ETag": etag})
            return httpx.Response(200, content=body, headers={
                "Content-Type": "application/json", "ETag": etag,
                "Cache-Control": "private, no-cache"})
        if path == "/reports/subscription":
            if method == "PUT":
                self.subscribed[user] = bool(json.loads(request.content)["subscribed"])
            return httpx.Response(200, json={"subscribed": self.subscribed.get(user, True)})
        month = path.removeprefix("/reports/")
        if month.endswith("/send") and method == "POST":
            month = month.removesuffix("/send")
            if month >= "2026-11":
                return problem(409, "November 2026 has not ended yet in Europe/Paris.")
            sent = mine.setdefault(month, report(month))
            sent["send_count"] += 1
            return httpx.Response(202, json=sent)
        if month.endswith(".pdf"):
            if month.removesuffix(".pdf") not in mine:
                return problem(404, "No report of that month has been built.")
            return httpx.Response(200, content=PDF, headers={
                "Content-Type": "application/pdf"})
        if month not in mine:
            return problem(404, "No report of that month has been built.")
        return httpx.Response(200, json=mine[month])


@pytest.fixture
def reports(fake: Any) -> FakeReports:
    return FakeReports(fake)


@pytest.fixture
def app(settings: Settings, fake: Any, reports: FakeReports) -> FastAPI:
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.port == REPORTS_PORT:
            return reports.handle(request)
        response: httpx.Response = fake.handle(request)
        return response

    return create_app(settings, transport=httpx.MockTransport(route))
