"""File import as jobs: the upload is stored (in the database: at scale the worker is on
another host) and answered at once; the worker parses it one file a step, and each step
queues the next behind every other job's, so runners' files interleave. A step holds a
lease on its job: one killed with its worker is taken up again once the lease lapses (the
resume tick, or the next worker's start), and the run it may have stored is stored again as
the same run (keyed by the file's SHA-256).

Each file is parsed on its own (a bad one refuses only itself), its run checked against the
dataservice's own contract (``run_upsert``, generated from it) and sent to its idempotent
upsert, where a re-upload, or the same activity from another file or from Strava, is a
duplicate. Should the dataservice still refuse a run (422), that file alone is refused."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy.orm import Session

from runnerly_ingest.dataservice import BatchRefused, Dataservice
from runnerly_ingest.files import ActivityFileError, FileTooLarge, ParsedActivity, parse_activity
from runnerly_ingest.imports import repository
from runnerly_ingest.imports.run_upsert import RunUpsert
from runnerly_ingest.imports.schemas import FINAL, FileOutcome, ImportJobRead
from runnerly_ingest.models import ImportFile, ImportJob
from runnerly_ingest.runtime import Runtime
from runnerly_kit.errors import NotFound, TooManyRequests

log = structlog.get_logger()

MAX_FILES = 20
STEP_TASK = "ingest.imports.step"
RESUME_TASK = "ingest.imports.resume"
# Steps a file may take: one that kills its worker every time is refused after these.
MAX_ATTEMPTS = 3
# What a refused upload waits before trying again (s): about a file's parse.
RETRY_AFTER_SECONDS = 10
_SERIES = ("time", "distance", "altitude", "heartrate", "cadence")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes | None  # None: larger than the limit (not read past it)
    as_run: bool = False  # the runner says it was a run, whatever it looks like


@dataclass(frozen=True)
class Sent:
    """What became of one run sent: the dataservice's ``created``, ``updated`` or
    ``duplicate``, or ``refused`` with the reason it gave."""

    external_id: str
    status: str
    run_id: int | None = None
    message: str | None = None


@dataclass(frozen=True)
class Claimed:
    """A file a step has taken, read out of the transaction that took it."""

    file_id: int
    job_id: str
    runner_id: str
    position: int
    filename: str
    data: bytes
    as_run: bool
    attempt: int


@dataclass(frozen=True)
class Outcome:
    status: str
    run_id: int | None = None
    message: str | None = None
    reason: str | None = None
    sport: str | None = None
    sha256: str | None = None


_IMPOSSIBLE = "This file's figures are impossible for a run, so it was not stored"
_UNREADABLE = "This file could not be read: parsing it stopped the importer every time."
_TWICE = "The same file was sent twice."
_ALREADY = "This run is already stored (the same start and distance)."


# -- the API's side -----------------------------------------------------------------------


def create_job(
    runtime: Runtime, session: Session, *, runner_id: str, uploads: list[Upload], max_bytes: int
) -> ImportJobRead:
    """Store the upload as a job and queue its first step; a runner with too many
    unfinished jobs is told to wait."""
    settings = runtime.settings
    now = runtime.now()
    repository.lock_runner(session, runner_id)
    if repository.unfinished_count(session, runner_id) >= settings.import_jobs_per_runner:
        raise TooManyRequests(
            f"You have {settings.import_jobs_per_runner} imports still being read: send these "
            "files again once one of them has finished.",
            retry_after=RETRY_AFTER_SECONDS,
        )
    job = ImportJob(id=secrets.token_hex(16), runner_id=runner_id, created_at=now, step=1)
    session.add(job)
    session.flush()  # the files refer to it
    rows = []
    for position, upload in enumerate(uploads):
        row = ImportFile(job_id=job.id, position=position, filename=upload.filename,
                         as_run=upload.as_run, data=upload.data, status="queued", attempts=0)
        if upload.data is None:
            row.status, row.reason = "refused", FileTooLarge.reason
            row.message = f"The file is larger than {max_bytes} bytes."
        rows.append(row)
    session.add_all(rows)
    if all(row.status in FINAL for row in rows):
        job.finished_at = now
    else:
        _queue_step(runtime, session, job)
    session.flush()
    log.info("imports.queued", runner_id=runner_id, job_id=job.id, files=len(rows))
    return _read(job, rows)


def job_of(session: Session, *, runner_id: str, job_id: str) -> ImportJobRead:
    """The runner's job; another runner's is not found."""
    job = repository.job(session, job_id)
    if job is None or job.runner_id != runner_id:
        raise NotFound("No such import.")
    return _read(job, repository.files(session, job_id))


def _read(job: ImportJob, files: Iterable[ImportFile]) -> ImportJobRead:
    return ImportJobRead(
        id=job.id,
        created_at=job.created_at,
        finished_at=job.finished_at,
        files=[
            FileOutcome.model_validate({
                "filename": f.filename, "status": f.status, "run_id": f.run_id,
                "message": f.message, "reason": f.reason, "sport": f.sport,
            })
            for f in files
        ],
    )


def _queue_step(runtime: Runtime, session: Session, job: ImportJob) -> None:
    """Queue the job's next step behind every step already queued (round-robin across
    jobs); until a lease's length has passed without a worker taking it, the resume tick
    leaves the job alone."""
    job.next_step_at = runtime.now() + timedelta(seconds=runtime.settings.lease_seconds)
    runtime.outbox.send_task(session, STEP_TASK, {"job_id": job.id, "step": job.step})


# -- the worker's side --------------------------------------------------------------------


def import_step(runtime: Runtime, job_id: str, step: int) -> None:
    """Parse the job's next file, record its outcome, queue the next step."""
    claimed = claim(runtime, job_id, step)
    if claimed is None:
        return
    try:
        outcome = parse_and_store(runtime, claimed)
    except BaseException:
        _release(runtime, claimed)
        raise
    record(runtime, claimed, outcome)


