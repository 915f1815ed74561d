from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from runnerly_dataservice.fields import TimeZoneName
from runnerly_kit.text import SingleLine

Sex = Literal["female", "male", "other"]
Units = Literal["km", "mi"]
# The languages the web app, the mails and the PDF are written in; null is "not chosen",
# which the web app reads as the browser's language and a mail as English.
Language = Literal["en", "zh-Hans"]
WeightKg = Annotated[float, Field(ge=20, le=300)]
MaxHeartRate = Annotated[int, Field(ge=100, le=240)]
RestingHeartRate = Annotated[int, Field(ge=25, le=120)]
Vo2Max = Annotated[float, Field(ge=10, le=95)]


def _not_in_the_future(year: int) -> int:
    if year > datetime.now(UTC).year:
        raise ValueError(f"{year} is in the future")
    return year


BirthYear = Annotated[int, Field(ge=1900, le=2100), AfterValidator(_not_in_the_future)]
DisplayName = Annotated[str, SingleLine(max_length=100)]


class ProfileRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    display_name: str | None = None
    birth_year: int | None = None
    sex: Sex | None = None
    weight_kg: float | None = None
    max_hr: int | None = None
    resting_hr: int | None = None
    vo2max: float | None = None
    units: Units = "km"
    time_zone: str = "UTC"
    language: Language | None = None


class ProfileUpdate(BaseModel):
    """Only the fields sent change; ``null`` clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    birth_year: BirthYear | None = None
    sex: Sex | None = None
    weight_kg: WeightKg | None = None
    max_hr: MaxHeartRate | None = None
    resting_hr: RestingHeartRate | None = None
    vo2max: Vo2Max | None = None
    units: Units = "km"
    time_zone: TimeZoneName = "UTC"
    language: Language | None = None

    @model_validator(mode="before")
    @classmethod
    def _required_fields_are_not_null(cls, data: object) -> object:
        if isinstance(data, dict):
            for name in ("units", "time_zone"):
                if name in data and data[name] is None:
                    raise ValueError(f"{name.replace('_', ' ').capitalize()} cannot be null.")
        return data

    @model_validator(mode="after")
    def _resting_below_max(self) -> Self:
        if self.resting_hr is not None and self.max_hr is not None:
            check_heart_rates(self.resting_hr, self.max_hr)
        return self

    def changes(self) -> dict[str, object]:
        return self.model_dump(include=self.model_fields_set)


def check_heart_rates(resting_hr: int, max_hr: int) -> None:
    if resting_hr >= max_hr:
        raise ValueError(
            f"resting_hr ({resting_hr}) must be below max_hr ({max_hr})"
        )
