"""Every refusal carries a stable code (``reason``), one for each kind, and the sport it names
as a stable key (``sport_key``): the web app words them in the runner's language."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import FileType, Manufacturer, Sport

from runnerly_ingest.files import (
    MAX_FILE_BYTES,
    ActivityFileError,
    LooksLikeWalk,
    Multisport,
    NotARun,
)
from runnerly_ingest.files import errors as errors_module
from runnerly_ingest.files.errors import to_sport_key
from runnerly_ingest.files.parse import read_activity
from runnerly_ingest.imports import service

DATA = Path(__file__).parents[1] / "files" / "data"
START = datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
Headers = dict[str, str]
Upload = Callable[..., list[dict[str, Any]]]


def _subclasses(cls: type[ActivityFileError]) -> list[type[ActivityFileError]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def test_every_kind_of_refusal_has_its_own_code() -> None:
    kinds = _subclasses(ActivityFileError)
    declared = [value for value in vars(errors_module).values()
                if isinstance(value, type) and issubclass(value, ActivityFileError)
                and value is not ActivityFileError]

    assert set(kinds) == set(declared)
    codes = {kind.__name__: kind.reason for kind in kinds}
    assert all(code and re.fullmatch(r"[a-z_]+", code) for code in codes.values()), codes
    assert len(set(codes.values())) == len(codes), codes
    # The codes stored outcomes and clients already read, kept as they are.
    assert codes["LooksLikeWalk"] == "looks_like_walk"
    assert codes["FileTooLarge"] == "too_large"


@pytest.mark.parametrize(
    ("words", "key"),
    [("cycling", "cycling"), ("mountain biking", "mountain_biking"), ("e-bike", "e_bike"),
     ("stand-up paddleboarding", "stand_up_paddleboarding"),
     ("open-water swimming", "open_water_swimming"), (" Yoga! ", "yoga"), ("!!", "other"),
     ("x" * 100, "x" * 64)],
)
def test_a_sport_in_plain_words_has_a_stable_key(words: str, key: str) -> None:
    assert to_sport_key(words) == key


def test_a_refusal_that_names_a_sport_gives_its_key() -> None:
    assert NotARun("mountain biking").sport_key == "mountain_biking"
    assert NotARun("cycling", "This looks like a cycling activity.").sport_key == "cycling"
    # A walk's and a hike's sport as the catalogue names them; the message is unchanged.
    walk, hike = LooksLikeWalk("walk", "slow"), LooksLikeWalk("hike", "steep")
    assert (walk.reason, walk.sport_key) == ("looks_like_walk", "walking")
    assert (hike.reason, hike.sport_key) == ("looks_like_walk", "hiking")
    assert walk.message == "This looks like a walk: slow. If it was a run, import it as a run."
    assert ActivityFileError("x").sport_key is None


def _gpx(sport: str, *, start: datetime = START, points: int = 60) -> bytes:
    """A straight line north, a point every 10 s and 33 m (a 5:00 /km run)."""
    rows = "".join(
        f'<trkpt lat="{46.05 + i * 0.0003:.5f}" lon="14.5"><time>'
        f"{(start + timedelta(seconds=10 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for i in range(points)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><type>{sport}</type><trkseg>{rows}</trkseg></trk></gpx>"
    ).encode()


@pytest.mark.parametrize(
    ("declared", "key"),
    [("cycling", "cycling"), ("biking", "cycling"), ("swimming", "swimming"),
     ("lap_swimming", "pool_swimming"), ("mountain_biking", "mountain_biking"),
     ("stand_up_paddleboarding", "stand_up_paddleboarding"), ("rowing", "rowing")],
)
def test_a_file_of_another_sport_is_refused_with_its_key(declared: str, key: str) -> None:
    with pytest.raises(NotARun) as caught:
        read_activity(_gpx(declared), "other.gpx")

    assert (caught.value.reason, caught.value.sport_key) == ("not_a_run", key)
    assert caught.value.message.endswith("activity, not a run.")


def multisport_fit() -> bytes:
    """A duathlon's FIT file: a run's session, then a ride's."""

    def ms(at: datetime) -> int:
        return round(at.timestamp() * 1000)

    builder = FitFileBuilder(auto_define=True)
    ids = FileIdMessage()
    ids.type = FileType.ACTIVITY
    ids.manufacturer = Manufacturer.GARMIN.value
    ids.product = 0
    ids.serial_number = 1
    ids.time_created = ms(START)
    builder.add(ids)
    for i in range(120):
        record = RecordMessage()
        record.timestamp = ms(START + timedelta(seconds=10 * i))
        record.distance = 30.0 * i
        builder.add(record)
    for half, sport in enumerate((Sport.RUNNING, Sport.CYCLING)):
        session = SessionMessage()
        session.start_time = ms(START + timedelta(seconds=600 * half))
        session.timestamp = ms(START + timedelta(seconds=600 * half + 590))
        session.sport = sport
        builder.add(session)
    return bytes(builder.build().to_bytes())


