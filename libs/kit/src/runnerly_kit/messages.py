"""Every message that crosses a seam between services, in one place.

An event is a fact (``entity.verb``) published on the topic exchange to every service
subscribed to it; a command is a task another service runs (``<service>.<domain>.<action>``).
Each is a model: its routing name, who emits and who consumes it are class variables, its
fields are the JSON payload, exactly as it travels. The outbox takes these models and the
consumers receive them (``runnerly_kit.tasks.register_event_handlers``), and
``contracts/messages.json`` is their JSON Schema, exported and checked for drift.

A service's commands to itself (a build step, a backfill page) are no seam and stay the
task's keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from runnerly_kit.text import SingleLine


class Message(BaseModel):
    """A message between services; ``secret`` ones (an address, a link) hold personal data
    in every instance, so their outbox row goes as soon as it is relayed."""

    # Frozen: a message is what was decided; forbid: a misspelt field fails where it is
    # built (and a payload carrying one is refused, not half read).
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ClassVar[str]
    kind: ClassVar[Literal["event", "task"]]
    emitted_by: ClassVar[tuple[str, ...]]
    consumed_by: ClassVar[tuple[str, ...]]
    secret: ClassVar[bool] = False


class Event(Message):
    kind: ClassVar[Literal["event", "task"]] = "event"


class Command(Message):
    kind: ClassVar[Literal["event", "task"]] = "task"


# A consumer's handlers, each under the class of the event it takes (a ``Mapping`` cannot
# tie each key's class to its value's parameter, so the parameter is left open).
EventHandlers = Mapping[type[Event], Callable[[Any], None]]


RunnerId = Annotated[str, Field(min_length=1, max_length=64)]

# The services that take every revocation event (see ``runnerly_kit.revocations``).
_EVERY_CONSUMER = ("dataservice", "ingest", "mailer", "plans", "reports")


# --- tokendealer's events -------------------------------------------------------------------


class UserCreated(Event):
    """An account was created (before its address is confirmed). Emitted by tokendealer;
    nobody consumes it yet. The id only: relayed rows are kept a while, an address there
    would outlive the account."""

    name: ClassVar[str] = "user.created"
    emitted_by = ("tokendealer",)
    consumed_by = ()

    user_id: RunnerId


class UserDeleted(Event):
    """An account is gone: every consumer records the revocation, then forgets the runner's
    data (the mailer, its mail to ``email``). Emitted by tokendealer; consumed by every
    service with a worker."""

    name: ClassVar[str] = "user.deleted"
    emitted_by = ("tokendealer",)
    consumed_by = _EVERY_CONSUMER
    secret = True

    user_id: RunnerId
    # Absent from the deletions of accounts that had no address to forget.
    email: str | None = None


class UserSessionsRevoked(Event):
    """The runner's access tokens issued before ``not_before`` are refused everywhere (their
    password changed or was reset). Emitted by tokendealer; consumed by every service with
    a worker."""

    name: ClassVar[str] = "user.sessions_revoked"
    emitted_by = ("tokendealer",)
    consumed_by = _EVERY_CONSUMER

    user_id: RunnerId
    not_before: float = Field(description="Seconds since the epoch (milliseconds kept).")


# --- dataservice's events -------------------------------------------------------------------


class RunCreated(Event):
    """New runs were stored for a runner: one event per runner per batch, not per run.
    Emitted by the dataservice; consumed by plans (matching runs to planned workouts)."""

    name: ClassVar[str] = "run.created"
    emitted_by = ("dataservice",)
    consumed_by = ("plans",)

    runner_id: RunnerId
    run_ids: list[int]


class DeletedRun(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: int
    source: str
    external_id: str


class RunDeleted(Event):
    """Some of a runner's runs were deleted (by them, or gone from their source). Emitted by
    the dataservice; consumed by plans (unmatching them)."""

    name: ClassVar[str] = "run.deleted"
    emitted_by = ("dataservice",)
    consumed_by = ("plans",)

    runner_id: RunnerId
    runs: list[DeletedRun]


class RaceCreated(Event):
    """A race was added to the shared calendar. Emitted by the dataservice; nobody consumes
    it yet."""

    name: ClassVar[str] = "race.created"
    emitted_by = ("dataservice",)
    consumed_by = ()

    race_id: int
    created_by: RunnerId
    date: date


class RaceDeleted(Event):
    """A race was removed from the shared calendar. Emitted by the dataservice; nobody
    consumes it yet."""

    name: ClassVar[str] = "race.deleted"
    emitted_by = ("dataservice",)
    consumed_by = ()

    race_id: int


# --- ingest's and plans' events -------------------------------------------------------------


class StravaLinked(Event):
    """A runner linked their Strava athlete (the first time). Emitted by ingest; nobody
    consumes it yet."""

    name: ClassVar[str] = "strava.linked"
    emitted_by = ("ingest",)
    consumed_by = ()

    runner_id: RunnerId
    athlete_id: int


class PlanCreated(Event):
    """A runner's training plan was generated. Emitted by plans; nobody consumes it yet."""

    name: ClassVar[str] = "plan.created"
    emitted_by = ("plans",)
    consumed_by = ()

    plan_id: int
    runner_id: RunnerId
    race_date: date
    distance_m: float


