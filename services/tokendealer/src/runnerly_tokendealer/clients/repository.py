from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from runnerly_tokendealer.models import ServiceClient


def get(session: Session, client_id: str) -> ServiceClient | None:
    return session.get(ServiceClient, client_id)


def all_ids(session: Session) -> set[str]:
    return set(session.scalars(sa.select(ServiceClient.client_id)))


def add(session: Session, client: ServiceClient) -> None:
    session.add(client)


def delete_all_but(session: Session, client_ids: set[str]) -> None:
    session.execute(sa.delete(ServiceClient).where(ServiceClient.client_id.not_in(client_ids)))
