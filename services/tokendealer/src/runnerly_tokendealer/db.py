from __future__ import annotations

from datetime import UTC, datetime

from runnerly_kit.db import Base, metadata


class Model(Base):
    __abstract__ = True
    metadata = metadata()


def utcnow() -> datetime:
    return datetime.now(UTC)
