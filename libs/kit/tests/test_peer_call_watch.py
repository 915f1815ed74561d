"""PeerCallWatch: what the services' tests use to catch a peer called inside a transaction."""

from __future__ import annotations

from pathlib import Path

import httpx
import sqlalchemy as sa

from runnerly_kit.db import create_engine
from runnerly_kit.testing import PeerCallWatch


def test_a_call_made_while_holding_a_connection_is_told_apart(tmp_path: Path) -> None:
    watch = PeerCallWatch(lambda request: httpx.Response(200, json={}))
    engine = create_engine(f"sqlite:///{tmp_path / 'watched.sqlite'}")
    watch.watch(engine)
    try:
        with httpx.Client(transport=watch.transport()) as peer:
            peer.get("http://peer.test/before")
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
                peer.get("http://peer.test/inside")
            peer.get("http://peer.test/after")
    finally:
        engine.dispose()

    assert watch.requests == [
        "GET peer.test/before", "GET peer.test/inside", "GET peer.test/after"]
    assert watch.in_transaction == ["GET peer.test/inside"]