# --- commands -------------------------------------------------------------------------------

# Bounds one mail: each part decoded, all parts together (most providers refuse ~25 MB).
MAX_PART_BYTES = 5 * 1024 * 1024
MAX_PARTS_BYTES = 10 * 1024 * 1024
MAX_PARTS = 5
# base64 is 4/3 the size of what it encodes.
MAX_PART_B64 = (MAX_PART_BYTES + 2) // 3 * 4
ATTACHMENT_TYPES = (
    "application/pdf",
    "text/calendar",
    "text/csv",
    "text/plain",
    "image/png",
    "image/jpeg",
)
InlineImageType = Literal["image/png", "image/jpeg", "image/gif"]


class MailAttachment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    filename: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$")]
    content_type: Annotated[str, Field(description=f"One of {', '.join(ATTACHMENT_TYPES)}.")]
    content_b64: Annotated[str, Field(min_length=4, max_length=MAX_PART_B64)]


    @field_validator("content_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in ATTACHMENT_TYPES:
            raise ValueError(f"attachments may be {', '.join(ATTACHMENT_TYPES)}, not {value}")
        return value


class MailInlineImage(BaseModel):
    """An image the HTML shows by ``<img src="cid:{content_id}">``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    content_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")]
    content_type: InlineImageType
    content_b64: Annotated[str, Field(min_length=4, max_length=MAX_PART_B64)]


class SendMail(Command):
    """Mail ``to`` (a confirmation or reset link, a monthly report). Sent by tokendealer and
    reports; consumed by the mailer, which checks the rest (the address, the base64, the
    sizes, the headers) before it sends. Always secret: an address, often a link."""

    name: ClassVar[str] = "mailer.mail.send"
    emitted_by = ("reports", "tokendealer")
    consumed_by = ("mailer",)
    secret = True

    to: Annotated[str, Field(max_length=320)]
    subject: Annotated[str, SingleLine(max_length=200)]
    text: str = Field(min_length=1, max_length=100_000)
    html: str | None = Field(default=None, max_length=500_000)
    user_id: str | None = Field(default=None, max_length=64)
    attachments: Sequence[MailAttachment] = Field(default_factory=list, max_length=MAX_PARTS)
    inline_images: Sequence[MailInlineImage] = Field(default_factory=list, max_length=MAX_PARTS)
    headers: dict[str, str] = Field(
        default_factory=dict, description="Only List-Unsubscribe and List-Unsubscribe-Post."
    )


EVENTS: tuple[type[Event], ...] = (
    UserCreated,
    UserDeleted,
    UserSessionsRevoked,
    RunCreated,
    RunDeleted,
    RaceCreated,
    RaceDeleted,
    StravaLinked,
    PlanCreated,
)
COMMANDS: tuple[type[Command], ...] = (SendMail,)
MESSAGES: dict[str, type[Message]] = {model.name: model for model in (*EVENTS, *COMMANDS)}
