"""Generated from contracts/dataservice.json (RunUpsert) by `make contracts`: do not edit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel


class AverageCadence(RootModel[float]):
    root: Annotated[float, Field(ge=0.0, le=500.0, title="Average Cadence")]


class AverageHr(RootModel[float]):
    root: Annotated[float, Field(ge=0.0, le=300.0, title="Average Hr")]


class ElevationGainM(RootModel[float]):
    root: Annotated[float, Field(ge=0.0, le=100000.0, title="Elevation Gain M")]


class MaxHr(RootModel[float]):
    root: Annotated[float, Field(ge=0.0, le=300.0, title="Max Hr")]


class SummaryPolyline(RootModel[str]):
    root: Annotated[str, Field(max_length=100000, title="Summary Polyline")]


class TimeZone(RootModel[str]):
    root: Annotated[
        str, Field(examples=["Europe/Paris"], max_length=64, min_length=1, title="Time Zone")
    ]


class ElevationDifferenceM(RootModel[float]):
    root: Annotated[float, Field(ge=-10000.0, le=10000.0, title="Elevation Difference M")]


class MovingTimeS(RootModel[int]):
    root: Annotated[int, Field(ge=0, le=100000000, title="Moving Time S")]


class RunSplit(BaseModel):
    """
    One kilometre (or the last, shorter part) of a run.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    average_hr: Annotated[AverageHr | None, Field(title="Average Hr")] = None
    distance_m: Annotated[float, Field(ge=0.0, le=10000000.0, title="Distance M")]
    elapsed_time_s: Annotated[int, Field(ge=0, le=100000000, title="Elapsed Time S")]
    elevation_difference_m: Annotated[
        ElevationDifferenceM | None, Field(title="Elevation Difference M")
    ] = None
    moving_time_s: Annotated[MovingTimeS | None, Field(title="Moving Time S")] = None


class Altitude(RootModel[list[float]]):
    root: Annotated[list[float], Field(max_length=1000, title="Altitude")]


class Cadence(RootModel[list[float]]):
    root: Annotated[list[float], Field(max_length=1000, title="Cadence")]


class Distance(RootModel[list[float]]):
    root: Annotated[list[float], Field(max_length=1000, title="Distance")]


class GradeSmooth(RootModel[list[float]]):
    root: Annotated[list[float], Field(max_length=1000, title="Grade Smooth")]


class Heartrate(RootModel[list[float]]):
    root: Annotated[list[float], Field(max_length=1000, title="Heartrate")]


class LatlngItemItem(RootModel[float]):
    root: Annotated[float, Field(ge=-90.0, le=90.0)]


class LatlngItemItem1(RootModel[float]):
    root: Annotated[float, Field(ge=-180.0, le=180.0)]


class LatlngItem(RootModel[tuple[LatlngItemItem, LatlngItemItem1]]):
    root: Annotated[tuple[LatlngItemItem, LatlngItemItem1], Field(max_length=2, min_length=2)]


class Latlng(RootModel[list[LatlngItem]]):
    root: Annotated[list[LatlngItem], Field(max_length=1000, title="Latlng")]


class Moving(RootModel[list[bool]]):
    root: Annotated[list[bool], Field(max_length=1000, title="Moving")]


class Temp(RootModel[list[float]]):
    root: Annotated[list[float], Field(max_length=1000, title="Temp")]


class Time(RootModel[list[float]]):
    root: Annotated[list[float], Field(max_length=1000, title="Time")]


class VelocitySmooth(RootModel[list[float]]):
    root: Annotated[list[float], Field(max_length=1000, title="Velocity Smooth")]


class Watts(RootModel[list[float]]):
    root: Annotated[list[float], Field(max_length=1000, title="Watts")]


class RunStreams(BaseModel):
    """
    Downsampled per-point series of a run; every series sent has the same length.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    altitude: Annotated[Altitude | None, Field(title="Altitude")] = None
    cadence: Annotated[Cadence | None, Field(title="Cadence")] = None
    distance: Annotated[Distance | None, Field(title="Distance")] = None
    grade_smooth: Annotated[GradeSmooth | None, Field(title="Grade Smooth")] = None
    heartrate: Annotated[Heartrate | None, Field(title="Heartrate")] = None
    latlng: Annotated[Latlng | None, Field(title="Latlng")] = None
    moving: Annotated[Moving | None, Field(title="Moving")] = None
    temp: Annotated[Temp | None, Field(title="Temp")] = None
    time: Annotated[Time | None, Field(title="Time")] = None
    velocity_smooth: Annotated[VelocitySmooth | None, Field(title="Velocity Smooth")] = None
    watts: Annotated[Watts | None, Field(title="Watts")] = None


class Splits(RootModel[list[RunSplit]]):
    root: Annotated[list[RunSplit], Field(max_length=500, title="Splits")]


class RunUpsert(BaseModel):
    """
    A run as a source knows it; ``(runner_id, source, external_id)`` identifies it: the
    same source and external id sent for another runner is another runner's run.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    average_cadence: Annotated[AverageCadence | None, Field(title="Average Cadence")] = None
    average_hr: Annotated[AverageHr | None, Field(title="Average Hr")] = None
    distance_m: Annotated[float, Field(ge=0.0, le=10000000.0, title="Distance M")]
    elapsed_time_s: Annotated[int, Field(ge=0, le=100000000, title="Elapsed Time S")]
    elevation_gain_m: Annotated[ElevationGainM | None, Field(title="Elevation Gain M")] = None
    external_id: Annotated[str, Field(max_length=64, min_length=1, title="External Id")]
    max_hr: Annotated[MaxHr | None, Field(title="Max Hr")] = None
    moving_time_s: Annotated[int, Field(ge=0, le=100000000, title="Moving Time S")]
    name: Annotated[str, Field(max_length=200, min_length=1, title="Name")]
    runner_id: Annotated[str, Field(max_length=64, min_length=1, title="Runner Id")]
    source: Annotated[Literal["strava", "file", "manual"], Field(title="Source")]
    splits: Annotated[Splits | None, Field(title="Splits")] = None
    sport_type: Annotated[str | None, Field(max_length=32, min_length=1, title="Sport Type")] = (
        "Run"
    )
    started_at: Annotated[AwareDatetime, Field(title="Started At")]
    streams: RunStreams | None = None
    summary_polyline: Annotated[SummaryPolyline | None, Field(title="Summary Polyline")] = None
    time_zone: Annotated[TimeZone | None, Field(title="Time Zone")] = None