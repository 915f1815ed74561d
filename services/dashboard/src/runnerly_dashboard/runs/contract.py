"""Generated from contracts/dataservice.json (RunList, RunDetail) by `make contracts`: do not edit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel


class RunSummary(BaseModel):
    average_cadence: Annotated[float | None, Field(ge=0.0, le=500.0, title="Average Cadence")] = (
        None
    )
    average_hr: Annotated[float | None, Field(ge=0.0, le=300.0, title="Average Hr")] = None
    distance_m: Annotated[float, Field(ge=0.0, le=10000000.0, title="Distance M")]
    elapsed_time_s: Annotated[int, Field(ge=0, le=100000000, title="Elapsed Time S")]
    elevation_gain_m: Annotated[
        float | None, Field(ge=0.0, le=100000.0, title="Elevation Gain M")
    ] = None
    external_id: Annotated[str, Field(title="External Id")]
    id: Annotated[int, Field(title="Id")]
    max_hr: Annotated[float | None, Field(ge=0.0, le=300.0, title="Max Hr")] = None
    moving_time_s: Annotated[int, Field(ge=0, le=100000000, title="Moving Time S")]
    name: Annotated[str, Field(max_length=200, min_length=1, title="Name")]
    source: Annotated[Literal["strava", "file", "manual"], Field(title="Source")]
    sport_type: Annotated[str, Field(max_length=32, min_length=1, title="Sport Type")] = "Run"
    started_at: Annotated[AwareDatetime, Field(title="Started At")]
    time_zone: Annotated[
        str | None, Field(examples=["Europe/Paris"], max_length=64, min_length=1, title="Time Zone")
    ] = None


class RunSplit(BaseModel):
    """
    One kilometre (or the last, shorter part) of a run.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    average_hr: Annotated[float | None, Field(ge=0.0, le=300.0, title="Average Hr")] = None
    distance_m: Annotated[float, Field(ge=0.0, le=10000000.0, title="Distance M")]
    elapsed_time_s: Annotated[int, Field(ge=0, le=100000000, title="Elapsed Time S")]
    elevation_difference_m: Annotated[
        float | None, Field(ge=-10000.0, le=10000.0, title="Elevation Difference M")
    ] = None
    moving_time_s: Annotated[int | None, Field(ge=0, le=100000000, title="Moving Time S")] = None


class LatlngItemItem(RootModel[float]):
    root: Annotated[float, Field(ge=-90.0, le=90.0)]


class LatlngItemItem1(RootModel[float]):
    root: Annotated[float, Field(ge=-180.0, le=180.0)]


class LatlngItem(RootModel[tuple[LatlngItemItem, LatlngItemItem1]]):
    root: Annotated[tuple[LatlngItemItem, LatlngItemItem1], Field(max_length=2, min_length=2)]


class RunStreams(BaseModel):
    """
    Downsampled per-point series of a run; every series sent has the same length.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    altitude: Annotated[list[float] | None, Field(max_length=1000, title="Altitude")] = None
    cadence: Annotated[list[float] | None, Field(max_length=1000, title="Cadence")] = None
    distance: Annotated[list[float] | None, Field(max_length=1000, title="Distance")] = None
    grade_smooth: Annotated[list[float] | None, Field(max_length=1000, title="Grade Smooth")] = None
    heartrate: Annotated[list[float] | None, Field(max_length=1000, title="Heartrate")] = None
    latlng: Annotated[list[LatlngItem] | None, Field(max_length=1000, title="Latlng")] = None
    moving: Annotated[list[bool] | None, Field(max_length=1000, title="Moving")] = None
    temp: Annotated[list[float] | None, Field(max_length=1000, title="Temp")] = None
    time: Annotated[list[float] | None, Field(max_length=1000, title="Time")] = None
    velocity_smooth: Annotated[
        list[float] | None, Field(max_length=1000, title="Velocity Smooth")
    ] = None
    watts: Annotated[list[float] | None, Field(max_length=1000, title="Watts")] = None


class RunDetail(BaseModel):
    average_cadence: Annotated[float | None, Field(ge=0.0, le=500.0, title="Average Cadence")] = (
        None
    )
    average_hr: Annotated[float | None, Field(ge=0.0, le=300.0, title="Average Hr")] = None
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    distance_m: Annotated[float, Field(ge=0.0, le=10000000.0, title="Distance M")]
    elapsed_time_s: Annotated[int, Field(ge=0, le=100000000, title="Elapsed Time S")]
    elevation_gain_m: Annotated[
        float | None, Field(ge=0.0, le=100000.0, title="Elevation Gain M")
    ] = None
    external_id: Annotated[str, Field(title="External Id")]
    id: Annotated[int, Field(title="Id")]
    max_hr: Annotated[float | None, Field(ge=0.0, le=300.0, title="Max Hr")] = None
    moving_time_s: Annotated[int, Field(ge=0, le=100000000, title="Moving Time S")]
    name: Annotated[str, Field(max_length=200, min_length=1, title="Name")]
    source: Annotated[Literal["strava", "file", "manual"], Field(title="Source")]
    splits: Annotated[list[RunSplit] | None, Field(title="Splits")] = None
    sport_type: Annotated[str, Field(max_length=32, min_length=1, title="Sport Type")] = "Run"
    started_at: Annotated[AwareDatetime, Field(title="Started At")]
    streams: RunStreams | None = None
    summary_polyline: Annotated[str | None, Field(title="Summary Polyline")] = None
    time_zone: Annotated[
        str | None, Field(examples=["Europe/Paris"], max_length=64, min_length=1, title="Time Zone")
    ] = None
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]


class RunList(BaseModel):
    items: Annotated[list[RunSummary], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` to get the next page; null on the last page.",
            title="Next Cursor",
        ),
    ]
    total: Annotated[
        int | None,
        Field(
            description="How many runs match the filters and search; on the first page only (null on a page asked for with a cursor).",
            title="Total",
        ),
    ] = None