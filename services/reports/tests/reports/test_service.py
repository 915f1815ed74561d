"""Building and sending: one report and one mail per runner and month, whatever fires twice
or dies halfway; the mail asked for is one the real mailer accepts and delivers."""

from __future__ import annotations

import base64
import mailbox
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

from runnerly_kit.db import migrate
from runnerly_kit.errors import BadRequest
from runnerly_kit.messages import SendMail, UserDeleted
from runnerly_kit.revocations import AccountDeleted
from runnerly_kit.tasks import RunnerlyTask
from runnerly_mailer.config import Settings as MailerSettings
from runnerly_mailer.mail import service as mailer
from runnerly_mailer.mail.schemas import MailRequest
from runnerly_mailer.runtime import MIGRATIONS_DIR as MAILER_MIGRATIONS
from runnerly_mailer.runtime import build_runtime as build_mailer
from runnerly_reports.models import OutboxMessage, Report
from runnerly_reports.reports import repository, service, tasks, tokens
from runnerly_reports.reports.content import Month
from runnerly_reports.runtime import Runtime

if TYPE_CHECKING:
    from conftest import FakePeers

OCTOBER = Month(2026, 10)


def mail_tasks(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.database.transaction() as session:
        return list(session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.name == SendMail.name)
            .order_by(OutboxMessage.id)
        ))


def build_tasks(runtime: Runtime) -> list[dict[str, Any]]:
    with runtime.database.transaction() as session:
        return [row.payload for row in session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.name == service.BUILD_TASK)
            .order_by(OutboxMessage.id)
        )]


def reports(runtime: Runtime) -> list[Report]:
    with runtime.database.transaction() as session:
        return list(session.scalars(sa.select(Report)))


def test_building_twice_gives_one_report_and_one_mail(
    runtime: Runtime, alice: FakePeers
) -> None:
    outcomes = [tasks.build_one(runtime, "alice", "2026-10", "alice@example.com")
                for _ in range(3)]

    assert outcomes == ["sent", "already_sent", "already_sent"]
    [report] = reports(runtime)
    assert (report.runner_id, report.month, report.status, report.send_count) == (
        "alice", "2026-10", "sent", 1
    )
    [mail] = mail_tasks(runtime)
    assert mail.payload["to"] == "alice@example.com"
    assert mail.payload["subject"] == "Your October 2026 in running"


def test_a_crash_between_build_and_send_leaves_nothing_half_done(
    runtime: Runtime, alice: FakePeers, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: Any, **__: Any) -> None:
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patched:
        patched.setattr(runtime.outbox, "send_task", crash)
        with pytest.raises(RuntimeError):
            tasks.build_one(runtime, "alice", "2026-10", "alice@example.com")
    assert reports(runtime) == [] and mail_tasks(runtime) == []

    # The redelivered task (acknowledged late) does it all, once.
    assert tasks.build_one(runtime, "alice", "2026-10", "alice@example.com") == "sent"
    assert tasks.build_one(runtime, "alice", "2026-10", "alice@example.com") == "already_sent"
    assert len(reports(runtime)) == 1 and len(mail_tasks(runtime)) == 1


def test_a_report_built_but_not_sent_is_sent_once(runtime: Runtime, alice: FakePeers) -> None:
    with runtime.database.transaction() as session:
        service.ensure_built(session, runtime, "alice", OCTOBER)
    requests_after_build = len(alice.requests)

    assert tasks.build_one(runtime, "alice", "2026-10", "alice@example.com") == "sent"
    assert tasks.build_one(runtime, "alice", "2026-10", "alice@example.com") == "already_sent"

    assert len(mail_tasks(runtime)) == 1
    # Sending a built report reads no peer again.
    assert len(alice.requests) == requests_after_build


def test_a_peer_down_is_retried_and_stores_nothing(runtime: Runtime, alice: FakePeers) -> None:
    alice.down.add("dataservice.test")

    with pytest.raises(RunnerlyTask.autoretry_for):  # retried by every task
        tasks.build_one(runtime, "alice", "2026-10", "alice@example.com")

    assert reports(runtime) == [] and mail_tasks(runtime) == []


def test_an_opted_out_runner_gets_no_report(runtime: Runtime, alice: FakePeers) -> None:
    with runtime.database.transaction() as session:
        service.set_subscription(session, runtime, "alice", False)

    assert tasks.build_one(runtime, "alice", "2026-10", "alice@example.com") == "opted_out"
    assert reports(runtime) == [] and mail_tasks(runtime) == []


