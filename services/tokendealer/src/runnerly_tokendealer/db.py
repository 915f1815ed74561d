from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from runnerly_kit.db import Base, metadata


class Model(Base):
    __abstract__ = True
    metadata = metadata()


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC.

    SQLite keeps no zone, so without this its values come back naive and cannot be
    compared with ``datetime.now(UTC)``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
