"""Revocations: a deleted runner's tokens and those issued before a password change are
refused, and writers for a deleted runner store nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
import sqlalchemy as sa
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from sqlalchemy.orm import Mapped, Session, mapped_column

from runnerly_kit.app import create_app
from runnerly_kit.auth import Principal, require_scopes, require_user
from runnerly_kit.db import Base, Database, SessionDep, metadata
from runnerly_kit.messages import RunCreated, UserDeleted, UserSessionsRevoked
from runnerly_kit.revocations import RevocationMixin, Revocations, not_before_now
from runnerly_kit.settings import KitSettings
from runnerly_kit.testing import DATABASE_BACKENDS, TestKeys, bearer, database_for_test


class Model(Base):
    __abstract__ = True
    metadata = metadata()


class Revocation(RevocationMixin, Model):
    pass


class Note(Model):
    """What the demo's runners store: one row per write."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(64))


class DemoSettings(KitSettings):
    service_name = "demo"


router = APIRouter()


@router.get("/mine")
def mine(principal: Annotated[Principal, Depends(require_user("runs:read"))]) -> dict[str, str]:
    return {"sub": principal.sub}


@router.post("/notes", status_code=201)
def add_note(
    principal: Annotated[Principal, Depends(require_user("notes:write", writes=True))],
    session: SessionDep,
) -> dict[str, str]:
    session.add(Note(subject=principal.sub))
    return {"sub": principal.sub}


@router.get("/any")
def any_token(
    principal: Annotated[Principal, Depends(require_scopes("runs:read"))],
) -> dict[str, str]:
    return {"sub": principal.sub}


@pytest.fixture(params=DATABASE_BACKENDS)
def revocations(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Revocations]:
    with database_for_test(request.param, "kit", tmp_path) as url:
        database = Database(url)
        Model.metadata.create_all(database.engine)
        yield Revocations(Revocation, database)
        database.dispose()


@pytest.fixture
def keys() -> TestKeys:
    return TestKeys()


@pytest.fixture
def client(tmp_path: Path, revocations: Revocations, keys: TestKeys) -> Iterator[TestClient]:
    app = create_app(
        DemoSettings(env="test", data_dir=tmp_path),
        title="demo",
        routers=[router],
        database=revocations.database,
        revocations=revocations,
    )
    keys.install(app)
    with TestClient(app) as client:
        yield client


