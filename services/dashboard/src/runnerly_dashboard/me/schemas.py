"""The runner's record as the public API shows it: the account, and the profile in the
dataservice's own shape (``contract``, generated from its contract)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from runnerly_dashboard.auth.schemas import AccountRead
from runnerly_dashboard.me.contract import ProfileRead
from runnerly_kit.text import SingleLine

__all__ = ["Language", "Me", "ProfileRead", "ProfileUpdate", "Units"]

Units = Literal["km", "mi"]
Language = Literal["en", "zh-Hans"]


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
    language: Language | None = None


class Me(BaseModel):
    account: AccountRead
    profile: ProfileRead = Field(description="The profile as the dataservice keeps it.")
