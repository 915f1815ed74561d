"""The messages between services: the payloads already in brokers and outboxes parse."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runnerly_kit.messages import (
    COMMANDS,
    EVENTS,
    MESSAGES,
    DeletedRun,
    Message,
    RunDeleted,
    SendMail,
    UserDeleted,
)

# Each message's payload exactly as the services built it by hand before the models.
TODAYS_PAYLOADS: list[tuple[str, dict[str, Any]]] = [
    ("user.created", {"user_id": "3f9c0a"}),
    ("user.deleted", {"user_id": "3f9c0a", "email": "ada@example.com"}),
    ("user.sessions_revoked", {"user_id": "3f9c0a", "not_before": 1767225600.123}),
    ("run.created", {"runner_id": "3f9c0a", "run_ids": [1, 2, 3]}),
    ("run.deleted", {"runner_id": "3f9c0a",
                     "runs": [{"run_id": 1, "source": "strava", "external_id": "987"}]}),
    ("race.created", {"race_id": 4, "created_by": "3f9c0a", "date": "2026-04-26"}),
    ("race.deleted", {"race_id": 4}),
    ("strava.linked", {"runner_id": "3f9c0a", "athlete_id": 12345678}),
    ("plan.created", {"plan_id": 7, "runner_id": "3f9c0a", "race_date": "2026-10-11",
                      "distance_m": 42195.0}),
    # tokendealer's confirmation and reset mails
    ("mailer.mail.send", {"to": "ada@example.com", "subject": "Confirm your email",
                          "text": "Open /confirm?token=t", "html": "<p>Open</p>",
                          "user_id": "3f9c0a"}),
    # reports' monthly mail
    ("mailer.mail.send", {
        "to": "ada@example.com", "subject": "Your March", "text": "You ran.", "html": "<p/>",
        "user_id": "3f9c0a",
        "attachments": [{"filename": "runnerly-report-2026-03.pdf",
                         "content_type": "application/pdf", "content_b64": "JVBERi0="}],
        "inline_images": [{"content_id": "chart", "content_type": "image/png",
                           "content_b64": "iVBORw=="}],
        "headers": {"List-Unsubscribe": "<https://runnerly.example/u?t=x>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    }),
]


@pytest.mark.parametrize(("name", "payload"), TODAYS_PAYLOADS, ids=lambda v: str(v)[:30])
def test_todays_payloads_parse_and_travel_unchanged(name: str, payload: dict[str, Any]) -> None:
    message = MESSAGES[name].model_validate(payload)

    assert message.name == name
    assert message.model_dump(mode="json", exclude_unset=True) == payload


def test_every_message_is_one_of_its_kind_with_a_name_and_its_parties() -> None:
    assert len(MESSAGES) == len(EVENTS) + len(COMMANDS)  # no name taken twice
    assert {model.kind for model in EVENTS} == {"event"}
    assert {model.kind for model in COMMANDS} == {"task"}
    for model in MESSAGES.values():
        assert model.emitted_by and model.__doc__
        # A command runs on the queue of the service it names, its one consumer.
        if model.kind == "task":
            assert model.consumed_by == (model.name.split(".", 1)[0],)


@pytest.mark.parametrize(
    ("model", "payload"),
    [
        (UserDeleted, {"user_id": "u1", "mail": "ada@example.com"}),  # misspelt
        (UserDeleted, {"user_id": 7}),  # an id is a string
        (UserDeleted, {"user_id": ""}),
        (RunDeleted, {"runner_id": "u1", "runs": [{"run_id": 1, "source": "strava"}]}),
        (SendMail, {"to": "a@b.c", "subject": "two\nlines", "text": "x"}),
        (SendMail, {"to": "a@b.c", "subject": "s", "text": "x", "attachments": [
            {"filename": "a.exe", "content_type": "application/x-msdownload",
             "content_b64": "TVo="}]}),
    ],
)
def test_a_payload_off_the_contract_is_refused(
    model: type[Message], payload: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(payload)


def test_a_message_is_a_value() -> None:
    run = DeletedRun(run_id=1, source="strava", external_id="9")
    event = RunDeleted(runner_id="u1", runs=[run])

    with pytest.raises(ValidationError):
        event.runner_id = "u2"  # type: ignore[misc]
    assert event == RunDeleted.model_validate(event.model_dump(mode="json"))
