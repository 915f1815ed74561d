"""Field types shared by several domains' schemas."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, Field


@lru_cache(maxsize=1)
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _known_time_zone(name: str) -> str:
    # Checked against the IANA list rather than by loading the name, which would also
    # accept file paths under the zoneinfo folder.
    if name not in _known_time_zones():
        raise ValueError(f"'{name}' is not an IANA time zone name (such as 'Europe/Paris')")
    return name


TimeZoneName = Annotated[
    str,
    Field(min_length=1, max_length=64, examples=["Europe/Paris"]),
    AfterValidator(_known_time_zone),
]
RunnerId = Annotated[str, Field(min_length=1, max_length=64)]
# Bounded so an absurd id is a 422, never an integer overflow in the database.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
