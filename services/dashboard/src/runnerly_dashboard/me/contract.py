"""Generated from contracts/dataservice.json (ProfileRead) by `make contracts`: do not edit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field


class ProfileRead(BaseModel):
    birth_year: Annotated[int | None, Field(title="Birth Year")] = None
    display_name: Annotated[str | None, Field(title="Display Name")] = None
    language: Annotated[Literal["en", "zh-Hans"] | None, Field(title="Language")] = None
    max_hr: Annotated[int | None, Field(title="Max Hr")] = None
    resting_hr: Annotated[int | None, Field(title="Resting Hr")] = None
    sex: Annotated[Literal["female", "male", "other"] | None, Field(title="Sex")] = None
    time_zone: Annotated[str, Field(title="Time Zone")] = "UTC"
    units: Annotated[Literal["km", "mi"], Field(title="Units")] = "km"
    vo2max: Annotated[float | None, Field(title="Vo2Max")] = None
    weight_kg: Annotated[float | None, Field(title="Weight Kg")] = None