def test_a_deleted_runners_tokens_are_refused_from_the_commit_on(
    client: TestClient, revocations: Revocations, keys: TestKeys
) -> None:
    token = keys.token("u1", "runs:read")
    other = keys.token("u2", "runs:read")
    assert client.get("/mine", headers=bearer(token)).status_code == 200  # now remembered

    with revocations.database.transaction() as session:
        revocations.record_deletion(session, "u1")

    refused = client.get("/mine", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.json()["title"] == "Account deleted"
    assert client.get("/any", headers=bearer(token)).status_code == 401
    assert client.get("/mine", headers=bearer(keys.token("u1", "runs:read"))).status_code == 401
    assert client.get("/mine", headers=bearer(other)).status_code == 200


def test_tokens_issued_before_a_password_change_are_refused_and_later_ones_accepted(
    client: TestClient, revocations: Revocations, keys: TestKeys
) -> None:
    now = time.time()
    before = keys.token("u1", "runs:read", iat=now - 1)
    assert client.get("/mine", headers=bearer(before)).status_code == 200

    with revocations.database.transaction() as session:
        revocations.record_not_before(session, "u1", now)
        # An older instant arriving late (events out of order) does not undo the newer one.
        revocations.record_not_before(session, "u1", now - 60)

    assert client.get("/mine", headers=bearer(before)).status_code == 401
    after = keys.token("u1", "runs:read", iat=now + 0.001)
    assert client.get("/mine", headers=bearer(after)).status_code == 200


def test_a_service_token_naming_itself_is_not_a_runner_and_is_not_checked(
    client: TestClient, revocations: Revocations, keys: TestKeys
) -> None:
    with revocations.database.transaction() as session:
        revocations.record_deletion(session, "plans")

    token = keys.service_token("plans", "runs:read")
    assert client.get("/any", headers=bearer(token)).status_code == 200


def test_a_deletion_after_a_password_change_stays_a_deletion(revocations: Revocations) -> None:
    with revocations.database.transaction() as session:
        revocations.record_not_before(session, "u1", not_before_now())
        revocations.record_deletion(session, "u1")
        revocations.record_not_before(session, "u1", not_before_now() + 10)
    with revocations.database.transaction() as session:
        assert not revocations.admits(session, "u1")
        assert revocations.admits(session, "u2")


def test_a_write_in_progress_holds_back_the_deletion_which_the_next_write_sees(
    revocations: Revocations,
) -> None:
    recorded = threading.Event()
    failures: list[BaseException] = []

    def delete() -> None:
        try:
            with revocations.database.transaction() as session:
                revocations.record_deletion(session, "u1")
            recorded.set()
        except BaseException as exc:  # surfaced in the test's thread below
            failures.append(exc)

    with revocations.database.transaction() as session:
        assert revocations.admits(session, "u1")
        deletion = threading.Thread(target=delete)
        deletion.start()
        # The deletion must wait for this write to commit (so the forgetting that follows
        # it sees what this write stored).
        assert not recorded.wait(1.0)
    deletion.join(timeout=30)

    assert not failures, failures
    assert recorded.is_set()
    with revocations.database.transaction() as session:
        assert not revocations.admits(session, "u1")


def test_the_events_record_the_rows_then_hand_over_to_the_service(
    revocations: Revocations,
) -> None:
    calls: list[tuple[str, Any]] = []

    def forget(session: Session, names: list[str]) -> None:
        calls.append(("forget", names))

    handlers = revocations.event_handlers(
        {
            UserDeleted: lambda event: calls.append(("own", event.user_id)),
            RunCreated: lambda event: calls.append(("run", event)),
        },
        forget=forget,
    )

    handlers[UserSessionsRevoked](UserSessionsRevoked(user_id="u2", not_before=1234.5))
    handlers[UserDeleted](UserDeleted(user_id="u1", email="ada@example.com"))

    assert calls == [("forget", ["u1", "ada@example.com"]), ("own", "u1")]
    assert RunCreated in handlers
    with revocations.database.transaction() as session:
        assert not revocations.admits(session, "u1")
        row = session.get(Revocation, "u2")
        assert row is not None and row.not_before == 1234.5 and not row.deleted


def test_a_service_with_no_deletion_handler_nor_outbox_still_records_the_deletion(
    revocations: Revocations,
) -> None:
    handlers = revocations.event_handlers({}, forget=None)

    handlers[UserDeleted](UserDeleted(user_id="u1"))

    with revocations.database.transaction() as session:
        assert not revocations.admits(session, "u1")
        assert revocations.admits(session, "u2")


def test_many_subjects_at_once_are_admitted_exactly_as_one_by_one(
    revocations: Revocations,
) -> None:
    with revocations.database.transaction() as session:
        revocations.record_deletion(session, "u1")
        revocations.record_not_before(session, "u2", not_before_now())
    subjects = ["u3", "u1", "u2", "u3", "u4"]

    with revocations.database.transaction() as session:
        together = revocations.admitted(session, subjects)
    with revocations.database.transaction() as session:
        one_by_one = {subject for subject in subjects if revocations.admits(session, subject)}

    assert together == one_by_one == {"u2", "u3", "u4"}
    with revocations.database.transaction() as session:
        assert revocations.admitted(session, []) == set()


def test_a_write_for_many_subjects_holds_back_the_deletion_of_any_of_them(
    revocations: Revocations,
) -> None:
    recorded = threading.Event()
    failures: list[BaseException] = []

    def delete() -> None:
        try:
            with revocations.database.transaction() as session:
                revocations.record_deletion(session, "u2")
            recorded.set()
        except BaseException as exc:  # surfaced in the test's thread below
            failures.append(exc)

    with revocations.database.transaction() as session:
        assert revocations.admitted(session, ["u1", "u2", "u3"]) == {"u1", "u2", "u3"}
        deletion = threading.Thread(target=delete)
        deletion.start()
        assert not recorded.wait(1.0)
    deletion.join(timeout=30)

    assert not failures, failures
    assert recorded.is_set()
    with revocations.database.transaction() as session:
        assert revocations.admitted(session, ["u1", "u2", "u3"]) == {"u1", "u3"}


def test_a_runners_write_checked_before_the_deletion_committed_waits_and_stores_nothing(
    client: TestClient, revocations: Revocations, keys: TestKeys
) -> None:
    token = keys.token("u1", "notes:write")
    assert client.post("/notes", headers=bearer(token)).status_code == 201
    answers: list[Any] = []
    writer = threading.Thread(
        target=lambda: answers.append(client.post("/notes", headers=bearer(token)))
    )

    with revocations.database.transaction() as session:
        revocations.record_deletion(session, "u1")  # the runner's lock, held to the commit
        writer.start()
        # The token check reads what is committed, so this write passes it: it must then
        # wait for the deletion rather than store after the service's forgetting.
        writer.join(1.0)
        assert answers == []
    writer.join(30)

    assert answers and answers[0].status_code == 401, answers
    assert answers[0].json()["title"] == "Account deleted"
    with revocations.database.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Note)) == 1
    other = keys.token("u2", "notes:write")
    assert client.post("/notes", headers=bearer(other)).status_code == 201