def claim(runtime: Runtime, job_id: str, step: int) -> Claimed | None:
    """Take the job's lease and its next file (marked ``parsing``); ``None`` when the step
    is stale, another worker holds the job, or nothing is left. A file taken too often
    (it killed its worker each time) is refused here and the next one taken."""
    now = runtime.now()
    until = now + timedelta(seconds=runtime.settings.lease_seconds)
    with runtime.database.transaction() as session:
        job = repository.job(session, job_id, lock=True)
        if job is None or job.finished_at is not None or job.step != step:
            return None
        if not repository.take_lease(session, job_id, now, until):
            log.info("imports.step.busy", job_id=job_id)
            return None
        while (row := repository.next_file(session, job_id)) is not None:
            if row.attempts < MAX_ATTEMPTS:
                break
            log.warning("imports.file.unreadable", job_id=job_id, filename=row.filename)
            _set_outcome(row, Outcome("refused", message=_UNREADABLE, reason="unreadable"))
            session.flush()
        if row is None or row.data is None:
            _finish(runtime, session, job_id)
            return None
        row.status = "parsing"
        row.attempts += 1
        return Claimed(row.id, job_id, job.runner_id, row.position, row.filename, row.data,
                       row.as_run, row.attempts)


def parse_and_store(runtime: Runtime, claimed: Claimed) -> Outcome:
    """Parse the file and upsert its run (idempotent: a second time is an update)."""
    try:
        activity = parse_activity(
            claimed.data, claimed.filename, now=runtime.now(), as_run=claimed.as_run
        )
    except ActivityFileError as exc:
        return Outcome("refused", message=exc.message, reason=exc.reason, sport=exc.sport_key)
    run = to_run(claimed.runner_id, activity)
    problem = check(run)
    if problem is not None:
        log.warning("imports.run_invalid", runner_id=claimed.runner_id, problem=problem)
        return Outcome("refused", message=f"{_IMPOSSIBLE} ({problem}).", reason="impossible")
    sha = activity.source_sha256
    with runtime.database.transaction() as session:
        twin = repository.earlier_twin(session, claimed.job_id, claimed.position, sha)
        if twin is not None and twin.status in FINAL:
            return Outcome("duplicate", run_id=twin.run_id, message=_TWICE, sha256=sha)
    [sent] = send_runs(runtime.dataservice, [run])
    if sent.status == "created" or (sent.status == "updated" and claimed.attempt > 1):
        # Updated on a second try: the try a crash cut short had stored it.
        return Outcome("imported", run_id=sent.run_id, sha256=sha)
    if sent.status == "refused":
        return Outcome("refused", message=sent.message or _IMPOSSIBLE + ".",
                       reason="impossible", sha256=sha)
    if twin is not None:
        return Outcome("duplicate", run_id=sent.run_id, message=_TWICE, sha256=sha)
    return Outcome("duplicate", run_id=sent.run_id, message=_ALREADY, sha256=sha)