def test_a_multisport_file_is_refused_as_one() -> None:
    with pytest.raises(Multisport) as caught:
        read_activity(multisport_fit(), "duathlon.fit")

    assert isinstance(caught.value, NotARun)
    assert (caught.value.reason, caught.value.sport_key) == ("multisport", "multisport")
    assert caught.value.message == "This is a multisport activity (cycling, running), not a run."


# A file of each kind of refusal, as uploaded: (name, bytes), its code and the sport named.
BAD_FILES: dict[str, tuple[str, Callable[[], bytes], str | None]] = {
    "not_a_run": ("swim.gpx", lambda: _gpx("swimming"), "swimming"),
    "looks_like_walk": ("walk.gpx", lambda: _gpx("walking"), "walking"),
    "multisport": ("duathlon.fit", multisport_fit, "multisport"),
    "corrupt": ("notes.gpx.gz", lambda: gzip.compress(_gpx("running"))[:-20], None),
    "no_timestamps": ("route.gpx", lambda: (DATA / "route.gpx").read_bytes(), None),
    "too_large": ("huge.gpx", lambda: b"<" * (MAX_FILE_BYTES + 1), None),
    "impossible_times": ("1970.gpx", lambda: _gpx("running", start=datetime(1970, 1, 1,
                                                                             tzinfo=UTC)), None),
    "too_short": ("scrap.gpx", lambda: _gpx("running", points=3), None),
}


@pytest.mark.parametrize("code", list(BAD_FILES))
def test_each_kind_of_bad_file_is_refused_with_its_code(
    code: str, upload: Upload, alice: Headers
) -> None:
    name, data, sport = BAD_FILES[code]

    [outcome] = upload([("files", (name, data(), "application/octet-stream"))], alice)

    assert (outcome["status"], outcome["reason"], outcome["sport"]) == ("refused", code, sport)
    assert outcome["message"]


def test_every_code_a_file_may_be_refused_with_is_tested() -> None:
    """Each parser refusal above, with the importer's own: ``unreadable`` (test_jobs) and
    ``impossible`` (below)."""
    codes = {kind.reason for kind in _subclasses(ActivityFileError)}
    assert codes == set(BAD_FILES)


def test_a_run_ingest_cannot_store_is_refused_as_impossible(
    upload: Upload, alice: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net behind the parser's own checks, which no real file reaches: a run
    the runs' contract would refuse is refused with ``impossible``."""
    monkeypatch.setattr(service, "check", lambda run: "distance_m: too far")

    [outcome] = upload([("files", ("run.gpx", _gpx("running"), "application/gpx+xml"))],
                       alice)

    assert (outcome["status"], outcome["reason"], outcome["sport"]) == (
        "refused", "impossible", None)
    assert outcome["message"] == (
        "This file's figures are impossible for a run, so it was not stored "
        "(distance_m: too far).")
