"""Once a runner's deletion or password reset is answered, their earlier access tokens reach
nothing, through the public door or any service behind it, and nothing more is stored for
a deleted runner by any path: a request, an import in flight, a queued report, a mail.

On the real processes, both columns. The races (an import or a report in flight while the
account is deleted) are not forced into one order: every order must end with nothing kept,
so the test starts the work, deletes at once, and then waits for the system to settle (each
service's revocation row, a later message through the same queues) before it looks.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization

from tests.integration.conftest import CONFIRM_LINK, text_of
from tests.system import System, gpx_run, import_files, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase"
RESET_LINK = re.compile(r"/reset-password\?token=([A-Za-z0-9_\-]+)")
# Each service behind the door, at its offset from the public port, and a path a runner's
# token reaches there (with the scopes a runner has, or refused with 403 for lack of one).
SERVICES = {
    "tokendealer": (1, "/accounts/me"),
    "dataservice": (2, "/profile"),
    "mailer": (3, "/messages"),
    "ingest": (4, "/strava"),
    "plans": (5, "/plans"),
    "reports": (6, "/reports"),
}
DATABASES = ("dashboard", "tokendealer", "dataservice", "mailer", "ingest", "plans", "reports")


@dataclass
class Runner:
    email: str
    id: str
    access_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def _sign_up(system: System) -> Runner:
    email = f"runner-{uuid.uuid4().hex[:10]}@example.com"
    response = system.http.post("/api/auth/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 202, response.text
    match = CONFIRM_LINK.search(text_of(system.wait_for_mail(email)))
    assert match
    assert system.http.post("/api/auth/confirm", json={"token": match.group(1)}).status_code == 200
    return _log_in(system, email, PASSWORD)


def _log_in(system: System, email: str, password: str) -> Runner:
    login = system.http.post("/api/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    system.http.cookies.clear()  # bearer tokens only: the door must refuse them by themselves
    token = login.json()["access_token"]
    subject = jwt.decode(token, options={"verify_signature": False})["sub"]
    return Runner(email, subject, token)


def _last_month() -> str:
    first = date.today().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def _runs_of_last_month(runner_id: str, count: int) -> list[dict[str, Any]]:
    start = datetime.combine(
        date.today().replace(day=1) - timedelta(days=28), datetime.min.time(), UTC
    ) + timedelta(hours=7)
    return [
        {
            "runner_id": runner_id,
            "source": "strava",
            "external_id": f"{runner_id}-{i}",
            "name": f"Morning run {i}",
            "sport_type": "Run",
            "started_at": (start + timedelta(days=i)).isoformat(),
            "distance_m": 8000.0 + i,
            "moving_time_s": 2700 + i,
            "elapsed_time_s": 2800 + i,
            "elevation_gain_m": 40.0,
        }
        for i in range(count)
    ]


def _files(count: int, points: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", (f"run-{i}.gpx", gpx_run(i, points), "application/gpx+xml"))
        for i in range(count)
    ]


def _held_in(system: System, needle: str, *, skip: frozenset[str] = frozenset()) -> list[str]:
    """Every ``service.table.column`` of every service's database whose text holds
    ``needle`` (string, text and JSON columns, whatever their names)."""
    found = []
    for service in DATABASES:
        engine = system.database(service)
        try:
            inspector = sa.inspect(engine)
            with engine.connect() as connection:
                for table in inspector.get_table_names():
                    if table in skip or table == "alembic_version":
                        continue
                    for column in inspector.get_columns(table):
                        if not isinstance(column["type"], sa.String | sa.JSON | sa.Text):
                            continue
                        name: sa.ColumnClause[Any] = sa.column(column["name"])
                        hit = connection.execute(
                            sa.select(sa.func.count())
                            .select_from(sa.table(table))
                            .where(sa.cast(name, sa.Text).contains(needle, autoescape=True))
                        ).scalar_one()
                        if hit:
                            found.append(f"{service}.{table}.{column['name']}")
        finally:
            engine.dispose()
    return found


def _wait_until_held_nowhere(
    system: System, needle: str, what: str, *, skip: frozenset[str] = frozenset(),
    timeout: float = 60,
) -> None:
    """Wait for no database to hold ``needle``; past ``timeout``, say which columns do."""
    held: list[str] = []

    def nowhere() -> bool:
        held[:] = _held_in(system, needle, skip=skip)
        return not held

    try:
        wait_until(nowhere, timeout, what)
    except AssertionError as timed_out:
        raise AssertionError(f"{timed_out}; still in {', '.join(held)}") from None


def _revoked_everywhere(system: System, runner_id: str, *, deleted: bool) -> bool:
    """Whether every service's database holds the runner's revocation row."""
    for service in DATABASES:
        engine = system.database(service)
        try:
            with engine.connect() as connection:
                row = connection.execute(
                    sa.text("SELECT deleted FROM revocations WHERE subject = :subject"),
                    {"subject": runner_id},
                ).first()
        finally:
            engine.dispose()
        if row is None or bool(row[0]) != deleted:
            return False
    return True


def _refused_by_every_service(system: System, token: str) -> bool:
    headers = {"Authorization": f"Bearer {token}"}
    return all(
        httpx.get(system.port(offset) + path, headers=headers).status_code == 401
        for offset, path in SERVICES.values()
    )


def _every_door(race_id: int, month: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every kind of read and write a runner makes through /api."""
    race = {"name": "Late race", "date": "2031-05-01", "distance_m": 10000, "location": "Here"}
    return [
        ("GET", "/api/me", {}),
        ("PATCH", "/api/me", {"json": {"display_name": "Still here"}}),
        ("DELETE", "/api/me", {}),
        ("GET", "/api/races", {}),
        ("POST", "/api/races", {"json": race}),
        ("GET", f"/api/races/{race_id}", {}),
        ("PUT", f"/api/races/{race_id}/entry", {}),
        ("DELETE", f"/api/races/{race_id}/entry", {}),
        ("DELETE", f"/api/races/{race_id}", {}),
        ("GET", "/api/plans", {}),
        ("POST", "/api/plans", {"json": {"race_id": race_id, "days_per_week": 4}}),
        ("POST", "/api/runs/import", {"files": _files(1, 200)}),
        ("GET", f"/api/runs/imports/{'0' * 32}", {}),
        ("GET", "/api/runs", {}),
        ("GET", "/api/stats", {}),
        ("GET", "/api/records", {}),
        ("GET", "/api/reports", {}),
        ("GET", "/api/reports/subscription", {}),
        ("PUT", "/api/reports/subscription", {"json": {"subscribed": True}}),
        ("GET", f"/api/reports/{month}", {}),
        ("POST", f"/api/reports/{month}/send", {}),
        ("GET", "/api/strava", {}),
        ("GET", "/api/strava/connect", {}),
        ("DELETE", "/api/strava", {}),
    ]


