"""Finish every HTTP response so its connection is either reusable or closed, never stuck in between.

An answer sent before the request body was read (401 without a token, 415, 413, 408 for a body that
never finishes) leaves the rest of that body on the wire. hypercorn then closes the connection from
``H11Protocol._maybe_recycle`` -- but it runs that close inside the app's own task, while quart-trio
cancels the task's nursery as soon as hypercorn queues ``http.disconnect``. The close is cancelled at its
first checkpoint: the socket stays open, its h11 state is never recycled, and the next request on it waits
for ``can_read`` forever (and the keep-alive idle timer, stopped when the request began, never restarts).

So this layer, outside everything a request with a body can reach (Quart and the caption fast path; SSE
streams, GETs without a body that never reach Quart, are served before it):
- marks such an answer ``Connection: close``, so the client knows not to send another request on it;
- sends the last body message of every response in a shielded scope (bounded by
  ``response_finish_timeout_s``), so hypercorn's recycle or close runs to its end.
"""

from __future__ import annotations

from collections.abc import Awaitable

import trio
from hypercorn.typing import (
    ASGIFramework,
    ASGIReceiveCallable,
    ASGIReceiveEvent,
    ASGISendCallable,
    ASGISendEvent,
    HTTPScope,
    Scope,
)


def has_body(scope: HTTPScope) -> bool:
    for name, value in scope["headers"]:
        if name.lower() == b"transfer-encoding":
            return True
        if name.lower() == b"content-length":
            return value.strip() not in (b"0", b"")
    return False


async def send_last(send: ASGISendCallable, message: ASGISendEvent, timeout_s: float) -> None:
    """The last body message of a response, sent in a shielded scope bounded by ``timeout_s``."""
    with trio.CancelScope(shield=True) as finishing:
        finishing.deadline = trio.current_time() + timeout_s
        await send(message)


class ResponseFinisher:
    def __init__(self, app: ASGIFramework, finish_timeout_s: float) -> None:
        self.app = app
        self.finish_timeout_s = finish_timeout_s

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = not has_body(scope)

        async def tracking_receive() -> ASGIReceiveEvent:
            nonlocal body_done
            message = await receive()
            if message["type"] == "http.disconnect" or (
                    message["type"] == "http.request" and not message.get("more_body", False)):
                body_done = True
            return message

        def finishing_send(message: ASGISendEvent) -> Awaitable[None]:
            # Not a coroutine unless it must shield the last write: a stream's chunks go straight through.
            if message["type"] == "http.response.start" and not body_done:
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                return send_last(send, message, self.finish_timeout_s)
            return send(message)

        await self.app(scope, tracking_receive, finishing_send)
