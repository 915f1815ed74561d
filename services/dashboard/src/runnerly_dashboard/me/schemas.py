from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from runnerly_dashboard.auth.schemas import Account
from runnerly_kit.text import SingleLine

Units = Literal["km", "mi"]


class Profile(BaseModel):
    """A runner's profile as dataservice keeps it."""

    model_config = ConfigDict(extra="allow")

    display_name: str | None = None
    birth_year: int | None = None
    sex: str | None = None
    weight_kg: float | None = None
    max_hr: int | None = None
    resting_hr: int | None = None
    vo2max: float | None = None
    units: Units = "km"
    time_zone: str = "UTC"
    updated_at: datetime | None = None


class ProfileUpdate(BaseModel):
    """Only the fields sent change; null clears a field."""

    model_config = ConfigDict(extra="forbid")

    display_name: Annotated[str, SingleLine(max_length=100)] | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    sex: str | None = Field(default=None, max_length=8)
    weight_kg: float | None = Field(default=None, gt=0, le=500)
    max_hr: int | None = Field(default=None, ge=60, le=260)
    resting_hr: int | None = Field(default=None, ge=20, le=150)
    vo2max: float | None = Field(default=None, gt=0, le=100)
    units: Units | None = None
    time_zone: str | None = Field(default=None, min_length=1, max_length=64)


class Me(BaseModel):
    account: Account
    profile: Profile
