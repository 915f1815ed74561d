"""A Strava activity as the dataservice's run: its name and sport type reach the dataservice
as one clean line (it refuses line breaks, controls and bidi overrides), so that no run is
lost for its name."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import TypeAdapter

from runnerly_ingest.strava.mapping import to_run
from runnerly_kit.text import SingleLine

RunName = TypeAdapter(Annotated[str, SingleLine(max_length=200)])
SportType = TypeAdapter(Annotated[str, SingleLine(max_length=32)])


def _activity(**fields: Any) -> dict[str, Any]:
    return {"id": 1, "name": "Run", "sport_type": "Run",
            "start_date": "2024-05-01T06:30:00Z", "distance": 1000.0,
            "moving_time": 300, "elapsed_time": 300, **fields}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Lunch\r\nrun", "Lunch run"), ("\u202eLunch\x00", "Lunch"), ("\n\t ", "Run"),
     ("x" * 300 + "\n", "x" * 200)],
)
def test_a_strava_name_is_made_one_clean_line(name: str, expected: str) -> None:
    run = to_run("alice", _activity(name=name, sport_type="Trail\nRun"))

    assert run["name"] == expected
    assert RunName.validate_python(run["name"]) == expected
    assert SportType.validate_python(run["sport_type"]) == "Trail Run"
