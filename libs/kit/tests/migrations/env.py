"""The migrations of the kit's test app: notes, and the outbox every service has."""

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from runnerly_kit.db import metadata, run_alembic_env
from runnerly_kit.outbox import OutboxMixin


class Model(DeclarativeBase):  # a base of its own: Alembic runs this file anew each time
    metadata = metadata()


class Note(Model):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(50))


class OutboxMessage(OutboxMixin, Model):
    pass


run_alembic_env(Model.metadata)