def test_a_deleted_runners_token_reaches_nothing_and_nothing_of_them_is_kept(
    system: System,
) -> None:
    runner = _sign_up(system)
    race = {"name": "Spring 10k", "date": "2031-04-01", "distance_m": 10000, "location": "Town"}
    created = system.http.post("/api/races", headers=runner.auth, json=race)
    assert created.status_code == 201, created.text
    race_id = created.json()["id"]
    assert system.http.put(f"/api/races/{race_id}/entry", headers=runner.auth).status_code == 200
    assert system.http.patch(
        "/api/me", headers=runner.auth, json={"display_name": "Ada"}
    ).status_code == 200
    [imported] = import_files(system.http, _files(1, 300), headers=runner.auth)
    assert imported["status"] == "imported", imported

    deleted = system.http.delete("/api/me", headers=runner.auth)
    assert deleted.status_code == 204, deleted.text

    # At once, before any service has heard of it: the door refuses every kind of request.
    answers = {
        f"{method} {path}": system.http.request(method, path, headers=runner.auth, **kwargs)
        for method, path, kwargs in _every_door(race_id, _last_month())
    }
    assert {key: r.status_code for key, r in answers.items() if r.status_code != 401} == {}
    # And every service behind it, once it has heard.
    wait_until(lambda: _refused_by_every_service(system, runner.access_token), 60,
               "every service refusing the deleted runner's token")
    _wait_until_held_nowhere(system, runner.email, "no database holding the address")
    _wait_until_held_nowhere(system, runner.id, "no database holding the runner but as a "
                             "revocation", skip=frozenset({"revocations"}))
    assert _revoked_everywhere(system, runner.id, deleted=True)


