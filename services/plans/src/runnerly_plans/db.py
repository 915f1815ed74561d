from __future__ import annotations

from runnerly_kit.db import Base, metadata


class Model(Base):
    __abstract__ = True
    metadata = metadata()