def test_the_month_queues_one_build_per_subscribed_runner_over_every_page(
    runtime: Runtime, peers: FakePeers
) -> None:
    for index in range(5):
        peers.add_runner(f"r{index}", f"r{index}@example.com")
    runtime.settings.accounts_page_size = 2
    with runtime.database.transaction() as session:
        service.set_subscription(session, runtime, "r3", False)

    # No month given: the one before the clock's (1 November 2026, 13:00 UTC).
    assert tasks.queue_month(runtime, None) == 4

    assert build_tasks(runtime) == [
        {"runner_id": f"r{i}", "month": "2026-10", "email": f"r{i}@example.com"}
        for i in (0, 1, 2, 4)
    ]
    assert peers.paths("tokendealer.test").count("/accounts") == 3


def test_the_schedule_firing_twice_still_mails_each_runner_once(
    runtime: Runtime, alice: FakePeers
) -> None:
    alice.add_runner("carol", "carol@example.com")
    tasks.queue_month(runtime, "2026-10")
    tasks.queue_month(runtime, "2026-10")

    outcomes = [tasks.build_one(runtime, **kwargs) for kwargs in build_tasks(runtime)]

    assert sorted(outcomes) == ["already_sent", "already_sent", "sent", "sent"]
    assert sorted(m.payload["to"] for m in mail_tasks(runtime)) == [
        "alice@example.com", "carol@example.com"
    ]


def test_user_deleted_forgets_the_runners_reports(runtime: Runtime, alice: FakePeers) -> None:
    tasks.build_one(runtime, "alice", "2026-10", "alice@example.com")
    with runtime.database.transaction() as session:
        service.set_subscription(session, runtime, "alice", False)

    tasks.forget_runner(runtime, UserDeleted(user_id="alice", email="alice@example.com"))

    assert reports(runtime) == []
    with runtime.database.transaction() as session:
        assert repository.subscription(session, "alice") is None


def test_an_unsubscribe_link_clicked_after_the_account_is_gone_keeps_nothing(
    runtime: Runtime,
) -> None:
    link = tokens.sign(runtime.unsubscribe_key, "alice")  # mailed before the deletion
    with runtime.database.transaction() as session:
        runtime.revocations.record_deletion(session, "alice")

    for subscribed in (False, True):
        with runtime.database.transaction() as session, pytest.raises(AccountDeleted):
            service.set_subscription(session, runtime, "alice", subscribed)
    with runtime.database.transaction() as session, pytest.raises(AccountDeleted):
        service.unsubscribe(session, runtime, link)

    with runtime.database.transaction() as session:
        assert repository.subscription(session, "alice") is None


def test_the_mail_is_one_the_mailer_delivers_once_with_pdf_chart_and_unsubscribe(
    runtime: Runtime, alice: FakePeers, tmp_path: Path
) -> None:
    tasks.build_one(runtime, "alice", "2026-10", "alice@example.com")
    [row] = mail_tasks(runtime)
    mailer_runtime = build_mailer(MailerSettings(env="test", data_dir=tmp_path / "mailer"))
    migrate(mailer_runtime.database.url, MAILER_MIGRATIONS)
    request = MailRequest.model_validate(row.payload)  # the task's kwargs, validated

    # The outbox relays at least once: the same message id twice is one mail.
    for _ in range(2):
        with mailer_runtime.database.transaction() as session:
            mailer.send(session, mailer_runtime.transport, mailer_runtime.revocations,
                        "Runnerly <r@x.test>", row.message_id, request)
    mailer_runtime.database.dispose()

    assert mailer_runtime.maildir is not None
    [message] = mailbox.Maildir(mailer_runtime.maildir).values()
    assert message["To"] == "alice@example.com"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://runnerly.test/api/reports/unsubscribe?token=")
    token = unsubscribe.split("token=", 1)[1].rstrip(">")
    assert tokens.verify(runtime.unsubscribe_key, token) == "alice"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = {part.get_content_type(): part for part in message.walk()}
    pdf = parts["application/pdf"].get_payload(decode=True)
    with runtime.database.transaction() as session:
        stored = repository.get(session, "alice", "2026-10", with_pdf=True)
        assert stored is not None and pdf == stored.pdf
    assert parts["image/png"]["Content-ID"] == "<weekly-chart@runnerly>"
    assert "61.6 km" in parts["text/plain"].get_payload(decode=True).decode()
    assert "61.6 km" in parts["text/html"].get_payload(decode=True).decode()
    assert base64.b64decode(row.payload["inline_images"][0]["content_b64"]).startswith(b"\x89PNG")


def test_a_forged_or_altered_unsubscribe_token_is_refused(runtime: Runtime) -> None:
    good = tokens.sign(runtime.unsubscribe_key, "alice")
    other_key = tokens.sign(b"another key", "alice")
    _, mac = good.split(".")
    swapped = tokens.sign(runtime.unsubscribe_key, "bob").split(".")[0] + "." + mac

    assert tokens.verify(runtime.unsubscribe_key, good) == "alice"
    for bad in (other_key, swapped, "alice", "", "!!!.???", good + "x"):
        with pytest.raises(BadRequest, match="not valid"):
            tokens.verify(runtime.unsubscribe_key, bad)
