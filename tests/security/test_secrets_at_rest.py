"""What the databases keep: no working link, no delivered mail, nothing of a deleted runner.

On the real processes, both columns: a runner signs up, resets their password with the
mailed link and deletes their account; then every text of every table of every service's
database (the outboxes and the mailer's log included) is searched.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.integration.conftest import text_of
from tests.system import System, wait_until

from .test_deletion import NEW_PASSWORD, RESET_LINK, _held_in, _log_in, _sign_up

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]
# A link of any mail Runnerly sends that still works while it is kept.
LINK_MARKS = ("confirm?token=", "reset-password?token=")


def test_no_database_keeps_a_used_reset_link_nor_a_deleted_runners_address(
    system: System,
) -> None:
    runner = _sign_up(system)
    asked = system.http.post("/api/auth/password-reset", json={"email": runner.email})
    assert asked.status_code == 202
    match = RESET_LINK.search(text_of(system.wait_for_mail(runner.email, count=2)))
    assert match
    reset_token = match.group(1)
    reset = system.http.post(
        "/api/auth/password-reset/confirm", json={"token": reset_token, "password": NEW_PASSWORD}
    )
    assert reset.status_code == 204, reset.text
    fresh = _log_in(system, runner.email, NEW_PASSWORD)
    assert system.http.delete("/api/me", headers=fresh.auth).status_code == 204

    wait_until(lambda: not _held_in(system, reset_token), 60, "no database holding the link")
    wait_until(lambda: not _held_in(system, runner.email), 60, "no database holding the address")


def test_relayed_mail_leaves_no_link_and_the_mail_log_no_body(system: System) -> None:
    runner = _sign_up(system)  # its confirmation link was mailed (and used)

    wait_until(lambda: not any(_held_in(system, mark) for mark in LINK_MARKS), 60,
               "no database holding a mailed link")
    engine = system.database("mailer")
    try:
        columns = {column["name"] for column in sa.inspect(engine).get_columns("outgoing_mail")}
    finally:
        engine.dispose()
    assert columns == {"id", "key", "created_at", "sent_at"}
    assert not _held_in(system, "Confirm your email address")  # a subject is not kept either
    # The address lives in the account alone (no outbox row, no mail log, no session).
    assert _held_in(system, runner.email) == ["tokendealer.accounts.email"]
