"""The body cap at the ASGI level, where a client can leave halfway through its body."""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive, Scope, Send

from runnerly_kit.middleware import BodySizeLimitMiddleware


def test_a_client_leaving_mid_body_is_passed_on_to_the_app() -> None:
    incoming: list[Message] = [
        {"type": "http.request", "body": b"x" * 10, "more_body": True},
        {"type": "http.disconnect"},
    ]
    received: list[Message] = []
    sent: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            received.append(message)
            if message["type"] == "http.disconnect":
                return

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    asyncio.run(BodySizeLimitMiddleware(app, max_bytes=100)(scope, receive, send))

    assert [message["type"] for message in received] == ["http.request", "http.disconnect"]
    assert sent == []  # under the cap: no 413 for a client that is gone