def test_an_import_in_flight_when_the_account_is_deleted_leaves_nothing(system: System) -> None:
    runner = _sign_up(system)
    # Twenty files of two hours each: ingest parses them for a while before it sends the batch.
    files = _files(20, 7200)
    answers: list[httpx.Response] = []
    started = threading.Event()

    def upload() -> None:
        with httpx.Client(base_url=system.url, timeout=120) as client:
            started.set()
            answers.append(client.post("/api/runs/import", headers=runner.auth, files=files))

    importer = threading.Thread(target=upload)
    importer.start()
    started.wait(10)
    assert system.http.delete("/api/me", headers=runner.auth).status_code == 204
    importer.join(timeout=120)
    assert answers, "the import never answered"

    wait_until(lambda: _revoked_everywhere(system, runner.id, deleted=True), 60,
               "every service recording the deletion")
    # A batch that arrives later still (a backfill page, a retried import) stores nothing.
    late = httpx.post(
        system.port(2) + "/runs/batch",
        headers={"Authorization": f"Bearer {system.service_token('ingest', 'runs:write')}"},
        json={"runs": _runs_of_last_month(runner.id, 3)},
    )
    assert late.status_code == 200, late.text
    assert late.json()["created"] == 0
    _wait_until_held_nowhere(system, runner.id, "no database holding the runner's runs, best "
                             "efforts or import", skip=frozenset({"revocations"}))
    assert not _held_in(system, runner.email)


def test_a_report_queued_as_the_account_is_deleted_is_never_kept_nor_mailed_after(
    system: System,
) -> None:
    month = _last_month()
    runner, witness = _sign_up(system), _sign_up(system)
    system.store_runs(_runs_of_last_month(runner.id, 6) + _runs_of_last_month(witness.id, 2))

    queued = system.http.post(f"/api/reports/{month}/send", headers=runner.auth)
    assert queued.status_code == 202, queued.text
    assert system.http.delete("/api/me", headers=runner.auth).status_code == 204

    wait_until(lambda: _revoked_everywhere(system, runner.id, deleted=True), 60,
               "every service recording the deletion")
    # The witness's report goes through the same queues after the doomed one: once it is
    # delivered, the doomed mail has been handled too.
    assert system.http.post(f"/api/reports/{month}/send", headers=witness.auth).status_code == 202
    system.wait_for_mail(witness.email, count=2, timeout=60)

    _wait_until_held_nowhere(system, runner.id, "no database holding the report",
                             skip=frozenset({"revocations"}))
    assert not _held_in(system, runner.email)
    if system.smtp is None:  # the Maildir: copies made before the mailer heard are removed
        wait_until(lambda: system.mails_to(runner.email) == [], 30, "no mail to the runner")


def test_a_password_reset_refuses_the_tokens_issued_before_it(system: System) -> None:
    runner = _sign_up(system)
    assert system.http.get("/api/runs", headers=runner.auth).status_code == 200
    asked = system.http.post("/api/auth/password-reset", json={"email": runner.email})
    assert asked.status_code == 202
    match = RESET_LINK.search(text_of(system.wait_for_mail(runner.email, count=2)))
    assert match
    reset_token = match.group(1)

    reset = system.http.post(
        "/api/auth/password-reset/confirm", json={"token": reset_token, "password": NEW_PASSWORD}
    )
    assert reset.status_code == 204, reset.text

    for path in ("/api/me", "/api/runs", "/api/races", "/api/plans", "/api/reports"):
        assert system.http.get(path, headers=runner.auth).status_code == 401, path
    fresh = _log_in(system, runner.email, NEW_PASSWORD)
    assert system.http.get("/api/me", headers=fresh.auth).status_code == 200
    wait_until(lambda: _refused_by_every_service(system, runner.access_token), 60,
               "every service refusing the token issued before the reset")
    assert httpx.get(system.port(2) + "/profile", headers=fresh.auth).status_code == 200
    # The link worked once; no database keeps it (only its hash), the outbox included.
    wait_until(lambda: not _held_in(system, reset_token), 30, "no database holding the link")


def test_a_token_signed_by_the_real_key_claiming_ten_years_is_refused(system: System) -> None:
    runner = _sign_up(system)
    [*_, newest] = sorted((system.data_dir / "tokendealer" / "keys").glob("*.pem"))
    key = serialization.load_pem_private_key(newest.read_bytes(), password=None)
    claims = jwt.decode(runner.access_token, options={"verify_signature": False})
    now = int(time.time())
    forged = jwt.encode(
        {**claims, "iat": now, "exp": now + 10 * 365 * 24 * 3600, "jti": uuid.uuid4().hex},
        key,  # type: ignore[arg-type]
        algorithm="EdDSA",
        headers={"kid": newest.name.removesuffix(".pem")},
    )
    headers = {"Authorization": f"Bearer {forged}"}

    assert _refused_by_every_service(system, forged)
    assert system.http.get("/api/runs", headers=headers).status_code == 401
    assert system.http.get("/api/runs", headers=runner.auth).status_code == 200