def record(runtime: Runtime, claimed: Claimed, outcome: Outcome) -> None:
    """The file's outcome, its bytes gone, the lease released, and the next step queued
    (or the job finished), in one transaction."""
    with runtime.database.transaction() as session:
        job = repository.job(session, claimed.job_id, lock=True)
        row = repository.file(session, claimed.file_id)
        if job is None or row is None:
            return  # the runner was forgotten meanwhile
        _set_outcome(row, outcome)
        job.lease_until = None
        session.flush()
        log.info("imports.file.done", job_id=job.id, status=outcome.status,
                 reason=outcome.reason)
        if repository.next_file(session, job.id) is None:
            _finish(runtime, session, job.id)
        else:
            job.step += 1
            _queue_step(runtime, session, job)


def _set_outcome(row: ImportFile, outcome: Outcome) -> None:
    row.status, row.run_id, row.message = outcome.status, outcome.run_id, outcome.message
    row.reason, row.sport = outcome.reason, outcome.sport
    row.sha256 = outcome.sha256 or row.sha256
    row.data = None


def _finish(runtime: Runtime, session: Session, job_id: str) -> None:
    job = repository.job(session, job_id)
    if job is None:
        return
    job.finished_at, job.lease_until, job.next_step_at = runtime.now(), None, None
    files = repository.files(session, job_id)
    for row in files:
        row.data = None  # nothing kept that is not needed
    log.info(
        "imports.done",
        runner_id=job.runner_id,
        job_id=job_id,
        files=len(files),
        imported=sum(1 for r in files if r.status == "imported"),
        duplicates=sum(1 for r in files if r.status == "duplicate"),
        refused=sum(1 for r in files if r.status == "refused"),
    )


def _release(runtime: Runtime, claimed: Claimed) -> None:
    """The step failed cleanly (the dataservice down, say): the file waits for its retry,
    and this try does not count as one that killed its worker."""
    with runtime.database.transaction() as session:
        job = repository.job(session, claimed.job_id)
        row = repository.file(session, claimed.file_id)
        if job is not None:
            job.lease_until = None
        if row is not None and row.status == "parsing":
            row.status, row.attempts = "queued", max(0, row.attempts - 1)


def resume_jobs(runtime: Runtime) -> list[str]:
    """Queue a new step for each unfinished job whose step was lost (a worker killed
    mid-step, or its message lost): once per lease, the older step then stale."""
    with runtime.database.transaction() as session:
        due = list(repository.due_jobs(session, runtime.now()))
        for job in due:
            job.step += 1
            _queue_step(runtime, session, job)
            log.info("imports.resumed", job_id=job.id)
        return [job.id for job in due]


def purge_finished(runtime: Runtime) -> int:
    """Forget jobs finished longer than the retention ago."""
    cutoff = runtime.now() - timedelta(hours=runtime.settings.import_retention_hours)
    with runtime.database.transaction() as session:
        purged = repository.delete_jobs(session, ImportJob.finished_at < cutoff)
    if purged:
        log.info("imports.purged", jobs=purged)
    return purged


