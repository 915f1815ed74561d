"""File import: each file parsed on its own (a bad one refuses only itself), each run checked
against the dataservice's own contract (``run_upsert``, generated from it), the runs sent to
the dataservice in one batch keyed by the file's SHA-256, so a re-upload is recognised, and
the same activity from another file or from Strava is a duplicate there. Should the
dataservice still refuse a run (422), the batch is sent again run by run: the others are
stored and that file alone is refused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from pydantic import ValidationError

from runnerly_ingest.dataservice import BatchRefused, Dataservice
from runnerly_ingest.files import ActivityFileError, ParsedActivity, parse_activity
from runnerly_ingest.imports.run_upsert import RunUpsert
from runnerly_ingest.imports.schemas import FileOutcome, ImportResult

log = structlog.get_logger()

MAX_FILES = 20
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


_IMPOSSIBLE = "This file's figures are impossible for a run, so it was not stored"


def import_files(
    dataservice: Dataservice,
    runner_id: str,
    uploads: list[Upload],
    max_bytes: int,
    *,
    now: datetime,
) -> ImportResult:
    outcomes: list[FileOutcome | None] = []
    parsed: dict[str, tuple[int, ParsedActivity]] = {}  # sha256 -> (file index, activity)
    twins: dict[int, str] = {}  # file index -> sha256 of an earlier identical file
    for index, upload in enumerate(uploads):
        if upload.data is None:
            outcomes.append(_refused(upload, f"The file is larger than {max_bytes} bytes."))
            continue
        try:
            activity = parse_activity(
                upload.data, upload.filename, now=now, as_run=upload.as_run
            )
        except ActivityFileError as exc:
            outcomes.append(_refused(upload, exc.message, exc.reason))
            continue
        problem = check(to_run(runner_id, activity))
        if problem is not None:
            log.warning("imports.run_invalid", runner_id=runner_id, problem=problem)
            outcomes.append(_refused(upload, f"{_IMPOSSIBLE} ({problem})."))
            continue
        if activity.source_sha256 in parsed:
            twins[index] = activity.source_sha256
        else:
            parsed[activity.source_sha256] = (index, activity)
        outcomes.append(None)
    stored: dict[str, Sent] = {}
    if parsed:
        runs = [to_run(runner_id, activity) for _, activity in parsed.values()]
        for sent in send_runs(dataservice, runs):
            stored[sent.external_id] = sent
    results: list[FileOutcome] = []
    for index, (upload, outcome) in enumerate(zip(uploads, outcomes, strict=True)):
        if outcome is not None:
            results.append(outcome)
            continue
        sha = twins.get(index)
        if sha is not None:
            results.append(
                FileOutcome(
                    filename=upload.filename,
                    status="duplicate",
                    run_id=stored[sha].run_id if sha in stored else None,
                    message="The same file was sent twice.",
                )
            )
            continue
        sha = next(key for key, (i, _) in parsed.items() if i == index)
        sent = stored.get(sha, Sent(sha, "duplicate"))
        status, run_id = sent.status, sent.run_id
        if status == "created":
            results.append(FileOutcome(filename=upload.filename, status="imported", run_id=run_id))
        elif status == "refused":
            results.append(_refused(upload, sent.message or _IMPOSSIBLE + "."))
        else:
            results.append(
                FileOutcome(
                    filename=upload.filename,
                    status="duplicate",
                    run_id=run_id,
                    message="This run is already stored (the same start and distance).",
                )
            )
    log.info(
        "imports.done",
        runner_id=runner_id,
        files=len(uploads),
        imported=sum(1 for r in results if r.status == "imported"),
        duplicates=sum(1 for r in results if r.status == "duplicate"),
        refused=sum(1 for r in results if r.status == "refused"),
    )
    return ImportResult(results=results)


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


def _refused(upload: Upload, message: str, reason: str | None = None) -> FileOutcome:
    return FileOutcome(filename=upload.filename, status="refused", message=message, reason=reason)


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
