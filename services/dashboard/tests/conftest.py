"""The dashboard on a temp database built by its migrations, its peers played by
``FakePeers``: a MockTransport handler that keeps the peers' contracts (tokens that
expire and rotate, problems, ETags) so every edge case runs with the network off. Every
answer of a fake dataservice or plans service must validate against the model the
dashboard generates from that peer's contract for the route (``vouched``), so a fake
cannot drift from its peer."""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from runnerly.contracts import CONTRACTS_DIR, PEER_MODELS
from runnerly_dashboard.config import Settings
from runnerly_dashboard.main import create_app
from runnerly_dashboard.models import BrowserSession
from runnerly_kit.auth import JwksCache, TokenVerifier
from runnerly_kit.errors import RunnerlyError
from runnerly_kit.testing import AUDIENCE, DATABASE_BACKENDS, ISSUER, TestKeys, database_for_test

PASSWORD = "correct horse battery"
PORTS = {
    8001: "tokendealer", 8002: "dataservice", 8003: "mailer", 8004: "ingest", 8005: "plans",
    8006: "reports",
}


def problem(status: int, title: str, detail: str, **extra: Any) -> httpx.Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return httpx.Response(
        status, json=body, headers={"Content-Type": "application/problem+json"}
    )


@functools.cache
def _operations(peer: str) -> list[tuple[str, re.Pattern[str], dict[str, Any]]]:
    """The peer's routes from its committed contract: method, path pattern, operation."""
    contract = json.loads((CONTRACTS_DIR / f"{peer}.json").read_text())
    return [
        (method.upper(), re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/.]+", re.escape(path)) + "$"),
         operation)
        for path, operations in contract["paths"].items()
        for method, operation in operations.items()
    ]


def _generated(peer: str, schema: str) -> type[BaseModel]:
    """The dashboard's model generated from the peer's ``schema``."""
    for models in PEER_MODELS:
        if models.peer == peer and models.import_name.startswith("runnerly_dashboard."):
            module = importlib.import_module(models.import_name)
            found = getattr(module, models.class_name(schema), None)
            if isinstance(found, type) and issubclass(found, BaseModel):
                return found
    raise AssertionError(f"The dashboard generates no model of {peer}'s {schema}.")


def vouched(peer: str, request: httpx.Request, response: httpx.Response) -> httpx.Response:
    """``response``, once the peer's contract vouches for it: a status the route documents
    and, for a JSON success, a body its generated model accepts."""
    if response.status_code == 304 or response.status_code >= 400:
        return response
    matching = [operation for method, pattern, operation in _operations(peer)
                if method == request.method and pattern.match(request.url.path)]
    assert matching, f"{peer} has no route {request.method} {request.url.path}"
    documented = matching[0]["responses"]
    where = f"{peer} {request.method} {request.url.path}"
    assert str(response.status_code) in documented, f"{where} never answers {response.status_code}"
    media = documented[str(response.status_code)].get("content", {})
    ref = media.get("application/json", {}).get("schema", {}).get("$ref")
    if ref is not None:
        model = _generated(peer, ref.rsplit("/", 1)[1])
        try:
            model.model_validate_json(response.content)
        except ValidationError as exc:
            raise AssertionError(f"The fake {where} drifted from its contract: {exc}") from exc
    return response


@dataclass
class Account:
    id: str
    email: str
    password: str
    confirmed: bool = False
    created_at: str = "2026-01-01T00:00:00Z"

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "email": self.email, "confirmed": self.confirmed,
                "created_at": self.created_at, "roles": ["runner"]}


