"""The ceiling: a bare ASGI app that answers every request with the same JSON page.

Served by the same uvicorn, with the same workers, as the dataservice, it measures what the
server, the loop and the load generator cost on their own. The body is a page of ten runs
shaped and sized like the dataservice's answer.
"""

from __future__ import annotations

import json
import random
from typing import Any

from starlette.types import Receive, Scope, Send

from bench.data import run_fields


def _page() -> bytes:
    rng = random.Random(0)
    items: list[dict[str, Any]] = []
    for number in range(10):
        run = run_fields(rng, 0, number)
        del run["runner_id"], run["summary_polyline"]
        items.append({**run, "id": number + 1, "started_at": run["started_at"].isoformat()})
    return json.dumps({"items": items, "next_cursor": "WyIyMDI2LTA5LTEzIiwxMV0"}).encode()


BODY = _page()
HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