def forget_runner(runtime: Runtime, runner_id: str) -> None:
    """The account is gone (``user.deleted``): its uploads go too."""
    with runtime.database.transaction() as session:
        repository.delete_jobs(session, ImportJob.runner_id == runner_id)


def send_runs(dataservice: Dataservice, runs: list[dict[str, Any]]) -> list[Sent]:
    """Upsert ``runs`` in one batch; when the dataservice refuses the batch as invalid, send
    them one by one, so that only the run it refuses is lost (and said so)."""
    try:
        return [
            Sent(outcome.external_id, outcome.status, outcome.run_id)
            for outcome in dataservice.upsert_runs(runs)
        ]
    except BatchRefused as refused:
        if len(runs) > 1:
            return [sent for run in runs for sent in send_runs(dataservice, [run])]
        external_id = str(runs[0]["external_id"])
        log.warning("imports.run_refused", external_id=external_id, reason=refused.reason)
        reason = f" ({refused.reason})" if refused.reason else ""
        return [Sent(external_id, "refused", message=f"{_IMPOSSIBLE}{reason}.")]


def check(run: dict[str, Any]) -> str | None:
    """Why the dataservice would refuse ``run`` (its own contract, and JSON's finite
    numbers), or ``None`` when it is a valid ``RunUpsert``."""
    try:
        json.dumps(run, allow_nan=False)
    except ValueError:
        return "a figure is not a number"
    try:
        RunUpsert.model_validate(run)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}"
    return None


def to_run(runner_id: str, activity: ParsedActivity) -> dict[str, Any]:
    """A parsed file as the dataservice's ``RunUpsert``."""
    return {
        "runner_id": runner_id,
        "source": "file",
        "external_id": activity.source_sha256,
        "name": (activity.name or "Run")[:200],
        "sport_type": activity.sport_type,
        "started_at": activity.started_at.isoformat(),
        "distance_m": max(0.0, activity.distance_m),
        "moving_time_s": max(0, int(activity.moving_time_s)),
        "elapsed_time_s": max(0, int(activity.elapsed_time_s)),
        "elevation_gain_m": activity.elevation_gain_m,
        "average_hr": activity.average_hr,
        "max_hr": activity.max_hr,
        "average_cadence": activity.average_cadence,
        "summary_polyline": activity.summary_polyline,
        "time_zone": activity.time_zone,
        "streams": _streams(activity.streams),
        "splits": [
            {
                "distance_m": split.distance_m,
                "elapsed_time_s": split.elapsed_time_s,
                "moving_time_s": split.moving_time_s,
                "elevation_difference_m": split.elevation_diff_m,
                "average_hr": split.average_hr,
            }
            for split in activity.splits[:500]
        ]
        or None,
    }


def _streams(streams: dict[str, list[Any]] | None) -> dict[str, Any] | None:
    """The parser's streams in the dataservice's names: pace (s/km) becomes speed (m/s),
    and gaps are filled from the neighbouring point (every series is one number a point)."""
    if not streams:
        return None
    result: dict[str, Any] = {}
    for name in _SERIES:
        filled = _filled(streams.get(name))
        if filled is not None:
            result[name] = filled
    pace = streams.get("pace")
    if pace:
        result["velocity_smooth"] = [
            1000.0 / value if isinstance(value, int | float) and value > 0 else 0.0
            for value in pace
        ]
    latlng = streams.get("latlng")
    if latlng and all(isinstance(point, list | tuple) and len(point) == 2 for point in latlng):
        result["latlng"] = [[float(point[0]), float(point[1])] for point in latlng]
    lengths = {len(series) for series in result.values()}
    if len(lengths) != 1:
        return None
    return result or None


def _filled(series: list[Any] | None) -> list[float] | None:
    if not series:
        return None
    numbers = [float(v) if isinstance(v, int | float) else None for v in series]
    first = next((v for v in numbers if v is not None), None)
    if first is None:
        return None
    filled: list[float] = []
    last = first
    for value in numbers:
        last = value if value is not None else last
        filled.append(last)
    return filled