@dataclass
class FakePeers:
    keys: TestKeys = field(default_factory=TestKeys)
    down: set[str] = field(default_factory=set)
    access_ttl: int = 900
    accounts: dict[str, Account] = field(default_factory=dict)
    confirmations: dict[str, str] = field(default_factory=dict)  # token -> email
    reset_links: dict[str, str] = field(default_factory=dict)  # token -> email
    live_refresh_tokens: dict[str, str] = field(default_factory=dict)  # token -> user id
    revoked_refresh_tokens: set[str] = field(default_factory=set)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # user id -> items
    races: dict[int, dict[str, Any]] = field(default_factory=dict)
    entries: set[tuple[int, str]] = field(default_factory=set)
    mail: list[dict[str, Any]] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    # Ingest: the Strava links (user id -> athlete id) and its canned answers.
    strava_links: dict[str, int] = field(default_factory=dict)
    strava_states: dict[str, str] = field(default_factory=dict)  # state -> user id
    # Ingest's import jobs: id -> (the owner's user id, the job as ingest shows it).
    import_jobs: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    imports_busy: bool = False  # the runner has as many unfinished imports as allowed

    # Set by a test that makes a peer break its contract on purpose.
    breaks_contract: bool = False

    def vouch(self, peer: str, request: httpx.Request, response: httpx.Response
              ) -> httpx.Response:
        """``response`` vouched for by the peer's contract (the fakes of tests/plans too)."""
        return response if self.breaks_contract else vouched(peer, request, response)
    # (user id, Strava activity id) whose streams ingest still has to fetch.
    pending_streams: set[tuple[str, int]] = field(default_factory=set)

    @property
    def verifier(self) -> TokenVerifier:
        return TokenVerifier(JwksCache(self.keys.jwks), AUDIENCE, ISSUER)

    # -- what tests use --------------------------------------------------------------

    def add_account(self, email: str = "ada@example.com", confirmed: bool = True) -> Account:
        account = Account(id=uuid.uuid4().hex, email=email, password=PASSWORD,
                          confirmed=confirmed)
        self.accounts[email] = account
        return account

    def add_run(self, owner: Account, run_id: int, **fields: Any) -> dict[str, Any]:
        run = {"id": run_id, "runner_id": owner.id, "name": f"Run {run_id}",
               "source": "file", "external_id": f"sha256-{run_id}",
               "created_at": "2026-03-01T09:00:00Z", "updated_at": "2026-03-01T09:00:00Z",
               "started_at": "2026-03-01T07:00:00Z", "distance_m": 10000.0,
               "moving_time_s": 3000, "elapsed_time_s": 3100, **fields}
        self.runs[run_id] = run
        return run

    def sent(self, peer: str, method: str, path: str) -> list[httpx.Request]:
        port = {name: port for port, name in PORTS.items()}[peer]
        return [r for r in self.requests
                if r.url.port == port and r.method == method and r.url.path == path]

    def pair_for(self, user_id: str) -> dict[str, Any]:
        refresh_token = secrets.token_urlsafe(24)
        self.live_refresh_tokens[refresh_token] = user_id
        return {"access_token": self.keys.token(user_id, ttl=self.access_ttl),
                "refresh_token": refresh_token, "token_type": "Bearer",
                "expires_in": self.access_ttl}

    # -- the transport ---------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        peer = PORTS[request.url.port or 80]
        if peer in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/health/ready":
            return httpx.Response(200, json={"status": "ok", "checks": {}})
        handler = getattr(self, f"_{peer}", None)
        if handler is None:  # plans and reports have fakes of their own (tests/plans, reports)
            return problem(404, "Not found", "No such route.")
        try:
            response: httpx.Response = handler(request)
        except RunnerlyError as exc:
            return problem(exc.status, exc.title, exc.detail)
        if peer in ("dataservice", "plans"):
            return self.vouch(peer, request, response)
        return response

    def _body(self, request: httpx.Request) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(request.content or b"{}")
        return data

    def _user(self, request: httpx.Request) -> Account:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        principal = self.verifier.verify(token)  # raises Unauthorized
        for account in self.accounts.values():
            if account.id == principal.sub:
                return account
        raise RunnerlyError("gone")

    def _cached(self, request: httpx.Request, body: Any) -> httpx.Response:
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        etag = f'"{digest[:16]}"'
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers=headers)
        return httpx.Response(200, json=body, headers=headers)

    def _tokendealer(self, request: httpx.Request) -> httpx.Response:
        route = (request.method, request.url.path)
        if route == ("POST", "/accounts"):
            body = self._body(request)
            if body["email"] in self.accounts:
                return problem(409, "Conflict", "An account with this email exists.")
            self.add_account(body["email"], confirmed=False)
            self.confirmations[secrets.token_urlsafe(16)] = body["email"]
            return httpx.Response(202, json={"status": "confirmation_sent",
                                             "email": body["email"]})
        if route == ("POST", "/accounts/confirm"):
            email = self.confirmations.pop(self._body(request)["token"], None)
            if email is None:
                return problem(404, "Not found", "This confirmation link is unknown or used.")
            self.accounts[email].confirmed = True
            return httpx.Response(200, json=self.accounts[email].public())
        if route == ("POST", "/login"):
            body = self._body(request)
            account = self.accounts.get(body["email"])
            if account is None or account.password != body["password"]:
                return problem(401, "Not authenticated", "Wrong email or password.")
            if not account.confirmed:
                return problem(403, "Forbidden", "Confirm your email first.")
            return httpx.Response(200, json=self.pair_for(account.id))
        if route == ("POST", "/refresh"):
            token = self._body(request)["refresh_token"]
            user_id = self.live_refresh_tokens.pop(token, None)
            if user_id is None:
                return problem(401, "Not authenticated", "The refresh token is not valid.")
            self.revoked_refresh_tokens.add(token)
            return httpx.Response(200, json=self.pair_for(user_id))
        if route == ("POST", "/logout"):
            token = self._body(request)["refresh_token"]
            if self.live_refresh_tokens.pop(token, None) is not None:
                self.revoked_refresh_tokens.add(token)
            return httpx.Response(204)
        if route == ("POST", "/password-reset"):
            email = self._body(request)["email"]
            if email in self.accounts:
                self.reset_links[secrets.token_urlsafe(16)] = email
            return httpx.Response(202, json={"status": "reset_link_sent"})
        if route == ("POST", "/password-reset/confirm"):
            email = self.reset_links.pop(self._body(request)["token"], None)
            if email is None:
                return problem(400, "Bad request", "This password reset link has expired.")
            account = self.accounts[email]
            for token, user_id in list(self.live_refresh_tokens.items()):
                if user_id == account.id:
                    del self.live_refresh_tokens[token]
                    self.revoked_refresh_tokens.add(token)
            # Its earlier access tokens are refused from now on.
            return httpx.Response(200, json={"user_id": account.id, "not_before": time.time()})
        if route == ("GET", "/accounts/me"):
            return httpx.Response(200, json=self._user(request).public())
        if route == ("DELETE", "/accounts/me"):
            account = self._user(request)
            del self.accounts[account.email]
            for token, user_id in list(self.live_refresh_tokens.items()):
                if user_id == account.id:
                    del self.live_refresh_tokens[token]
            return httpx.Response(204)
        if route == ("POST", "/oauth/token"):
            scope = parse_qs(request.content.decode()).get("scope", ["mail:read"])[0]
            return httpx.Response(200, json={
                "access_token": self.keys.service_token("dashboard", scope),
                "token_type": "Bearer", "expires_in": 300})
        return problem(404, "Not found", "No such route.")

    def _dataservice(self, request: httpx.Request) -> httpx.Response:
        user = self._user(request)
        method, path = request.method, request.url.path
        parts = path.strip("/").split("/")
        if path == "/profile":
            profile = self.profiles.setdefault(user.id, {"units": "km", "time_zone": "UTC"})
            if method == "PATCH":
                body = self._body(request)
                if body.get("units") not in (None, "km", "mi"):
                    return problem(422, "Invalid input", "units: bad")
                profile.update(body)
                return httpx.Response(200, json=profile)
            return self._cached(request, profile)
        if parts[0] == "runs":
            mine = sorted((r for r in self.runs.values() if r["runner_id"] == user.id),
                          key=lambda r: r["started_at"], reverse=True)
            if len(parts) == 1:
                limit = int(request.url.params.get("limit", 20))
                return self._cached(request, {"items": mine[:limit], "next_cursor": None})
            run = next((r for r in mine if str(r["id"]) == parts[1]), None)
            if run is None:
                return problem(404, "Not found", "No such run.")
            if method == "DELETE":
                del self.runs[run["id"]]
                return httpx.Response(204)
            return self._cached(request, run)
        if path == "/records":
            return self._cached(request, {"items": self.records.get(user.id, [])})
        if path == "/stats":
            period = request.url.params["period"]
            return self._cached(request, {"period": period, "time_zone": "UTC", "buckets": [
                {"start": "2026-03-02", "runs": 1, "distance_m": 10000.0, "moving_time_s": 3000,
                 "elevation_gain_m": 42.0}]})
        if parts[0] == "races":
            if len(parts) == 1 and method == "POST":
                race_id = len(self.races) + 1
                race = {"id": race_id, "entrants": 0, "entered": False, "location": None,
                        "url": None, **self._body(request)}
                self.races[race_id] = race
                return httpx.Response(201, json=race)
            if len(parts) == 1:
                return self._cached(
                    request, {"items": list(self.races.values()), "next_cursor": None}
                )
            race = self.races.get(int(parts[1]))
            if race is None:
                return problem(404, "Not found", "No such race.")
            if len(parts) == 2 and method == "DELETE":
                if any(race_id == race["id"] and runner != user.id
                       for race_id, runner in self.entries):
                    return problem(409, "Conflict", "Other runners entered this race.")
                del self.races[race["id"]]
                return httpx.Response(204)
            if len(parts) == 3:
                if method == "PUT":
                    self.entries.add((race["id"], user.id))
                else:
                    self.entries.discard((race["id"], user.id))
            entered = (race["id"], user.id) in self.entries
            entrants = sum(1 for race_id, _ in self.entries if race_id == race["id"])
            return self._cached(request, {**race, "entered": entered, "entrants": entrants})
        return problem(404, "Not found", "No such route.")

    def _ingest(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method, request.url.path
        if path == "/strava/webhook":
            if method == "GET":
                if request.url.params.get("hub.verify_token") != "verify-me":
                    return problem(403, "Forbidden", "Wrong verify token.")
                return httpx.Response(
                    200, json={"hub.challenge": request.url.params["hub.challenge"]})
            return httpx.Response(200, json={"status": "accepted"})
        user = self._user(request)
        if (method, path) == ("GET", "/strava/connect"):
            state = secrets.token_urlsafe(8)
            self.strava_states[state] = user.id
            return httpx.Response(200, json={
                "authorize_url": f"http://strava.test/oauth/authorize?state={state}",
                "demo_mode": True})
        if (method, path) == ("POST", "/strava/callback"):
            body = self._body(request)
            if self.strava_states.pop(body["state"], None) != user.id:
                return problem(403, "Forbidden", "This Strava link was started by another account.")
            self.strava_links[user.id] = 1234567
            return httpx.Response(200, json={"linked": True, "demo_mode": True,
                                             "athlete_id": 1234567})
        if path == "/strava":
            if method == "DELETE":
                if self.strava_links.pop(user.id, None) is None:
                    return problem(404, "Not found", "Your account is not linked to Strava.")
                return httpx.Response(204)
            if user.id not in self.strava_links:
                return httpx.Response(200, json={"linked": False, "demo_mode": True})
            return httpx.Response(200, json={
                "linked": True, "demo_mode": True, "athlete_id": self.strava_links[user.id],
                "backfill": {"state": "running", "activities_seen": 200, "runs_imported": 150,
                             "started_at": "2026-03-01T07:00:00Z", "finished_at": None}})
        if (method, path) == ("POST", "/imports"):
            if self.imports_busy:
                response = problem(429, "Too many requests", "Two imports are still being read.")
                response.headers["Retry-After"] = "10"
                return response
            names = re.findall(rb'filename="([^"]*)"', request.read())
            job = {"id": uuid.uuid4().hex, "created_at": "2026-03-01T07:00:00Z",
                   "finished_at": None,
                   "files": [{"filename": name.decode(), "status": "queued", "run_id": None,
                              "message": None, "reason": None} for name in names]}
            self.import_jobs[job["id"]] = (user.id, job)
            return httpx.Response(202, json=job)
        if method == "GET" and path.startswith("/imports/"):
            owner, job = self.import_jobs.get(path.removeprefix("/imports/"), ("", {}))
            if owner != user.id:
                return problem(404, "Not found", "No such import.")
            return httpx.Response(200, json=job)
        if method == "POST" and path.startswith("/strava/streams/"):
            key = (user.id, int(path.rsplit("/", 1)[1]))
            return httpx.Response(200, json={"pending": key in self.pending_streams})
        return problem(404, "Not found", "No such route.")

    def _mailer(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        principal = self.verifier.verify(token)
        if "mail:read" not in principal.scopes:
            return problem(403, "Forbidden", "The token lacks the scope(s): mail:read.")
        limit = int(request.url.params.get("limit", 50))
        return httpx.Response(200, json={"items": self.mail[:limit]})


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_for_test(request.param, "dashboard", tmp_path) as url:
        yield url


@pytest.fixture
def fake() -> FakePeers:
    return FakePeers()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(env="test", data_dir=tmp_path, database_url=database_url, dev_mail=True,
                    client_secret="test-secret")


@pytest.fixture
def app(settings: Settings, fake: FakePeers) -> FastAPI:
    return create_app(settings, transport=httpx.MockTransport(fake.handle))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@dataclass
class LoggedIn:
    account: Account
    tokens: dict[str, Any]
    csrf: dict[str, str]


@pytest.fixture
def login(client: TestClient, fake: FakePeers) -> Any:
    def log_in(email: str = "ada@example.com") -> LoggedIn:
        account = fake.accounts.get(email) or fake.add_account(email)
        response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return LoggedIn(account, response.json(),
                        {"X-CSRF-Token": client.cookies["runnerly_csrf"]})

    return log_in


@pytest.fixture
def sessions(app: FastAPI) -> Any:
    """The browser sessions stored, read straight from the dashboard's database."""

    def read() -> list[BrowserSession]:
        with Session(app.state.database.engine) as db:
            return list(db.scalars(sa.select(BrowserSession)).all())

    return read


def is_problem(response: httpx.Response, status: int) -> bool:
    return (response.status_code == status
            and response.headers["content-type"].startswith("application/problem+json")
            and response.json()["status"] == status)


@pytest.fixture
def assert_problem() -> Any:
    def check(response: httpx.Response, status: int) -> dict[str, Any]:
        assert is_problem(response, status), (response.status_code, response.text)
        body: dict[str, Any] = response.json()
        return body

    return check
